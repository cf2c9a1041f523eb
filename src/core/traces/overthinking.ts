/**
 * Where in the thinking the final answer first appears. Everything after that point is spent
 * re-deriving, checking or doubting an answer already found: the "overthinking" studies of
 * reasoning models measure (e.g. Chen et al. 2024, "Do NOT Think That Much for 2+3=?").
 */
export interface AnswerPoint {
  /** Character range of the first qualifying occurrence in the thinking. */
  start: number;
  end: number;
  /**
   * `result-cue`: the answer appears as a result ("= 3512", "is 3512", "gives \boxed{3512}").
   * `first-mention`: no such cue anywhere, so the first mention counts.
   */
  rule: 'result-cue' | 'first-mention';
}

const CUE = /(?:=|≈|is|are|equals|get|gives|giving|got|yields|answer|result|total|therefore|thus|so|→|:|\\boxed\{|\\implies)\s*(?:\*\*|\$|\\\(|\\\[)?\s*$/i;

/**
 * The first point in `thinking` where `answer` (a final answer's value) appears. For numbers an
 * occurrence must stand alone (3512 inside 35120 does not count); a mention that the prompt
 * itself contains ("We need 91 × 36 + 236") only counts with a result cue before it.
 */
export function firstAnswerPoint(thinking: string, answer: string, prompt?: string): AnswerPoint | undefined {
  const value = answer.trim().replace(/^\$+|\$+$/g, '');
  if (value === '' || value.length > 200) return undefined;
  const numeric = /^-?\d+(?:\.\d+)?$/.test(value);
  const occurrences = numeric ? numberOccurrences(thinking, variants(value)) : textOccurrences(thinking, value);
  const inPrompt = prompt !== undefined && (numeric ? numberOccurrences(prompt, variants(value)).next().done === false : textOccurrences(prompt, value).next().done === false);
  let firstMention: AnswerPoint | undefined;
  for (const [start, end] of occurrences) {
    const lineStart = thinking.lastIndexOf('\n', start) + 1;
    const before = thinking.slice(Math.max(lineStart, start - 40), start);
    if (CUE.test(before)) return { start, end, rule: 'result-cue' };
    if (!firstMention && !inPrompt) firstMention = { start, end, rule: 'first-mention' };
  }
  return firstMention;
}

/**
 * Where a number stands alone (3512 in "= 3512." but not in 35120 or 3512.5), for every written
 * form, in text order. The other forms (3,512; .5) are rare in text: each is searched for only up
 * to the next plain occurrence, in windows that never overlap, because a search through the whole
 * text for a form that is not there cost more than the rest of finding the answer point (and the
 * caller usually stops at the first occurrence).
 */
export function* numberOccurrences(text: string, forms: string[]): Generator<[number, number]> {
  const UNKNOWN = -2;
  // next[i]: where forms[i] next occurs (-1: nowhere), or UNKNOWN; from[i]: where its search resumes.
  const next = forms.map(() => UNKNOWN);
  const from = forms.map(() => 0);
  for (;;) {
    if (next[0] === UNKNOWN) next[0] = text.indexOf(forms[0], from[0]);
    // Other forms only win by starting before the plain form's next occurrence (on a tie the plain one goes first).
    const limit = next[0] >= 0 ? next[0] : text.length;
    let k = next[0] >= 0 ? 0 : -1;
    for (let i = 1; i < forms.length; i++) {
      if (next[i] === UNKNOWN && from[i] < limit) {
        const end = Math.min(text.length, limit + forms[i].length - 1);
        const j = text.slice(from[i], end).indexOf(forms[i]);
        if (j >= 0) next[i] = from[i] + j;
        else from[i] = limit;
        if (j < 0 && limit === text.length) next[i] = -1;
      }
      if (next[i] >= 0 && (k < 0 || next[i] < next[k])) k = i;
    }
    if (k < 0) return;
    const start = next[k];
    const end = start + forms[k].length;
    next[k] = UNKNOWN;
    from[k] = start + 1;
    const before = text.charCodeAt(start - 1);
    const after = text.charCodeAt(end);
    const afterNext = text.charCodeAt(end + 1);
    if (isDigit(before) || before === 46 || before === 44) continue;
    if (isDigit(after) || ((after === 46 || after === 44) && isDigit(afterNext))) continue;
    yield [start, end];
  }
}

function* textOccurrences(text: string, value: string): Generator<[number, number]> {
  const re = new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*'), 'gi');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    yield [m.index, m.index + m[0].length];
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** 3512 also written 3,512; 0.5 also .5. */
function variants(n: string): string[] {
  const out = [n];
  const [int, frac] = n.replace(/^-/, '').split('.');
  if (int.length > 3) {
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    out.push((n.startsWith('-') ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : ''));
  }
  if (int === '0' && frac !== undefined) out.push(`${n.startsWith('-') ? '-' : ''}.${frac}`);
  return out;
}
