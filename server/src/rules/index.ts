/** @file The rule registry: one line per rule. */
import analysisLimit from './analysis-limit';
import counterModel from './counter-model';
import lockNotHeld from './lock-not-held';
import malformedPatch from './malformed-patch';
import parameterDropped from './parameter-dropped';
import prototypeMismatch from './prototype-mismatch';
import type { Rule } from './rule';
import unbalancedCounter from './unbalanced-counter';

export const defaultRules: Rule[] = [
  prototypeMismatch,
  parameterDropped,
  unbalancedCounter,
  lockNotHeld,
  counterModel,
  malformedPatch,
  analysisLimit,
];
