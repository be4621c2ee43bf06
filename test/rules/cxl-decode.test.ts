import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import rule, { decodeOutput } from '../../server/src/core/rules/cxl-decode';
import { DPA_OFFSET, POS_ANY_WAYS, POS_POW2_MODULUS, helperPatch } from '../cxl-fixture';
import { lineOf, readSeed } from '../helpers';
import { runRuleTests } from './tester';

const file = 'drivers/cxl/core/region.c';

test('which functions map an address to a position or a device offset, by name', () => {
  const cases: [string, ReturnType<typeof decodeOutput>][] = [
    ['cxl_hpa_to_target_pos', 'position'],
    ['cxl_calc_interleave_pos', 'position'],
    ['cxl_hpa_to_dpa_offset', 'dpa'],
    ['hpa_to_dpa', 'dpa'],
    ['cxl_region_attach', null],
    ['eiw_to_ways', null],
  ];
  for (const [name, out] of cases) assert.equal(decodeOutput(name), out, name);
});

const pow2 = helperPatch(file, POS_POW2_MODULUS);
// The DPA dropped with a shift by the encoded ways: right only for powers of two.
const dpaShift = helperPatch(file, DPA_OFFSET.replace('(hpa_offset / set) * granularity', '(hpa_offset >> ilog2(set)) * granularity'));
// Plain ways used where an encoding is expected: 1 << ways (even 1-way: % 2).
const plainAsEncoded = helperPatch(
  file,
  'static int cxl_hpa_to_target_pos(u64 hpa, unsigned int ways, unsigned int granularity)\n{\n\treturn (hpa / granularity) % (1 << ways);\n}',
);

runRuleTests(rule, {
  valid: [
    { name: 'the target picked with a modulo by the ways for 3, 6 and 12', code: helperPatch(file, POS_ANY_WAYS) },
    { name: 'the DPA offset with a division by the set size, through an out-parameter', code: helperPatch(file, DPA_OFFSET) },
    {
      name: 'plain ways with a plain modulo',
      code: helperPatch(
        file,
        'static int cxl_hpa_to_target_pos(u64 hpa, unsigned int ways, unsigned int granularity)\n{\n\treturn (hpa / granularity) % ways;\n}',
      ),
    },
    {
      name: 'a function without ways and granularity parameters',
      code: helperPatch(file, 'static int cxl_hpa_to_target_pos(struct cxl_region *cxlr, u64 hpa)\n{\n\treturn hpa & 1;\n}'),
    },
  ],
  invalid: [
    {
      name: 'the pitfall: % (1 << eiw) for 3-, 6- and 12-way',
      code: pow2,
      errors: [
        {
          messageId: 'disagrees',
          line: lineOf(pow2, 'cxl_hpa_to_target_pos(u64 hpa'),
          severity: 'warning',
          // 3-way (eiw 8) at 256 B: HPA 0x300 is chunk 3 → position 0; the function gives 3 % 256 = 3.
          includes: 'gives target position 3 for address 0x300 at 3-way, 256 B where the CXL interleave model gives 0 (wrong for 3, 6, 12-way)',
        },
      ],
    },
    {
      name: 'the DPA dropped with a shift: 3, 6, 12 ways wrong',
      code: dpaShift,
      errors: [{ messageId: 'disagrees', line: lineOf(dpaShift, 'cxl_hpa_to_dpa_offset(u64 hpa_offset'), includes: 'wrong for 3, 6, 12-way' }],
    },
    {
      name: 'plain ways shifted as though they were an encoding',
      code: plainAsEncoded,
      errors: [{ messageId: 'disagrees', line: lineOf(plainAsEncoded, 'cxl_hpa_to_target_pos(u64 hpa'), includes: 'wrong for 1, 2, 3, 4, 6, 8, 12, 16-way' }],
    },
  ],
  seeds: () => ({
    valid: [...['000', '001', '002', '003', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
  }),
});
