/**
 * @file The vmemmap layout as a picture: one cell per `vmemmap_populate*()` call (a section, or what is left),
 * coloured by the path it takes (PMD mappings, base pages, the DAX compound layout), the struct page array
 * beside what it costs in memory, and which function receives or drops `pgmap`.
 */
import { formatBytes } from '../bytes';
import { COLOURS, rect, svgDocument, text, textWidth, tooltip } from '../picture';
import type { VmemmapResult } from './vmemmap';

const CELL_W = 64;
const CELL_H = 26;
const PER_ROW = 12;
const MAX_CELLS = 48;
const BAR_W = 420;

const PATH = {
  huge: { colour: COLOURS.good, label: 'PMD', meaning: 'PMD: mapped with huge (PMD) pages' },
  base: { colour: COLOURS.caution, label: 'base', meaning: 'base: mapped with base pages' },
  compound: { colour: COLOURS.accent, label: 'DAX', meaning: 'DAX: compound pages share their tail vmemmap' },
} as const;

const size = (n: number): string => formatBytes(BigInt(Math.round(n)));

export function vmemmapPicture(r: VmemmapResult): string {
  const arch = r.input.arch;
  const title = `vmemmap on ${arch.id}: ${size(r.input.size)} of memory, ${r.calls.length} call${r.calls.length === 1 ? '' : 's'} of a section (${size(r.sectionSize)}) each`;
  const x0 = 8;
  const shown = r.calls.slice(0, MAX_CELLS);
  const rows = Math.ceil(shown.length / PER_ROW) || 1;
  const body: string[] = [text(x0, 18, title, 'font-weight="bold"')];
  const top = 34;
  shown.forEach((c, i) => {
    const x = x0 + (i % PER_ROW) * CELL_W;
    const y = top + Math.floor(i / PER_ROW) * CELL_H;
    const look = PATH[c.path];
    body.push(
      `<g class="call ${c.path}">`,
      tooltip(`${c.pages} pages, ${size(c.vmemmap)} of struct pages: ${look.meaning}`),
      rect(x, y, CELL_W - 3, CELL_H - 3, look.colour, 'rx="3" opacity="0.8"'),
      text(x + 4, y + 16, look.label),
      '</g>',
    );
  });
  let y = top + rows * CELL_H + (r.calls.length > MAX_CELLS ? 18 : 4);
  if (r.calls.length > MAX_CELLS) body.push(text(x0, y - 4, `… and ${r.calls.length - MAX_CELLS} more calls`, 'class="muted"'));
  // What the struct page array is, against what mapping it costs.
  const most = Math.max(r.vmemmap, r.allocated, 1);
  y += 14;
  for (const [label, bytes, colour] of [
    ['struct pages', r.vmemmap, COLOURS.muted],
    ['memory used', r.allocated, r.saved > 0 ? COLOURS.good : COLOURS.caution],
  ] as const) {
    body.push(
      text(x0, y + 14, label),
      rect(x0 + 110, y, Math.max((BAR_W * bytes) / most, 2), 20, colour, 'rx="3" opacity="0.8"'),
      text(x0 + 118 + Math.max((BAR_W * bytes) / most, 2), y + 14, size(bytes)),
    );
    y += 26;
  }
  if (r.saved > 0) {
    body.push(text(x0, y + 10, `the DAX optimisation saves ${size(r.saved)}`, `fill="${COLOURS.good}"`));
    y += 20;
  }
  y += 8;
  for (const p of r.pgmapPaths) {
    body.push(text(x0, y + 10, p.replace(/`/g, ''), 'class="muted"'));
    y += 18;
  }
  const used = Object.values(PATH).filter((p) => r.calls.some((c) => PATH[c.path] === p));
  y += 6;
  for (const p of used) {
    body.push(rect(x0, y, 12, 12, p.colour, 'rx="2"'), text(x0 + 18, y + 11, p.meaning, 'class="muted"'));
    y += 18;
  }
  const width = Math.max(
    x0 + Math.min(shown.length, PER_ROW) * CELL_W + 8,
    x0 + textWidth(title, true) + 16,
    x0 + 118 + BAR_W + 90,
    ...r.pgmapPaths.map((p) => x0 + textWidth(p) + 16),
  );
  return svgDocument(Math.ceil(width), y + 8, title, body);
}
