/**
 * CXL interleave helpers written for the tests, in the shapes the kernel's drivers/cxl and QEMU's
 * hw/cxl use (an out-parameter and -EINVAL; a switch with GNU case ranges; QEMU's `Error **errp`), right
 * and wrong. Each is added by a patch to a header of its own.
 */
import { mark, patchMail } from './helpers';

export const helperPatch = (path: string, code: string, context = '#include <linux/log2.h>'): string =>
  patchMail('cxl: add interleave helpers', [{ path, hunks: [{ start: 30, lines: [...mark(' ', context), ...mark('+', `\n${code}`)] }] }]);

export const EIW_TO_WAYS = `static inline int eiw_to_ways(u8 eiw, unsigned int *ways)
{
	switch (eiw) {
	case 0 ... 4:
		*ways = 1 << eiw;
		break;
	case 8 ... 10:
		*ways = 3 << (eiw - 8);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}`;

export const WAYS_TO_EIW = `static inline int ways_to_eiw(unsigned int ways, u8 *eiw)
{
	if (ways > 16)
		return -EINVAL;
	if (is_power_of_2(ways)) {
		*eiw = ilog2(ways);
		return 0;
	}
	if (ways % 3)
		return -EINVAL;
	ways /= 3;
	if (!is_power_of_2(ways))
		return -EINVAL;
	*eiw = ilog2(ways) + 8;
	return 0;
}`;

export const EIG_TO_GRANULARITY = `static inline int eig_to_granularity(u16 eig, unsigned int *granularity)
{
	if (eig > CXL_DECODER_MAX_ENCODED_IG)
		return -EINVAL;
	*granularity = CXL_DECODER_MIN_GRANULARITY << eig;
	return 0;
}`;

export const GRANULARITY_TO_EIG = `static inline int granularity_to_eig(int granularity, u16 *eig)
{
	if (granularity > SZ_16K || granularity < CXL_DECODER_MIN_GRANULARITY ||
	    !is_power_of_2(granularity))
		return -EINVAL;
	*eig = ilog2(granularity) - 8;
	return 0;
}`;

/** QEMU's shape: the encoding returned, an unsupported value reported through errp. */
export const QEMU_WAYS_ENC = `uint8_t cxl_interleave_ways_enc(int iw, Error **errp)
{
    switch (iw) {
    case 1: return 0x0;
    case 2: return 0x1;
    case 4: return 0x2;
    case 8: return 0x3;
    case 16: return 0x4;
    case 3: return 0x8;
    case 6: return 0x9;
    case 12: return 0xa;
    default:
        error_setg(errp, "Interleave ways: %d not supported", iw);
        return 0;
    }
}`;

/** A decode helper with no range check: reserved encodings 7 to 15 come out as granularities. */
export const DECODE_IG_UNCHECKED = `static inline uint64_t cxl_decode_ig(int ig)
{
    return 1ULL << (ig + 8);
}`;
