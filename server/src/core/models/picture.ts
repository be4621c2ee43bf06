/**
 * @file Pictures of models as SVG text, the same for the editor's model panel and `mm-review model … --svg`:
 * no script, no remote content, and colours taken from the editor's theme (its CSS variables) with
 * fallbacks that read on a light background when the picture stands alone.
 */

/** Theme colours: a VS Code CSS variable and the colour used outside the editor. */
export const COLOURS = {
  text: 'var(--vscode-editor-foreground, #1f1f1f)',
  muted: 'var(--vscode-descriptionForeground, #616161)',
  grid: 'var(--vscode-editorWidget-border, #c8c8c8)',
  good: 'var(--vscode-testing-iconPassed, #388a34)',
  caution: 'var(--vscode-editorWarning-foreground, #bf8803)',
  bad: 'var(--vscode-editorError-foreground, #e51400)',
  accent: 'var(--vscode-textLink-foreground, #006ab1)',
} as const;

/** Text for SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** About how wide a character of the picture's 12px font is: labels are fitted by it. */
export const CHAR_W = 7.2;

/** About how wide `s` is drawn (bold, the titles: a little wider). */
export const textWidth = (s: string, bold = false): number => s.length * (bold ? 7.8 : CHAR_W);

/** A label cut to the width it has, ending in `…`; nothing when not even one character and the mark fit. */
export function fitLabel(label: string, width: number): string {
  const max = Math.floor(width / CHAR_W);
  return label.length <= max ? label : max > 1 ? `${label.slice(0, max - 1)}…` : '';
}

/** A hover text for the element it sits in (a cell's detail). */
export const tooltip = (content: string): string => `<title>${esc(content)}</title>`;

/** A whole SVG document: a title for screen readers, a font that follows the editor's. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<style>text { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; fill: ${COLOURS.text}; } .muted { fill: ${COLOURS.muted}; }</style>`,
    ...body,
    '</svg>',
  ].join('\n');
}

export const rect = (x: number, y: number, w: number, h: number, fill: string, extra = ''): string =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;

export const text = (x: number, y: number, content: string, extra = ''): string => `<text x="${x}" y="${y}"${extra ? ` ${extra}` : ''}>${esc(content)}</text>`;

export const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`;
