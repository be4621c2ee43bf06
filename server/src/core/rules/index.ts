/** @file The rule registry: one line per rule. */
import analysisLimit from './analysis-limit';
import arrayMemberScalarUse from './array-member-scalar-use';
import batchFootprint from './batch-footprint';
import cxlDecode from './cxl-decode';
import cxlEncoding from './cxl-encoding';
import cxlInterleave from './cxl-interleave';
import gmemBindingAlignment from './gmem-binding-alignment';
import lockNotHeld from './lock-not-held';
import malformedPatch from './malformed-patch';
import maskMisuse from './mask-misuse';
import parameterDropped from './parameter-dropped';
import sharedCompletion from './shared-completion';
import treeBase from './tree-base';
import prototypeMismatch from './prototype-mismatch';
import type { Rule } from './rule';
import unbalancedCounter from './unbalanced-counter';
import unitMismatch from './unit-mismatch';
import unwindDoubleFree from './unwind-double-free';
import unwindLeak from './unwind-leak';
import useAfterUnlock from './use-after-unlock';
import xeBoPurgeability from './xe-bo-purgeability';

export const defaultRules: Rule[] = [
  prototypeMismatch,
  parameterDropped,
  unbalancedCounter,
  lockNotHeld,
  xeBoPurgeability,
  arrayMemberScalarUse,
  sharedCompletion,
  unwindLeak,
  unwindDoubleFree,
  useAfterUnlock,
  batchFootprint,
  maskMisuse,
  unitMismatch,
  gmemBindingAlignment,
  cxlInterleave,
  cxlEncoding,
  cxlDecode,
  treeBase,
  malformedPatch,
  analysisLimit,
];
