/**
 * Final answers: extracting one from a model's text, normalizing it, and comparing two.
 * Every extraction says which rule produced it, because a "last number" guess deserves less
 * trust than a `\boxed{}`.
 */

export type AnswerRule = 'boxed' | 'answer-phrase' | 'last-number';

export interface ExtractedAnswer {
  /** The answer as written (inside the box, after "the answer is", ...). */
  value: string;
  /** `value` normalized for comparison (see `normalizeAnswer`). */
  normalized: string;
  rule: AnswerRule;
  /** Character range of `value` in the text it came from. */
  start: number;
  end: number;
}

/** The content of the last `\boxed{...}` / `\fbox{...}`, with nested braces balanced. */
function lastBoxed(text: string): { value: string; start: number; end: number } | undefined {
  let at = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  while (at >= 0) {
    const open = text.indexOf('{', at);
    if (open >= 0 && open - at <= 7) {
      let depth = 0;
      for (let i = open; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) return { value: text.slice(open + 1, i), start: open + 1, end: i };
      }
    }
    // Unbalanced (cut off): try an earlier box.
    const before = text.slice(0, at);
    at = Math.max(before.lastIndexOf('\\boxed'), before.lastIndexOf('\\fbox'));
  }
  return undefined;
}

const ANSWER_PHRASE = /(?:final answer|the answer|answer)\s*(?:is|:|=|would be|should be)?\s*[:\-]?\s*(?:\*\*)?\s*([^\n]+?)\s*(?:\*\*)?\s*(?:\.(?:\s|$)|$|\n)/gi;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?/g;

/** The final answer in a text, by the first rule that finds one: boxed, answer phrase, last number. */
export function extractAnswer(text: string): ExtractedAnswer | undefined {
  const boxed = lastBoxed(text);
  if (boxed) {
    const value = boxed.value.trim();
    if (value !== '') return { value, normalized: normalizeAnswer(boxed.value), rule: 'boxed', start: boxed.start, end: boxed.end };
  }
  let phrase: RegExpExecArray | undefined;
  ANSWER_PHRASE.lastIndex = 0;
  for (let m = ANSWER_PHRASE.exec(text); m; m = ANSWER_PHRASE.exec(text)) {
    if (m[1].trim() !== '') phrase = m;
    if (m[0].length === 0) ANSWER_PHRASE.lastIndex++;
  }
  if (phrase) {
    const raw = phrase[1].replace(/\*\*/g, '').trim();
    const start = phrase.index + phrase[0].indexOf(phrase[1]);
    // "The answer is 42 because ..." → the leading number when the phrase runs on.
    const lead = /^\$?(-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?)\$?(?:\s|$)/.exec(raw);
    const value = lead && raw.length > lead[0].length + 3 ? lead[1] : raw;
    return { value, normalized: normalizeAnswer(value), rule: 'answer-phrase', start, end: start + phrase[1].length };
  }
  let last: RegExpExecArray | undefined;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m; m = NUMBER.exec(text)) last = m;
  if (last) return { value: last[0], normalized: normalizeAnswer(last[0]), rule: 'last-number', start: last.index, end: last.index + last[0].length };
  return undefined;
}

/**
 * A comparable form: TeX wrappers (`$`, `\text{}`, `\left`/`\right`, `\dfrac`), spaces, a trailing
 * period, thousands separators and a leading `x =` removed; numbers in canonical form
 * (`3512.0` → `3512`, `0.50` → `0.5`).
 */
export function normalizeAnswer(s: string): string {
  // Most final answers are a bare integer; every rule below leaves one as its number.
  if (BARE_INTEGER.test(s)) return String(Number(s));
  let t = s.trim();
  t = t.replace(/^\$+|\$+$/g, '');
  t = t.replace(/\\(?:text|textbf|mathrm|mathbf)\{([^{}]*)\}/g, '$1');
  t = t.replace(/\\left|\\right|\\!|\\,|\\;|\\ /g, '');
  t = t.replace(/\\[dt]frac/g, '\\frac');
  t = t.replace(/\^\{?\\circ\}?|°/g, '');
  t = t.replace(/\s+/g, '');
  t = t.replace(/\.$/, '');
  t = t.replace(/^[a-zA-Z]=(?!=)/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  const n = numericValue(t);
  if (n !== undefined && /^-?[\d.]+$/.test(t)) return String(n);
  return t.toLowerCase();
}

const BARE_INTEGER = /^-?\d{1,15}$/;

/** The number an answer denotes (integers, decimals, `a/b`, `\frac{a}{b}`), if it is one. */
export function numericValue(s: string): number | undefined {
  const t = s.replace(/\s+/g, '');
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const slash = /^(-?\d+)\/(\d+)$/.exec(t);
  if (slash) return Number(slash[1]) / Number(slash[2]);
  const frac = /^(-?)\\frac\{(-?\d+)\}\{(\d+)\}$/.exec(t) ?? /^(-?)\\frac(\d)(\d)$/.exec(t);
  if (frac) return ((frac[1] === '-' ? -1 : 1) * Number(frac[2])) / Number(frac[3]);
  return undefined;
}

export function answersMatch(a: string, b: string): boolean {
  const na = normalizeAnswer(a);
  const nb = normalizeAnswer(b);
  if (na === nb) return true;
  const x = numericValue(na);
  const y = numericValue(nb);
  return x !== undefined && y !== undefined && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
}

/** The answer a reference holds: its boxed part when it is a worked solution, else itself. */
export function referenceAnswer(reference: string): string {
  const boxed = lastBoxed(reference);
  return boxed ? boxed.value : reference;
}
