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

/** The pitfall: the target picked with a power-of-two modulus, wrong for 3-, 6- and 12-way (eiw 8–10). */
export const POS_POW2_MODULUS = `static int cxl_hpa_to_target_pos(u64 hpa, int eiw, int eig)
{
	return (hpa >> (eig + 8)) % (1 << eiw);
}`;

/** The same, right for every allowed ways. */
export const POS_ANY_WAYS = `static int cxl_hpa_to_target_pos(u64 hpa, int eiw, int eig)
{
	u64 chunk = hpa >> (eig + 8);

	if (eiw < 8)
		return chunk & ((1 << eiw) - 1);
	return chunk % (3 << (eiw - 8));
}`;

/** Plain ways and granularity, the DPA written through an out-parameter. */
export const DPA_OFFSET = `static int cxl_hpa_to_dpa_offset(u64 hpa_offset, unsigned int ways, unsigned int granularity, u64 *dpa)
{
	u64 set = (u64)ways * granularity;

	*dpa = (hpa_offset / set) * granularity + hpa_offset % granularity;
	return 0;
}`;
