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

/** Where a number stands alone (3512 in "= 3512." but not in 35120 or 3512.5). */
function* numberOccurrences(text: string, forms: string[]): Generator<[number, number]> {
  // Scan every written form in step, yielding in text order.
  const next = forms.map((f) => text.indexOf(f));
  for (;;) {
    let k = -1;
    for (let i = 0; i < forms.length; i++) if (next[i] >= 0 && (k < 0 || next[i] < next[k])) k = i;
    if (k < 0) return;
    const start = next[k];
    const end = start + forms[k].length;
    next[k] = text.indexOf(forms[k], start + 1);
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
