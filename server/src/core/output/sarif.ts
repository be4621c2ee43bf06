/**
 * @file `--format sarif`: SARIF 2.1.0. Rule metadata in the driver, UTF-16 columns, a partial fingerprint
 * built from the finding's key (no line numbers) so code-scanning tools track a finding across revisions,
 * and the finding's origin as SARIF's baselineState.
 */
import type { Finding, Severity } from '../findings';
import type { Rule } from '../rules/rule';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import type { LineFindings } from './source-locations';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = { error: 'error', warning: 'warning', information: 'note', hint: 'none' };
const BASELINE: Record<Finding['origin'], string> = { introduced: 'new', 'pre-existing': 'unchanged', fixed: 'absent' };
const FINGERPRINT = 'mmReviewFinding/v1';

/** FNV-1a, 64 bits, hex: stable and dependency-free. */
export function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

const toUri = (path: string): string => path.replace(/\\/g, '/');

export function toSarif(docs: LineFindings[], rules: Rule[]): object {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const artifacts = docs.map((d) => ({ location: { uri: toUri(d.path) } }));
  const results = docs.flatMap((d, docIndex) =>
    d.findings.map((f) => {
      const region = (r: Finding['range']) =>
        d.lineOnly
          ? { startLine: r.start.line + 1 }
          : {
              startLine: r.start.line + 1,
              startColumn: r.start.character + 1,
              endLine: r.end.line + 1,
              endColumn: r.end.character + 1,
            };
      return {
        ruleId: f.ruleId,
        ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message, ...(f.explanation ? { markdown: f.explanation } : {}) },
        locations: [{ physicalLocation: { artifactLocation: { uri: toUri(d.path), index: docIndex }, region: region(f.range) } }],
        relatedLocations: f.related.map((r, id) => ({
          id,
          message: { text: r.message },
          physicalLocation: {
            artifactLocation: r.file ? { uri: toUri(`${r.file.root}/${r.file.path}`) } : { uri: toUri(d.path), index: docIndex },
            region: region(r.range),
          },
        })),
        partialFingerprints: { [FINGERPRINT]: fingerprint(`${f.ruleId}\u0000${f.file ?? ''}\u0000${f.key}`) },
        baselineState: BASELINE[f.origin],
        properties: {
          messageId: f.messageId,
          origin: f.origin,
          kernelFile: f.file,
          kernelLine: f.fileLine,
          patch: f.patch,
          ...(f.raised ? { raisedBy: f.raised.by } : {}),
        },
        ...(f.fixes.length
          ? {
              fixes: f.fixes.map((x) => ({
                description: { text: x.title },
                artifactChanges: [
                  {
                    artifactLocation: { uri: toUri(d.path), index: docIndex },
                    replacements: x.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                  },
                ],
              })),
            }
          : {}),
      };
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.summary },
              fullDescription: {
                text: r.meta.summary + (r.meta.knownFalsePositives?.length ? ` Known false positives: ${r.meta.knownFalsePositives.join(' ')}` : ''),
              },
              defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
              properties: { confidence: r.meta.confidence },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        artifacts,
        results,
      },
    ],
  };
}
