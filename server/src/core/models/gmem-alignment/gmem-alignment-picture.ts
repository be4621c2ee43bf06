/**
 * @file A guest_memfd binding as a picture, on one GFN axis: the huge mapping KVM allows from the GFNs alone
 * (its lpage_info range), and below it the guest_memfd folios the same GFNs fall in, by file index. A sound
 * binding lines them up; a broken one shows one mapping over two folios, the boundary between them marked.
 */
import { formatBytes } from '../bytes';
import { COLOURS, fitLabel, line, rect, svgDocument, text } from '../picture';
import type { GmemAlignmentResult, SplitMapping } from './gmem-alignment';

const WIDTH = 640;
const LEFT = 170;
const RIGHT = 24;

export function bindingPicture(r: GmemAlignmentResult, split: SplitMapping | null): string {
  const b = r.binding;
  const title = split
    ? `guest_memfd binding: one ${formatBytes(b.hpage)} mapping over two folios`
    : `guest_memfd binding: each ${formatBytes(b.hpage)} mapping within one folio`;
  // The axis: the split's huge range with a folio's width either side, or the slot's first huge ranges.
  const pages = r.pagesPerHuge;
  const from = split ? split.range.start - pages / 2n : b.baseGfn;
  const to = split ? split.range.end + pages / 2n : b.baseGfn + (b.npages < 2n * pages ? b.npages : 2n * pages);
  const span = Number(to - from) || 1;
  const x = (gfn: bigint): number => LEFT + ((WIDTH - LEFT - RIGHT) * Number(gfn - from)) / span;
  const clamp = (gfn: bigint): bigint => (gfn < from ? from : gfn > to ? to : gfn);
  const body: string[] = [
    text(8, 18, title, 'font-weight="bold"'),
    text(8, 36, `base_gfn ${b.baseGfn}, pgoff ${b.pgoff}, ${b.npages} pages; GFN ${from}–${to}`, 'class="muted"'),
    text(8, 70, 'KVM huge mapping'),
    text(8, 84, '(lpage_info, from GFNs)', 'class="muted"'),
    text(8, 122, 'guest_memfd folios'),
    text(8, 136, '(from file index)', 'class="muted"'),
  ];
  const ranges = split ? [split.range] : r.lpage.filter((l) => l.allowed && l.end > from && l.start < to).slice(0, 4);
  for (const l of ranges) {
    const x0 = x(clamp(l.start));
    body.push(
      `<g class="mapping" data-start="${l.start}" data-end="${l.end}">`,
      rect(x0, 56, x(clamp(l.end)) - x0, 30, COLOURS.accent, 'rx="3" opacity="0.8"'),
      text(x0 + 6, 76, `GFN ${l.start}–${l.end}`),
      '</g>',
    );
  }
  const folios = split ? [split.first, split.second] : r.folios.filter((f) => f.end > from && f.start < to).slice(0, 4);
  folios.forEach((f, i) => {
    const x0 = x(clamp(f.start));
    const w = Math.max(x(clamp(f.end)) - x0 - 2, 2);
    body.push(
      `<g class="folio" data-index="${f.alignedIndex}">`,
      rect(x0, 108, w, 30, i % 2 ? COLOURS.caution : COLOURS.good, 'rx="3" opacity="0.8"'),
      text(x0 + 6, 128, fitLabel(`index ${f.alignedIndex}`, w - 8)),
      '</g>',
    );
  });
  if (split) {
    const cut = x(split.second.start);
    body.push(
      line(cut, 48, cut, 146, COLOURS.bad, 'stroke-width="2" stroke-dasharray="4 3"'),
      text(Math.min(cut + 6, WIDTH - 300), 162, `one mapping, two folios: they meet at GFN ${split.second.start}`, `fill="${COLOURS.bad}"`),
    );
  }
  return svgDocument(WIDTH, 176, title, body);
}
