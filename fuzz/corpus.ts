/**
 * @file What the fuzzer mutates: the seed messages (when they are beside the checkout), the bundled example,
 * and the documents the tests write (every rule's fixtures: request arrays, unwind loops, BO counters, CXL
 * helpers, guest_memfd bindings, prototype changes), each a real shape of mail the tool reads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { syntheticSeries } from '../bench/synthetic';
import { CHECKS, gmemPatch, gmemReply } from '../test/gmem-fixture';
import {
  DECODE_IG_UNCHECKED,
  DPA_OFFSET,
  EIW_TO_WAYS,
  GRANULARITY_TO_EIG,
  helperPatch,
  POS_POW2_MODULUS,
  QEMU_WAYS_ENC,
  WAYS_TO_EIW,
} from '../test/cxl-fixture';
import { customPairPatch, readSeed, repoRoot, seedNames, seedsSkip } from '../test/helpers';
import { RING } from '../test/ring-fixture';
import * as seed001 from '../test/seed001';
import * as seed004 from '../test/seed004';

export interface CorpusDocument {
  name: string;
  text: string;
}

export function corpus(): CorpusDocument[] {
  const docs: CorpusDocument[] = [
    { name: 'example pgmap series', text: fs.readFileSync(path.join(repoRoot, 'examples', 'pgmap-series.mbox'), 'utf8') },
    { name: 'ring (unwind loop)', text: RING },
    { name: 'custom pair', text: customPairPatch() },
    { name: 'cxl helpers', text: helperPatch('drivers/cxl/cxl.h', [EIW_TO_WAYS, WAYS_TO_EIW, GRANULARITY_TO_EIG].join('\n\n')) },
    { name: 'cxl decode', text: helperPatch('drivers/cxl/core/region.c', [DECODE_IG_UNCHECKED, POS_POW2_MODULUS, DPA_OFFSET].join('\n\n')) },
    { name: 'qemu cxl', text: helperPatch('hw/cxl/cxl-component-utils.c', QEMU_WAYS_ENC, '#include "qemu/osdep.h"') },
    { name: 'gmem unchecked', text: gmemPatch() },
    { name: 'gmem broken check', text: gmemPatch({ check: CHECKS.broken }) },
    {
      name: 'gmem reply',
      text: gmemReply(['page_mask = ~(SZ_2M - 1);', 'offset_within_page = slot->gmem.pgoff & page_mask;', 'offset_within_page == gfn_within_page;']),
    },
    { name: 'synthetic series', text: syntheticSeries(3, 99).text },
  ];
  if (!seedsSkip()) {
    for (const name of seedNames()) docs.push({ name: `seed ${name.slice(0, 3)}`, text: readSeed(name.slice(0, 3)) });
    for (const [k, f] of [...Object.entries(seed001), ...Object.entries(seed004)])
      if (typeof f === 'function') docs.push({ name: `seed ${k}`, text: (f as () => string)() });
  }
  return docs;
}
