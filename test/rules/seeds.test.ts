/**
 * Acceptance on the real mails: no introduced warning or error on any seed as posted; on seed 002, every
 * site the patch updated is reverted one at a time, and the error must land on exactly that line.
 */
import * as assert from 'node:assert/strict';
import { readSeed, seedNames, seedTest } from '../helpers';
import { sharedEngine } from './tester';

seedTest('no patch of the seeds as posted has an introduced warning or error', async () => {
  const engine = await sharedEngine();
  for (const name of seedNames()) {
    const a = engine.analyze(readSeed(name.slice(0, 3)));
    // Seed 000 has no patch: its errors are in the code a reply writes (the test below).
    const bad = a.findings.filter((f) => f.patch && f.origin === 'introduced' && (f.severity === 'error' || f.severity === 'warning'));
    assert.deepEqual(
      bad.map((f) => `${name}:${f.range.start.line + 1}: ${f.message}`),
      [],
    );
  }
});

seedTest("seed 000: the mask and unit errors on the reply's rewrite, the binding note on the quoted round_down, nothing else", async () => {
  const a = (await sharedEngine()).analyze(readSeed('000'));
  assert.deepEqual(
    a.findings.map((f) => [f.ruleId, f.severity, f.origin, f.range.start.line + 1]),
    [
      // `aligned_index = round_down(index, nr_pages);`, quoted eight levels deep
      ['gmem-binding-alignment', 'information', 'introduced', 58],
      // `offset_within_page = slot->gmem.pgoff & page_mask;`
      ['mask-misuse', 'error', 'introduced', 173],
      // `gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;`
      ['mask-misuse', 'error', 'introduced', 174],
      // `offset_within_page == gfn_within_page;`
      ['unit-mismatch', 'error', 'introduced', 176],
    ],
  );
  // The note sits on the code itself, past the quote prefix.
  const note = a.findings[0];
  assert.equal(readSeed('000').split('\n')[57].slice(note.range.start.character, note.range.end.character), 'round_down(index, nr_pages)');
});

seedTest('the other seeds gain nothing from the guest_memfd rules', async () => {
  const engine = await sharedEngine();
  for (const seed of ['001', '002', '003', '004']) {
    const a = engine.analyze(readSeed(seed));
    assert.deepEqual(
      a.findings.filter((f) => ['mask-misuse', 'unit-mismatch', 'gmem-binding-alignment'].includes(f.ruleId)).map((f) => f.message),
      [],
      seed,
    );
  }
});

seedTest('the seeds other than 003 gain nothing from the CXL rules', async () => {
  const engine = await sharedEngine();
  for (const seed of ['000', '001', '002', '004']) {
    const a = engine.analyze(readSeed(seed));
    assert.deepEqual(
      a.findings.filter((f) => f.ruleId.startsWith('cxl-')).map((f) => f.message),
      [],
      seed,
    );
  }
});

seedTest('seed 003: the two region figures of the thread get information notes, on the figures, and nothing else', async () => {
  const text = readSeed('003');
  const a = (await sharedEngine()).analyze(text);
  assert.deepEqual(
    a.findings.map((f) => [f.ruleId, f.severity, f.range.start.line + 1]),
    [
      // "16 1TB devices I think you'd need about 4x10^9": 2^40 / 2^8 = 2^32 ≈ 4.29 × 10^9 per device
      ['cxl-interleave', 'information', 65],
      // "16x 256MB devices ... we'd need 10^6 IO regions": 2^28 / 2^8 = 2^20 ≈ 1.05 × 10^6 per device
      ['cxl-interleave', 'information', 68],
    ],
  );
  const lines = text.split('\n');
  assert.deepEqual(
    a.findings.map((f) => lines[f.range.start.line].slice(f.range.start.character, f.range.end.character)),
    ['4x10^9', '10^6'],
  );
  assert.match(a.findings[0].explanation, /1 TiB \/ 256 B = 2\^40 \/ 2\^8 = 2\^32 ≈ \*\*4\.29 × 10\^9\*\* per device/);
  assert.match(a.findings[1].explanation, /256 MiB \/ 256 B = 2\^28 \/ 2\^8 = 2\^20 ≈ \*\*1\.05 × 10\^6\*\* per device/);
  assert.equal(a.findings[0].model?.id, 'cxl-interleave');
});

