/**
 * Final-answer extraction and comparison, for files that keep the model's response and the
 * reference but not whether the response was right. The extractor is deliberately simple and
 * named in the results, so users know how correctness was decided and can supply their own
 * column instead.
 */

export const DEFAULT_EXTRACTOR = 'last \\boxed{} → "####" → "answer is" → last number';

/** The content of the last `\boxed{...}` (or `\fbox{...}`), braces balanced. */
export function lastBoxed(text: string): string | undefined {
  const at = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (at < 0) return undefined;
  const open = text.indexOf('{', at);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

const HASH = /####\s*([^\n]+)/g;
const ANSWER_IS = /answer\s*(?:is|:)\s*:?\s*([^\n]+)/gi;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?|-?\.\d+/g;

function lastMatch(re: RegExp, text: string): string | undefined {
  let m: RegExpExecArray | null;
  let last: string | undefined;
  re.lastIndex = 0;
  while ((m = re.exec(text)) !== null) last = m[1] ?? m[0];
  return last;
}

/** The final answer of a response by the default extractor, or undefined when none is found. */
export function extractAnswer(response: string): string | undefined {
  const boxed = lastBoxed(response);
  if (boxed !== undefined) return boxed.trim();
  const hash = lastMatch(HASH, response);
  if (hash !== undefined) return hash.trim();
  const stated = lastMatch(ANSWER_IS, response);
  if (stated !== undefined) return stated.trim().replace(/[.\s]+$/, '');
  const num = lastMatch(NUMBER, response);
  return num;
}

/**
 * The form answers are compared and voted in: spacing, `$`, `\text{}` and a trailing period
 * removed, numbers canonical. Case is folded only for plain words ("Yes", "B"): in code or
 * expressions it can be the whole difference between two answers.
 */
export function normalizeAnswer(answer: string): string {
  let a = answer.trim();
  a = a.replace(/^\$+|\$+$/g, '').replace(/\\text\{([^}]*)\}/g, '$1').replace(/\\[,!;: ]/g, '');
  a = a.replace(/\s+/g, ' ').replace(/[.。]$/, '').trim();
  if (/^[a-z][a-z ]*$/i.test(a)) a = a.toLowerCase();
  const num = parseNumeric(a);
  return num === undefined ? a : String(num);
}

function parseNumeric(a: string): number | undefined {
  const t = a.replace(/,(?=\d{3}\b)/g, '');
  if (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  const frac = /^(-?\d+)\/(\d+)$/.exec(t);
  if (frac && Number(frac[2]) !== 0) return Number(frac[1]) / Number(frac[2]);
  return undefined;
}

/** Whether an answer matches a reference after normalization (numbers to 1e-9 relative). */
export function answersMatch(answer: string, reference: string): boolean {
  const a = normalizeAnswer(answer);
  const r = normalizeAnswer(reference);
  if (a === r) return true;
  const x = Number(a);
  const y = Number(r);
  if (a !== '' && r !== '' && Number.isFinite(x) && Number.isFinite(y)) return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
  return false;
}
