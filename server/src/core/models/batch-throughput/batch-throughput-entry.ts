/** @file The batch-throughput model's entry: `mm-review model batch-throughput`. */
import { smallInt, type ModelEntry } from '../model';
import { batchTime, COMPRESS_ENGINES, FOLIO_PAGES, MODEL_ID, throughputTable } from './batch-throughput';

export const batchThroughputEntry: ModelEntry = {
  id: MODEL_ID,
  summary: 'Batched compression of a folio on parallel engines: time and speed-up for each batch size',
  params: [
    { name: 'engines', description: 'compress engines working in parallel', default: String(COMPRESS_ENGINES) },
    { name: 'pages', description: 'pages in the folio', default: String(FOLIO_PAGES) },
  ],
  example: 'mm-review model batch-throughput engines=8 pages=16',
  run(args) {
    const engines = smallInt(args.get('engines') ?? String(COMPRESS_ENGINES), 'engines', 1024);
    const pages = smallInt(args.get('pages') ?? String(FOLIO_PAGES), 'pages', 1 << 18);
    const rows: { n: number; time: number }[] = [];
    for (let n = 1; n <= pages; n *= 2) rows.push({ n, time: batchTime(pages, n, engines) });
    return { text: throughputTable(engines, pages), data: { engines, pages, rows } };
  },
};
