/** @file The rule registry: one line per rule. */
import analysisLimit from './analysis-limit';
import malformedPatch from './malformed-patch';
import parameterDropped from './parameter-dropped';
import prototypeMismatch from './prototype-mismatch';
import type { Rule } from './rule';

export const defaultRules: Rule[] = [
  prototypeMismatch,
  parameterDropped,
  malformedPatch,
  analysisLimit,
];
