/**
 * @file The batch throughput model: a folio of P pages compressed in batches of N on E engines working in
 * parallel. A batch of N takes ⌈N/E⌉ rounds; the folio takes ⌈P/N⌉ batches. Batching pays until N
 * reaches E, and no further: what batch-footprint weighs a batch size's memory against.
 */

export const MODEL_ID = 'batch-throughput';

/** Compress engines a batch runs on, per socket: Sapphire Rapids, 4 IAA devices × 2 compress engines. */
export const COMPRESS_ENGINES = 8;
/** The folio the throughput table compresses: a 64 KiB large folio of 4 KiB pages. */
export const FOLIO_PAGES = 16;

/** Time to compress a folio of `pages` with batches of `n` on `engines` engines, in per-page latencies. */
export function batchTime(pages: number, n: number, engines: number): number {
  return Math.ceil(pages / n) * Math.ceil(n / engines);
}

/** The batch sizes the table shows: powers of two up to the folio. */
function batchSizes(pages: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= pages; n *= 2) out.push(n);
  return out;
}

export function throughputTable(engines = COMPRESS_ENGINES, pages = FOLIO_PAGES): string {
  const rows = batchSizes(pages).map((n) => {
    const t = batchTime(pages, n, engines);
    return `| ${n} | ${t}t | ${(pages / t).toFixed(1).replace(/\.0$/, '')}× |`;
  });
  const hardware = engines === COMPRESS_ENGINES ? ' (Sapphire Rapids: 4 IAA devices × 2 compress engines per socket)' : '';
  return [
    `**Throughput model**: a folio of ${pages} pages, ${engines} compress engines working in parallel${hardware}, t the time to compress one page on one engine. Sequentially the folio takes ${pages}t; in batches of N it takes ⌈${pages}/N⌉ × ⌈N/${engines}⌉ × t.`,
    '',
    '| N | folio time | speed-up |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `A batch larger than the engines that run it gains nothing more: N = ${Math.min(engines, pages)} is where it stops paying.`,
  ].join('\n');
}
