/**
 * @file Every model, runnable by name with `key=value` parameters (`mm-review model gmem-alignment
 * base_gfn=2 npages=2048 pgoff=0 hpage=2M`). Each model folder exports its entry (model.ts says what an
 * entry holds); this list is the only place that names them. A new model is a folder with its entry, one
 * line here, one doc in docs/models/, and its test (the parity test holds every model to that).
 */
import { batchThroughputEntry } from './batch-throughput/batch-throughput-entry';
import { boPurgeabilityEntry } from './bo-purgeability/bo-purgeability-entry';
import { cxlInterleaveEntry } from './cxl-interleave/cxl-interleave-entry';
import { gmemAlignmentEntry } from './gmem-alignment/gmem-alignment-entry';
import { ModelArgumentError, type ModelEntry, type ModelHost, type ModelOutput } from './model';
import { unwindEntry } from './unwind/unwind-entry';
import { vmemmapEntry } from './vmemmap/vmemmap-entry';

export { ModelArgumentError, parseSize, type ModelEntry, type ModelHost, type ModelOutput, type ModelParam } from './model';
export { topologyFromJson } from './cxl-interleave/cxl-interleave-entry';

export const MODELS: ModelEntry[] = [gmemAlignmentEntry, batchThroughputEntry, boPurgeabilityEntry, unwindEntry, cxlInterleaveEntry, vmemmapEntry];

/** Runs a model by name with `key=value` arguments; unknown models and parameters are usage errors. */
export function runModel(id: string, argv: string[], host: ModelHost): ModelOutput {
  const entry = MODELS.find((m) => m.id === id);
  if (!entry) throw new ModelArgumentError(`unknown model ${id} (models: ${MODELS.map((m) => m.id).join(', ')})`);
  const args = new Map<string, string>();
  for (const a of argv) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ModelArgumentError(`${a}: parameters are key=value`);
    const key = a.slice(0, eq);
    if (!entry.params.some((p) => p.name === key))
      throw new ModelArgumentError(`${entry.id} has no parameter ${key} (it takes ${entry.params.map((p) => p.name).join(', ')})`);
    args.set(key, a.slice(eq + 1));
  }
  return entry.run(args, host);
}
