/**
 * Steps of a chain of thought: paragraphs (blank-line separated), numbered steps ("Step 3:",
 * "2.", "2)"), and self-delimited sections (Markdown headings, "**Case 2**"). Reasoning models
 * write one idea per paragraph, so paragraphs are the unit tokens-per-step is measured in.
 */
export type StepKind = 'paragraph' | 'numbered' | 'section';

export interface StepSpan {
  /** Character range in the thinking text, trailing whitespace excluded. */
  start: number;
  end: number;
  kind: StepKind;
}

const SECTION = /^ {0,3}(?:#{1,6}\s|\*\*(?:step|case|part|stage|phase)\b|(?:step|case|part|stage|phase)\s+\d+\s*[:.)])/i;
const NUMBERED = /^ {0,3}\d{1,3}[.)]\s/;

export function segmentSteps(text: string): StepSpan[] {
  const steps: StepSpan[] = [];
  let pos = 0;
  let blankBefore = true;
  let cur: StepSpan | undefined;
  let lastContentEnd = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    // Content bounds of this line.
    let a = pos;
    let b = nl;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    if (a === b) {
      blankBefore = true;
    } else {
      const c = text.charCodeAt(a);
      // Only lines that start like a heading or a number can open a numbered step or section.
      const maybe = c === 35 || c === 42 || (c >= 48 && c <= 57) || c === 83 || c === 115 || c === 67 || c === 99 || c === 80 || c === 112;
      const line = maybe ? text.slice(pos, Math.min(nl, pos + 40)) : '';
      const kind: StepKind | undefined = maybe && SECTION.test(line) ? 'section' : maybe && NUMBERED.test(line) ? 'numbered' : blankBefore ? 'paragraph' : undefined;
      if (kind || !cur) {
        if (cur) {
          cur.end = lastContentEnd;
          steps.push(cur);
        }
        cur = { start: a, end: b, kind: kind ?? 'paragraph' };
      }
      lastContentEnd = b;
      blankBefore = false;
    }
    pos = nl + 1;
  }
  if (cur) {
    cur.end = lastContentEnd;
    steps.push(cur);
  }
  return steps;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0xa0 || c === 0x3000;
}

/** How many steps `segmentSteps` would find, without building them. */
export function countSteps(text: string): number {
  let n = 0;
  let pos = 0;
  let blankBefore = true;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let a = pos;
    while (a < nl && isSpace(text.charCodeAt(a))) a++;
    if (a === nl) blankBefore = true;
    else {
      const c = text.charCodeAt(a);
      const maybe = c === 35 || c === 42 || (c >= 48 && c <= 57) || c === 83 || c === 115 || c === 67 || c === 99 || c === 80 || c === 112;
      if (blankBefore || n === 0) n++;
      else if (maybe) {
        const line = text.slice(pos, Math.min(nl, pos + 40));
        if (SECTION.test(line) || NUMBERED.test(line)) n++;
      }
      blankBefore = false;
    }
    pos = nl + 1;
  }
  return n;
}
