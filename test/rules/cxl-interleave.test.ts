import rule from '../../server/src/core/rules/cxl-interleave';
import { lineOf, readSeed } from '../helpers';
import { runRuleTests } from './tester';

/** A reply on a CXL thread whose body is `body` (quoted replies keep their `>` prefixes). */
const mail = (body: string): string =>
  [
    'From: A Reviewer <reviewer@example.org>',
    'Subject: Re: [RFC] cxl: map interleave strides as regions',
    'Date: Mon, 2 Mar 2026 10:00:00 +0000',
    'Message-ID: <r1@example.org>',
    '',
    body,
    '',
  ].join('\n');

const perDevice = mail('With 256 byte interleave granularity and 8 2TB devices we would need\nabout 8x10^9 regions per device, which does not scale.');
// 2 TiB / 256 B = 2^33 ≈ 8.59 × 10^9: agrees.
const total = mail('At 4 KiB interleave granularity, 4 64GB devices need 6.7x10^7 regions\nin all.');
// 64 GiB / 4 KiB = 2^24 ≈ 1.68 × 10^7 per device; 4 devices: 6.71 × 10^7 total: agrees with the total.
const wrong = mail('The interleave granularity is 1024 bytes. For 16 512GB devices that is\nroughly 5x10^6 regions, fine for QEMU.');
// 512 GiB / 1 KiB = 2^29 ≈ 5.37 × 10^8 per device; 8.59 × 10^9 total: neither.
const earlierParagraph = mail('> The interleave can be 512 bytes across many devices.\n>\n> So 4 1TB devices would need 2x10^9 IO regions.');
// Granularity from the paragraph before, same quote depth: 2^40 / 2^9 = 2^31 ≈ 2.15 × 10^9.
const wrapped = mail('>> interleave at 256 bytes; for 2 16GB\n>> devices about 6.7x10^7\n>> regions each.');
// A figure wrapped onto the next quoted line: 16 GiB / 256 = 2^26 ≈ 6.71 × 10^7.

runRuleTests(rule, {
  valid: [
    { name: 'a figure with no device size', code: mail('Interleave at 256 bytes would need 10^6 regions.') },
    { name: 'a figure with no granularity stated', code: mail('Sixteen devices: 16 1TB devices would need 4x10^9 regions in some interleave.') },
    { name: 'no interleave in sight: not a CXL figure', code: mail('For 16 1TB devices at 256 bytes per page cache entry we would need 4x10^9 regions.') },
    { name: 'a figure not about regions', code: mail('The interleave is 256 bytes; 16 1TB devices hold 10^12 bytes each.') },
    {
      name: 'numbers in a diff are code, not prose',
      code: mail(
        'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n /* interleave 256 bytes, 16 1TB devices: 4x10^9 regions */\n-int a;\n+int b;',
      ),
    },
  ],
  invalid: [
    {
      name: 'a per-device figure that agrees',
      code: perDevice,
      errors: [
        {
          messageId: 'figureAgrees',
          line: lineOf(perDevice, 'about 8x10^9'),
          severity: 'information',
          includes: '8x10^9 regions for 8 devices of 2 TiB at 256 B: the CXL interleave model agrees (8.59 × 10^9 regions per device)',
        },
      ],
    },
    {
      name: 'a figure for all devices that agrees',
      code: total,
      errors: [{ messageId: 'figureAgrees', line: lineOf(total, '6.7x10^7'), severity: 'information', includes: '(6.71 × 10^7 regions for all of them)' }],
    },
    {
      name: 'a figure that agrees with nothing',
      code: wrong,
      errors: [
        {
          messageId: 'figureDisagrees',
          line: lineOf(wrong, 'roughly 5x10^6'),
          severity: 'warning',
          includes:
            '5x10^6 regions for 16 devices of 512 GiB at 1024 B disagrees with the CXL interleave model: 5.37 × 10^8 regions per device, 8.59 × 10^9 for all 16',
        },
      ],
    },
    {
      name: 'the granularity from an earlier paragraph of the same reply',
      code: earlierParagraph,
      errors: [{ messageId: 'figureAgrees', line: lineOf(earlierParagraph, '2x10^9'), includes: '(2.15 × 10^9 regions per device)' }],
    },
    {
      name: 'a sentence the mail client wrapped, quoted twice',
      code: wrapped,
      errors: [{ messageId: 'figureAgrees', line: lineOf(wrapped, '6.7x10^7'), includes: '6.7x10^7 regions for 2 devices of 16 GiB at 256 B' }],
    },
  ],
  seeds: () => ({
    valid: [...['000', '001', '002', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
    invalid: [
      {
        name: 'seed 003: both figures of the thread',
        code: readSeed('003'),
        errors: [
          { messageId: 'figureAgrees', line: lineOf(readSeed('003'), 'about 4x10^9'), severity: 'information', includes: '(4.29 × 10^9 regions per device)' },
          {
            messageId: 'figureAgrees',
            line: lineOf(readSeed('003'), "we'd need 10^6 IO regions"),
            severity: 'information',
            includes: '(1.05 × 10^6 regions per device)',
          },
        ],
      },
    ],
  }),
});
