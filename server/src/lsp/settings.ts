/** @file The `mmReview.*` settings a client sends, read tolerantly (unknown keys ignored, bad values replaced). */
import { readPairConfig } from '../core/kernel/pair-config';
import type { LifecyclePair, PairSpec } from '../core/kernel/pairs';
import type { RuleSetting } from '../core/engine';
import { defaultRules } from '../core/rules';
import { canonicalRuleIds, RULE_ALIASES } from '../core/rules/aliases';
import { oneLine } from '../core/output/mail-text';

export interface Settings {
  /** Per rule: a severity or `off`. */
  rules: Record<string, RuleSetting>;
  /** Only findings the patches introduce, or also pre-existing and fixed ones (as hints). */
  findings: 'introduced' | 'all';
  /** Check while typing, or only when the document is opened and saved. */
  run: 'onType' | 'onSave';
  /** Documents larger than this get one diagnostic instead of an analysis. */
  maxDocumentSizeMiB: number;
  /** Pairs added to (or replacing, by id) the default table, after the workspace's `.mm-review.json`. */
  pairs: PairSpec[];
  lifecycles: LifecyclePair[];
  /** What per-CPU memory is counted for (batch-footprint). */
  footprintCpus: number;
  footprintPools: number;
  /** The kernel tree: '' for the workspace folder when it looks like one, 'off', or a directory. */
  kernelTree: string;
  /** The reviewer (`Name <address>`): the From of the replies composed, left out of their Cc; '' for none. */
  replyFrom: string;
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  findings: 'introduced',
  run: 'onType',
  maxDocumentSizeMiB: 32,
  pairs: [],
  lifecycles: [],
  footprintCpus: 224,
  footprintPools: 1,
  kernelTree: '',
  replyFrom: '',
};

const count = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : fallback);

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

export function readSettings(raw: unknown): Settings {
  return readSettingsWithProblems(raw).settings;
}

/** The settings, and what was wrong in them (pair entries left out), for the user to be told. */
export function readSettingsWithProblems(raw: unknown): { settings: Settings; problems: string[] } {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const given: Record<string, RuleSetting> = {};
  const known = new Set([...defaultRules.map((x) => x.id), ...Object.keys(RULE_ALIASES)]);
  if (r.rules && typeof r.rules === 'object') {
    for (const [id, v] of Object.entries(r.rules as Record<string, unknown>)) {
      if (known.has(id) && typeof v === 'string' && SEVERITIES.has(v)) given[id] = v as RuleSetting;
    }
  }
  const { settings: rules, deprecated } = canonicalRuleIds(given);
  const size = Number(r.maxDocumentSizeMiB);
  const pairs = readPairConfig({ pairs: r.pairs ?? [], lifecycles: r.lifecycles ?? [] }, 'mmReview settings');
  return {
    settings: {
      rules,
      findings: r.findings === 'all' ? 'all' : 'introduced',
      run: r.run === 'onSave' ? 'onSave' : 'onType',
      maxDocumentSizeMiB: size > 0 ? size : DEFAULT_SETTINGS.maxDocumentSizeMiB,
      pairs: pairs.table.pairs ?? [],
      lifecycles: pairs.table.lifecycles ?? [],
      footprintCpus: count(r.footprintCpus, DEFAULT_SETTINGS.footprintCpus),
      footprintPools: count(r.footprintPools, DEFAULT_SETTINGS.footprintPools),
      kernelTree: typeof r.kernelTree === 'string' ? r.kernelTree.trim() : '',
      replyFrom: typeof r.replyFrom === 'string' ? oneLine(r.replyFrom) : '',
    },
    problems: [...deprecated.map((d) => `mmReview.rules: ${d}`), ...pairs.problems],
  };
}
