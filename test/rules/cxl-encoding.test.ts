import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import rule, { encodingKind } from '../../server/src/core/rules/cxl-encoding';
import { DECODE_IG_UNCHECKED, EIG_TO_GRANULARITY, EIW_TO_WAYS, GRANULARITY_TO_EIG, QEMU_WAYS_ENC, WAYS_TO_EIW, helperPatch } from '../cxl-fixture';
import { lineOf, readSeed } from '../helpers';
import { runRuleTests } from './tester';

const header = 'drivers/cxl/cxl.h';

test('what a helper computes, read from its name', () => {
  const cases: [string, ReturnType<typeof encodingKind>][] = [
    ['eiw_to_ways', { quantity: 'ways', direction: 'decode' }],
    ['ways_to_eiw', { quantity: 'ways', direction: 'encode' }],
    ['eig_to_granularity', { quantity: 'granularity', direction: 'decode' }],
    ['granularity_to_eig', { quantity: 'granularity', direction: 'encode' }],
    ['cxl_interleave_ways_enc', { quantity: 'ways', direction: 'encode' }],
    ['cxl_interleave_granularity_enc', { quantity: 'granularity', direction: 'encode' }],
    ['cxl_decode_ig', { quantity: 'granularity', direction: 'decode' }],
    ['nr_ways_to_string', null],
    ['cxl_decoder_reset', null],
    ['ways_to_ways', null],
  ];
  for (const [name, kind] of cases) assert.deepEqual(encodingKind(name), kind, name);
});

/** The helper with one line replaced. */
const spoil = (code: string, from: string, to: string): string => {
  assert.ok(code.includes(from), from);
  return code.replace(from, to);
};

const offByOne = helperPatch(header, spoil(EIW_TO_WAYS, 'case 8 ... 10:', 'case 8 ... 11:'));
const reservedIg = helperPatch('hw/cxl/cxl-component-utils.c', DECODE_IG_UNCHECKED);
const swapped = helperPatch(header, spoil(WAYS_TO_EIW, '*eiw = ilog2(ways) + 8;', '*eiw = 10 - ilog2(ways);'));
const noUpperBound = helperPatch(header, spoil(GRANULARITY_TO_EIG, 'granularity > SZ_16K || ', ''));
const qemuMissing12 = helperPatch('hw/cxl/cxl-component-utils.c', spoil(QEMU_WAYS_ENC, '    case 12: return 0xa;\n', ''));
const powersOnly = helperPatch(header, spoil(EIW_TO_WAYS, '\tcase 8 ... 10:\n\t\t*ways = 3 << (eiw - 8);\n\t\tbreak;\n', ''));

runRuleTests(rule, {
  valid: [
    { name: 'eiw_to_ways with case ranges and an out-parameter', code: helperPatch(header, EIW_TO_WAYS) },
    { name: 'ways_to_eiw with is_power_of_2(), ilog2() and a division by 3', code: helperPatch(header, WAYS_TO_EIW) },
    { name: 'eig_to_granularity with the kernel constants', code: helperPatch(header, EIG_TO_GRANULARITY) },
    { name: 'granularity_to_eig with SZ_16K and the minimum', code: helperPatch(header, GRANULARITY_TO_EIG) },
    { name: "QEMU's encoder reporting through errp", code: helperPatch('hw/cxl/cxl-component-utils.c', QEMU_WAYS_ENC) },
    {
      name: 'a helper whose name says nothing about encodings',
      code: helperPatch(header, 'static inline int cxl_ways_total(int a, int b)\n{\n\treturn a * b;\n}'),
    },
    {
      name: 'a helper the evaluator cannot run decides nothing',
      code: helperPatch(header, 'static inline int eiw_to_ways(u8 eiw, unsigned int *ways)\n{\n\treturn lookup_ways(eiw, ways);\n}'),
    },
  ],
  invalid: [
    {
      name: 'off by one in the 3/6/12 range: encoding 11 accepted',
      code: offByOne,
      errors: [
        {
          messageId: 'disagrees',
          line: lineOf(offByOne, 'eiw_to_ways(u8 eiw'),
          severity: 'error',
          includes: 'on 1 inputs: it accepts 11, which the spec reserves, as 24',
        },
      ],
    },
    {
      name: 'a decoder without a range check accepts reserved granularity encodings',
      code: reservedIg,
      errors: [
        { messageId: 'disagrees', line: lineOf(reservedIg, 'cxl_decode_ig(int ig)'), includes: 'on 9 inputs: it accepts 7, which the spec reserves, as 32768' },
      ],
    },
    {
      name: 'swapped table entries: 3-way encoded as 10',
      code: swapped,
      errors: [{ messageId: 'disagrees', line: lineOf(swapped, 'ways_to_eiw(unsigned int ways'), includes: 'it maps 3 to 10 where the spec says 8' }],
    },
    {
      name: 'no upper bound: 32 KiB granularity encoded as 7',
      code: noUpperBound,
      errors: [
        {
          messageId: 'disagrees',
          line: lineOf(noUpperBound, 'granularity_to_eig(int granularity'),
          includes: 'it accepts 32768, which the spec reserves, as 7',
        },
      ],
    },
    {
      name: "QEMU's encoder missing 12-way",
      code: qemuMissing12,
      errors: [
        {
          messageId: 'disagrees',
          line: lineOf(qemuMissing12, 'cxl_interleave_ways_enc(int iw'),
          includes: 'on 1 inputs: it rejects 12, which the spec maps to 10',
        },
      ],
    },
    {
      name: 'powers of two only: 3, 6 and 12 ways rejected',
      code: powersOnly,
      errors: [{ messageId: 'disagrees', line: lineOf(powersOnly, 'eiw_to_ways(u8 eiw'), includes: 'on 3 inputs: it rejects 8, which the spec maps to 3' }],
    },
  ],
  seeds: () => ({
    valid: [...['000', '001', '002', '003', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
  }),
});