seedTest('seed 002 as posted: only the two dropped-pgmap notes the domain expects', async () => {
  const a = (await sharedEngine()).analyze(readSeed('002'));
  const shown = a.findings.filter((f) => f.origin === 'introduced');
  assert.deepEqual(
    shown.map((f) => [f.ruleId, f.severity, f.range.start.line + 1, f.file]),
    [
      // `return __vmemmap_populate(start, end, node, altmap);`: powerpc's hash-MMU path
      ['parameter-dropped', 'information', 135, 'arch/powerpc/mm/init_64.c'],
      // `return vmemmap_populate_range(start, end, node, altmap, -1, 0);` in vmemmap_populate_basepages()
      ['parameter-dropped', 'information', 264, 'mm/sparse-vmemmap.c'],
    ],
  );
});

interface Mutation {
  what: string;
  text: string;
  line: number;
  messageId: string;
}

/** Every updated site of seed 002, reverted one at a time. */
function mutations(seed: string): Mutation[] {
  const lines = seed.split('\n');
  const out: Mutation[] = [];
  const hunkHeaderAbove = (i: number): number => {
    for (let k = i; k >= 0; k--) if (lines[k].startsWith('@@ ')) return k;
    throw new Error('no hunk header');
  };
  lines.forEach((line, i) => {
    if (!line.startsWith('+')) return;
    if (/, struct dev_pagemap \*pgmap\);?$/.test(line)) {
      const copy = lines.slice();
      copy[i] = line.replace(', struct dev_pagemap *pgmap', '');
      out.push({ what: `line ${i + 1} without pgmap`, text: copy.join('\n'), line: i + 1, messageId: 'missingParam' });
    } else if (/^\+ struct dev_pagemap \*pgmap\);?$/.test(line)) {
      // The parameter has a line of its own: drop it, close the list on the line before, fix the count.
      const copy = lines.slice();
      const closing = line.endsWith(';') ? ');' : ')';
      copy[i - 1] = copy[i - 1].replace(/,$/, closing);
      const h = hunkHeaderAbove(i);
      copy[h] = copy[h].replace(/\+(\d+),(\d+)/, (_m, start: string, n: string) => `+${start},${Number(n) - 1}`);
      copy.splice(i, 1);
      out.push({ what: `line ${i} without its pgmap line`, text: copy.join('\n'), line: i, messageId: 'missingParam' });
    } else if (/\((?:.*), (?:pgmap|NULL)\)\)?;?$/.test(line) && /vmemmap_populate\w*\(/.test(line)) {
      const copy = lines.slice();
      copy[i] = line.replace(/, (?:pgmap|NULL)(\)\)?;?)$/, '$1');
      out.push({ what: `call at line ${i + 1} left at its old count`, text: copy.join('\n'), line: i + 1, messageId: 'argCount' });
    }
  });
  return out;
}

seedTest('seed 002: every definition, declaration and call reverted alone is an error on its own line', async () => {
  const engine = await sharedEngine();
  const all = mutations(readSeed('002'));
  // Counted in the mail: 7 definitions/declarations with pgmap inline (arm64, radix_pgtable, init_64,
  // riscv, s390, x86, mm.h), 7 with it on a line of its own (loongarch, radix.h, sparc, two in mm.h, two in
  // sparse-vmemmap.c), 14 updated calls (arm64 2, loongarch 2, powerpc 1, riscv 1, sparc 1, x86 3,
  // hugetlb_vmemmap 2, sparse-vmemmap 2).
  assert.deepEqual(
    [
      all.filter((m) => m.what.includes('without pgmap')).length,
      all.filter((m) => m.what.includes('its pgmap line')).length,
      all.filter((m) => m.messageId === 'argCount').length,
    ],
    [7, 7, 14],
  );
  for (const m of all) {
    const a = engine.analyze(m.text);
    assert.deepEqual(a.series.problems, [], m.what);
    const errors = a.findings.filter((f) => f.origin === 'introduced' && f.severity === 'error');
    assert.deepEqual(
      errors.map((f) => [f.ruleId, f.messageId, f.range.start.line + 1]),
      [['prototype-mismatch', m.messageId, m.line]],
      m.what,
    );
  }
});
