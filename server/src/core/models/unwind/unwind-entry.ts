/** @file The unwind model's entry: `mm-review model unwind patch=FILE`, every allocating function of the patch run. */
import { defaultConfig, json, patchOf, type ModelEntry } from '../model';
import { MODEL_ID } from './unwind';
import { describePath, listNames, unwindRuns } from './unwind-runs';
import { unwindMatrix } from './unwind-picture';

export const unwindEntry: ModelEntry = {
  id: MODEL_ID,
  summary: 'Failure injection: every allocation of a function failing in turn, the unwind path followed to the return',
  params: [
    { name: 'patch', description: 'the patch or series (mbox) whose functions the model runs' },
    { name: 'function', description: 'run only this function', optional: true },
  ],
  example: 'mm-review model unwind patch=zswap-batching.mbox function=zswap_cpu_comp_prepare',
  run(args, host) {
    const only = args.get('function');
    const sets = unwindRuns(patchOf(args, host), defaultConfig()).filter((s) => !only || s.target === only);
    if (!sets.length)
      return {
        text: only ? `\`${only}()\` is not a function of the patch that allocates.` : 'No function of the patch allocates: nothing to run.',
        data: { runs: [] },
      };
    const lines: string[] = [];
    for (const s of sets) {
      const r = s.result;
      lines.push(
        `**\`${s.target}()\`**, ${s.side === 'new' ? 'as patched' : 'before the patch'}${s.teardown ? `, with its teardown \`${s.teardown}()\`` : ''}: ${r.runs} runs${r.stopped ? ` (stopped: ${r.stopped})` : ''}, ${r.issues.length ? `${r.issues.length} ${r.issues.length === 1 ? 'issue' : 'issues'}` : 'no issue'}.`,
      );
      for (const issue of r.issues) {
        const failing = issue.failure ? `when \`${issue.failure.call}()\` fails: ` : '';
        lines.push(`- ${issue.kind}: ${failing}${listNames(issue.resources)}${issue.path.length ? ` along ${describePath(s, issue)}` : ''}`);
      }
      lines.push('');
    }
    const drawn = sets.find((s) => s.result.issues.length) ?? sets[0];
    return {
      text: lines.join('\n').trim(),
      svg: unwindMatrix(drawn.target, drawn.result.outcomes),
      data: json(
        sets.map((s) => ({
          target: s.target,
          side: s.side,
          teardown: s.teardown,
          runs: s.result.runs,
          stopped: s.result.stopped,
          issues: s.result.issues.map((i) => ({ kind: i.kind, call: i.failure?.call ?? null, resources: i.resources })),
        })),
      ),
    };
  },
};
