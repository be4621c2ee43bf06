/** @file Cheap lexical judgements on one line of mail: is it English prose, is it C? Used before any parsing. */

const C_KEYWORD_START =
  /^(?:return|else|case|default|goto|break|continue|struct|union|enum|unsigned|signed|static|const|int|long|short|char|void|bool|u8|u16|u32|u64|s8|s16|s32|s64|size_t|if|for|while|do|switch|typedef|extern|inline)\b/;
const C_PUNCT = /[;{}=[\]<>&|*#]|->|\w\(|\/\*|\*\//;

/** A sentence someone wrote in a reply: several words, no C punctuation, not starting with a C keyword. */
export function looksLikeProse(text: string): boolean {
  const t = text.trim();
  if (t.length < 12 || C_PUNCT.test(t) || C_KEYWORD_START.test(t)) return false;
  const words = t.split(/\s+/);
  if (words.length < 4) return false;
  const wordy = words.filter((w) => /^[A-Za-z][a-z'’]*[,.:;!?]?$/.test(w)).length;
  return wordy / words.length >= 0.6 && /^[A-Z]/.test(t);
}

/** Text a reviewer interjects (a question, an exclamation, a sentence), as opposed to a wrapped code line. */
export function looksLikeReplyText(text: string): boolean {
  const t = text.trim();
  if (/[?!]$/.test(t) && !C_PUNCT.test(t)) return true;
  return looksLikeProse(t);
}

/** A line that reads as C: statement or declaration endings, calls, operators, comments, directives. */
export function looksLikeCLine(text: string): boolean {
  const t = text.trim();
  if (t === '') return false;
  if (/^(?:[{}]|};?|\*\/|\/\*+|\*|#\s*\w+.*)$/.test(t)) return true;
  if (/^(?:\/\*|\*\s|\/\/)/.test(t)) return true;
  if (/[;{]$/.test(t) && /[\w)\]]\s*[;{]$|^[{}]/.test(t)) return true;
  if (/^(?:case\b.*|default|[A-Za-z_]\w*):$/.test(t)) return true;
  if (/\b[A-Za-z_]\w*\s*\(/.test(t) && /[(),]$|\)\s*\{?$/.test(t) && !looksLikeProse(t)) return true;
  return /(?:->|==|!=|&&|\|\||<<|>>|\+\+|--|\[\w*\])/.test(t) && !looksLikeProse(t);
}

/** `2.20.1`, the git version format-patch prints after the `-- ` signature separator. */
export function isVersionLine(text: string): boolean {
  return /^\d+\.\d+(?:\.\d+)*(?:[.-]\w+)*$/.test(text.trim());
}
