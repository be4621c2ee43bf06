/** @file Plain-text mail conventions a reply follows: quoting, wrapping, header folding, Markdown dropped. */

/** A header value on one line: a line break in it would start another header. */
export const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

/** One more quote level: `> ` before text, a bare `>` on an empty line (no trailing space). */
export function quoteLine(line: string): string {
  return line === '' ? '>' : `> ${line}`;
}

/**
 * Words wrapped greedily at `width` columns. A word longer than the width stays whole on a line of its
 * own: a path or an identifier is not broken.
 */
export function wrapText(text: string, width = 72): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/**
 * A finding's Markdown read as plain text: code spans lose their backticks (a name or call stays bare, code
 * with spaces is put in single quotes), emphasis markers go.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/`([^`]+)`/g, (_m, code: string) => (/\s/.test(code) ? `'${code}'` : code))
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|\s)_([^_\s][^_]*)_(?=\s|[.,;:]|$)/g, '$1$2');
}

/**
 * A header line folded where it passes 78 columns (RFC 5322): between the items of `items`, each
 * continuation indented by one space. `separator` joins the items (`, ` for addresses, ` ` for ids).
 */
export function foldHeader(name: string, items: readonly string[], separator: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? item + separator.trimEnd() : item;
    if (i > 0 && line.length + 1 + piece.length > 78) {
      lines.push(line);
      line = ` ${piece}`;
    } else line = `${line} ${piece}`;
  });
  lines.push(line);
  return lines.join('\n');
}

/**
 * The addresses of an address header, split at the commas between them (not those inside a quoted
 * display name or angle brackets).
 */
export function splitAddresses(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    else if (c === '<' && !quoted) angle++;
    else if (c === '>' && !quoted) angle = Math.max(0, angle - 1);
    if (c === ',' && !quoted && angle === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The address itself (`dev@example.org` of `Dev <dev@example.org>`), lower-cased, for comparing. */
export function addressOf(mailbox: string): string {
  const m = /<([^>]+)>/.exec(mailbox);
  return (m ? m[1] : mailbox).trim().toLowerCase();
}

/** `Re: ` before a subject that does not already start with one. */
export function replySubject(subject: string | null): string {
  const s = (subject ?? '').trim();
  return /^re:/i.test(s) ? s : `Re: ${s}`.trimEnd();
}
