/** @file The bo-purgeability model's entry: `mm-review model bo-purgeability patch=FILE`, run on the patch's code. */
import { json, patchOf, smallInt, type ModelEntry } from '../model';
import { DEFAULT_BOUND, describeIssue, explainRun, explainTable, MODEL_ID, runPurgeabilityModel } from './bo-purgeability';
import { purgeabilityInputs } from './bo-purgeability-input';
import { traceTimeline } from './bo-purgeability-picture';

export const boPurgeabilityEntry: ModelEntry = {
  id: MODEL_ID,
  summary: 'The xe BO purgeability state machine, run as a patch writes it against the code it replaces',
  params: [
    { name: 'patch', description: 'the patch or series (mbox) whose code the model runs' },
    { name: 'bound', description: 'longest event sequence explored', default: String(DEFAULT_BOUND) },
  ],
  example: 'mm-review model bo-purgeability patch=xe-purgeable.mbox bound=6',
  run(args, host) {
    const bound = smallInt(args.get('bound') ?? String(DEFAULT_BOUND), 'bound', 9);
    const inputs = purgeabilityInputs(patchOf(args, host), bound);
    if (!inputs.length)
      return { text: 'The patch does not touch the BO purgeability helpers or the VMA walk they replace: nothing to run.', data: { runs: [] } };
    const runs = inputs.map((input) => runPurgeabilityModel(input));
    const text = runs.flatMap((r, i) => [
      ...(runs.length > 1 ? [`### Run ${i + 1}`, ''] : []),
      r.issues.length
        ? `**${r.issues.length} ${r.issues.length === 1 ? 'issue' : 'issues'}:**`
        : '**No issue**: the patched code agrees with the code before it on every sequence.',
      '',
      ...r.issues.flatMap((issue) => [
        `- ${issue.world === 'new' ? 'the patched code' : 'the code before the patch'}${issue.inBoth ? ' (and the other side too)' : ''}, ${issue.severity}: ${describeIssue(issue)}`,
        '',
        explainTable(issue),
        '',
      ]),
      explainRun(r),
      '',
    ]);
    const shown = runs.flatMap((r) => r.issues)[0];
    return {
      text: text.join('\n').trim(),
      ...(shown ? { svg: traceTimeline(shown, describeIssue(shown)) } : {}),
      data: json(
        runs.map((r) => ({
          bound: r.bound,
          events: r.events,
          states: r.exploration.states,
          issues: r.issues.map((i) => ({ kind: i.kind, world: i.world, severity: i.severity, message: describeIssue(i) })),
        })),
      ),
    };
  },
};
