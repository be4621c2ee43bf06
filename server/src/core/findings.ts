/** @file What the analysis reports. Plain data: the CLI prints it, the language server maps it to LSP. */
import type { Range } from './ingest';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
/** introduced: only in the new image; pre-existing: in both; fixed: only in the old image. */
export type Origin = 'introduced' | 'pre-existing' | 'fixed';

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedInfo {
  range: Range;
  message: string;
  /** In a file of the kernel tree (relative to its root), not in the document. */
  file?: { root: string; path: string };
}

export interface Finding {
  ruleId: string;
  /** Which of the rule's messages this is (`meta.messages`); `crash` for a rule that failed. */
  messageId: string;
  severity: Severity;
  origin: Origin;
  /** One sentence naming the thing and the reason. */
  message: string;
  /** In the input document, 0-based. */
  range: Range;
  /** Kernel path and 1-based line in the patched file (pre-image for removed lines), when known. */
  file: string | null;
  fileLine: number | null;
  patch: { index: number; subject: string | null } | null;
  /** Markdown for a hover: how the rule or its model reached the finding. */
  explanation: string;
  fixes: Fix[];
  related: RelatedInfo[];
  /** Identity that survives edits elsewhere: matches old and new findings, fingerprints SARIF results. */
  key: string;
  /** A finding a model reached: the editor offers "Show model" with this view of it. */
  model?: ModelView;
  /** Names (a constant a model reasons about) whose hover anywhere shows this finding's explanation. */
  about?: string[];
  /** A reply in the document already commented on this finding's line: who, and where (see raised.ts). */
  raised?: { by: string; line: number };
}

export interface ModelView {
  /** The model's id in the model registry (`bo-purgeability`, `gmem-alignment`, …): `mm-review model ID` runs it. */
  id: string;
  title: string;
  /** The model's key figure in one plain sentence, for a reply to the list (no Markdown). */
  figure?: string;
  /** What the model computed, rendered for a side panel. */
  markdown: string;
  /** The model's picture (SVG, theme colours as CSS variables), shown above the markdown. */
  svg?: string;
  /** How to run the model again from the panel with other parameters (its entry's `key=value` arguments). */
  run?: ModelRunArgs;
}

/** A model run by name: `mm-review model MODEL key=value…`. A `patch` parameter means the document itself. */
export interface ModelRunArgs {
  model: string;
  args: Record<string, string>;
}
