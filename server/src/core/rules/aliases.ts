/**
 * @file Rule ids that were renamed, still accepted where users name rules (`--rule`, `mmReview.rules`,
 * the engine's options) and mapped to the rule's id now, with a deprecation notice for the user.
 */

/** Old id → id now. */
export const RULE_ALIASES: Readonly<Record<string, string>> = {
  // The old id named the patch's counters; the rule runs the xe BO purgeability model on any patch to it (2026-12).
  'counter-model': 'xe-bo-purgeability',
};

/** The settings with every old id replaced by the id now (a setting under the new id wins), and what to tell the user. */
export function canonicalRuleIds<T>(settings: Readonly<Record<string, T>>): { settings: Record<string, T>; deprecated: string[] } {
  const out: Record<string, T> = {};
  const deprecated: string[] = [];
  for (const [id, v] of Object.entries(settings)) {
    const now = Object.hasOwn(RULE_ALIASES, id) ? RULE_ALIASES[id] : undefined;
    if (now) {
      deprecated.push(`rule ${id} is now ${now}; the old id will stop working in a later version`);
      if (!Object.hasOwn(settings, now)) out[now] = v;
    } else out[id] = v;
  }
  return { settings: out, deprecated };
}
