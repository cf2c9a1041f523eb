/**
 * Pre-tokenizers: how each tokenizer family cuts text into pieces before byte-pair merging.
 *
 * The patterns are the families' own (tiktoken's for o200k/cl100k, the `pre_tokenizer` of each
 * Hugging Face tokenizer.json for the others), translated from the Rust regex dialects
 * (fancy-regex in tiktoken, Oniguruma in `tokenizers`) to JavaScript. The one place the dialects
 * differ in ways that change counts is `\s`: in Rust it is Unicode White_Space, which includes
 * U+0085 (NEL) and excludes U+FEFF (BOM); JavaScript's `\s` is the other way round. We use the
 * Rust meaning, so counts match the real tokenizers; the JS reference ports (gpt-tokenizer,
 * transformers.js) differ from them on text containing those two characters.
 */

/** Unicode White_Space, as `\s` means in Rust's regex crates and Oniguruma. */
export const WHITE_SPACE = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

export type SplitBehavior = 'isolated' | 'removed' | 'merged_with_previous' | 'merged_with_next' | 'contiguous';

/** One regex split stage, applied to each piece the previous stage produced. */
export interface SplitStage {
  /** The pattern as written in the tokenizer (for display and for rebuilding). */
  source: string;
  /** JavaScript translation, compiled sticky + unicode (for the piece-by-piece scan). */
  regex: RegExp;
  /** The same, global (for finding the next match of a pattern that leaves gaps). */
  search: RegExp;
  /**
   * True when the pattern's only lookaround is `(?!\S)` and it has no anchors, so it can run in
   * place on a larger string as long as the range does not end in whitespace (the one place that
   * lookahead would peek past the range) and no match crosses the range's end.
   */
  boundedSafe: boolean;
  behavior: SplitBehavior;
  invert: boolean;
  /**
   * The last in-place search: from `memoFrom` in `memoText`, the first match is at `memoIndex`
   * (-1: none to the end). Without lookbehinds, a later search from any position up to that match
   * finds the same match, so a rare pattern is searched for once per text, not once per piece.
   */
  memoText?: string;
  memoFrom: number;
  memoIndex: number;
  memoEnd: number;
}

export interface PretokenizerSpec {
  stages: SplitStage[];
}

const CONTRACTIONS = "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/** tiktoken's o200k_base split pattern (case-split words, digits in threes, `/` kept with punctuation). */
export const O200K_PATTERN = [
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS})?`,
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS})?`,
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');

/** tiktoken's cl100k_base split pattern (its current, possessive-free equivalent form). */
export const CL100K_PATTERN = `${CONTRACTIONS}|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s+$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s`;

/** GPT-2's byte-level pattern, which `ByteLevel` pre-tokenizers with `use_regex: true` apply. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * Translates a Rust-dialect pattern to a JavaScript one with the `u` flag: `\s`/`\S`/`\d`/`\w`
 * get their Unicode meanings, `(?i:...)` groups are expanded letter by letter (Node 20 has no
 * inline modifiers), possessive quantifiers and atomic groups become ordinary ones (for these
 * split patterns the result is the same), and escapes JavaScript rejects in unicode mode
 * (`\'`, `\"`, ...) become plain characters.
 */
export function translatePattern(pattern: string): { source: string; ignoreCase: boolean } {
  let out = '';
  let inClass = false;
  let ignoreCase = false;
  // Stack of open groups; true when the group switched case-insensitivity on.
  const groups: boolean[] = [];
  let caseless = 0;
  let lastWasQuantifier = false;
  const SYNTAX = '^$\\.*+?()[]{}|/';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      i++;
      lastWasQuantifier = false;
      if (n === 's') out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      else if (n === 'S') out += inClass ? '\\S' : `[^${WHITE_SPACE}]`;
      else if (n === 'd') out += '\\p{Nd}';
      else if (n === 'D') out += inClass ? '\\D' : '\\P{Nd}';
      else if (n === 'w') out += inClass ? '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}' : '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]';
      else if (n === 'A') out += '^';
      else if (n === 'z') out += '$';
      else if (n === 'p' || n === 'P') {
        const close = pattern.indexOf('}', i);
        if (pattern[i + 1] === '{' && close > 0) {
          out += `\\${n}${pattern.slice(i + 1, close + 1)}`;
          i = close;
        } else {
          // Single-letter form such as \pL.
          out += `\\${n}{${pattern[i + 1]}}`;
          i++;
        }
      } else if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`;
      else if (SYNTAX.includes(n) || (inClass && n === '-')) out += `\\${n}`;
      else out += n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      lastWasQuantifier = false;
      continue;
    }
    if (c === '(') {
      lastWasQuantifier = false;
      if (pattern.startsWith('(?i)', i)) {
        ignoreCase = true;
        i += 3;
        continue;
      }
      if (pattern.startsWith('(?i:', i)) {
        groups.push(true);
        caseless++;
        out += '(?:';
        i += 3;
        continue;
      }
      if (pattern.startsWith('(?>', i)) {
        groups.push(false);
        out += '(?:';
        i += 2;
        continue;
      }
      groups.push(false);
      out += c;
      continue;
    }
    if (c === ')') {
      if (groups.pop()) caseless--;
      out += c;
      lastWasQuantifier = false;
      continue;
    }
    if (c === '+' && lastWasQuantifier) {
      // Possessive quantifier: JavaScript has none; the plain form splits these patterns the same way.
      lastWasQuantifier = false;
      continue;
    }
    if (c === '?' || c === '*' || c === '+') {
      const lazy: boolean = c === '?' && lastWasQuantifier;
      out += c;
      lastWasQuantifier = !lazy;
      continue;
    }
    if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close > 0 && /^\{\d+(,\d*)?\}$/.test(pattern.slice(i, close + 1))) {
        out += pattern.slice(i, close + 1);
        i = close;
        lastWasQuantifier = true;
        continue;
      }
    }
    lastWasQuantifier = false;
    if (caseless > 0 && /[A-Za-z]/.test(c)) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
  }
  return { source: out, ignoreCase };
}

export function splitStage(pattern: string, behavior: SplitBehavior = 'isolated', invert = false, translated = false): SplitStage {
  const t = translated ? { source: pattern, ignoreCase: false } : translatePattern(pattern);
  const flags = t.ignoreCase ? 'ui' : 'u';
  return { source: pattern, regex: new RegExp(t.source, `${flags}y`), search: new RegExp(t.source, `${flags}g`), behavior, invert, boundedSafe: boundedSafe(pattern), memoFrom: 0, memoIndex: -1, memoEnd: -1 };
}

function boundedSafe(pattern: string): boolean {
  // Drop character classes (their `^`, `$` are literal or negation) and the allowed lookahead.
  let outside = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (!inClass) outside += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else outside += c;
  }
  outside = outside.split('(?!\\S)').join('');
  return !/\(\?(?:[=!]|<[=!])|\\[bBAzZG]|[$^]/.test(outside);
}

export function pretokenizer(stages: SplitStage[]): PretokenizerSpec {
  return { stages };
}

/** A raw (untranslated) Rust/JS pattern for the family's single split stage. */
export function singlePattern(source: string, translated: boolean): PretokenizerSpec {
  return pretokenizer([splitStage(source, 'isolated', false, translated)]);
}

/**
 * Builds the pre-tokenizer a Hugging Face tokenizer.json declares. Supports the byte-level BPE
 * family's building blocks: Sequence, Split (regex or string), ByteLevel (with or without its
 * GPT-2 regex), Digits, Punctuation, Whitespace, WhitespaceSplit.
 */
export function fromHfPretokenizer(spec: unknown): PretokenizerSpec {
  const stages: SplitStage[] = [];
  const visit = (node: unknown): void => {
    if (node === null || node === undefined) return;
    const n = node as Record<string, unknown>;
    switch (n.type) {
      case 'Sequence':
        for (const child of (n.pretokenizers as unknown[]) ?? []) visit(child);
        return;
      case 'Split': {
        const pat = n.pattern as { Regex?: string; String?: string };
        const source = pat.Regex ?? escapeLiteral(pat.String ?? '');
        stages.push(splitStage(source, hfBehavior(n.behavior), n.invert === true));
        return;
      }
      case 'ByteLevel':
        if (n.add_prefix_space === true) throw new UnsupportedTokenizerError('ByteLevel pre-tokenizer with add_prefix_space is not supported.');
        if (n.use_regex !== false) stages.push(splitStage(GPT2_PATTERN, 'isolated', false, true));
        return;
      case 'Digits':
        stages.push(splitStage(n.individual_digits === true ? '\\p{N}' : '\\p{N}+', 'isolated', false, true));
        return;
      case 'Punctuation':
        stages.push(splitStage('\\p{P}', hfBehavior(n.behavior ?? 'Isolated'), false, true));
        return;
      case 'Whitespace':
        stages.push(splitStage(`[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}]+|[^\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}${WHITE_SPACE}]+`, 'isolated', true, true));
        return;
      case 'WhitespaceSplit':
        stages.push(splitStage(`[${WHITE_SPACE}]+`, 'removed', false, true));
        return;
      default:
        throw new UnsupportedTokenizerError(`Pre-tokenizer type '${String(n.type)}' is not supported (only byte-level BPE tokenizers are).`);
    }
  };
  visit(spec);
  return pretokenizer(stages);
}

function hfBehavior(b: unknown): SplitBehavior {
  switch (b) {
    case 'Removed':
      return 'removed';
    case 'MergedWithPrevious':
      return 'merged_with_previous';
    case 'MergedWithNext':
      return 'merged_with_next';
    case 'Contiguous':
      return 'contiguous';
    default:
      return 'isolated';
  }
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export class UnsupportedTokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedTokenizerError';
  }
}

/**
 * The pieces of `text[start, end)` under one split stage, as flat [start, end, start, end, ...]
 * positions in `text`, with Hugging Face's split semantics: matches and the gaps between them
 * become pieces according to the stage's behaviour. The regex sees only this range (lookaheads
 * stop at its end), which is what applying a stage to an earlier stage's piece means.
 */
export function splitRange(stage: SplitStage, text: string, start: number, end: number): number[] {
  const out = new PieceList();
  splitRangeInto(stage, text, start, end, out);
  return Array.from(out.a.subarray(0, out.n));
}

/** Int32s appended in groups, in a buffer kept from call to call and grown when full. */
class IntList {
  a = new Int32Array(384);
  n = 0;

  protected room(k: number): void {
    if (this.n + k <= this.a.length) return;
    const b = new Int32Array(this.a.length * 2);
    b.set(this.a);
    this.a = b;
  }
}

/**
 * Flat piece positions, reused from call to call: the count loop splits every gap between
 * digits (DeepSeek's pre-tokenizer) and allocating two arrays per gap cost more than the split.
 */
export class PieceList extends IntList {
  push(s: number, e: number): void {
    this.room(2);
    this.a[this.n++] = s;
    this.a[this.n++] = e;
  }
}

/** Segments of a split in progress: [start, end, isDelimiter]. */
class SegmentList extends IntList {
  push(s: number, e: number, d: number): void {
    this.room(3);
    this.a[this.n++] = s;
    this.a[this.n++] = e;
    this.a[this.n++] = d;
  }
}

/** Only `splitRangeInto` uses it, and never re-entrantly. */
const segList = new SegmentList();

/** `splitRange` into `out` (cleared first). */
export function splitRangeInto(stage: SplitStage, text: string, start: number, end: number, out: PieceList, forceSlice = false): void {
  let sub = text;
  let base = 0;
  let from = start;
  let limit = end;
  const whole = start === 0 && end === text.length;
  // Run in place when the pattern allows it: slicing every piece of a multi-stage split costs more than the split.
  const inPlace = !whole && !forceSlice && stage.boundedSafe && !isWhiteSpace(text.charCodeAt(end - 1));
  if (!whole && !inPlace) {
    sub = text.slice(start, end);
    base = start;
    from = 0;
    limit = sub.length;
  }
  // Segments covering the range in order: [start, end, isDelimiter]. A global search finds each
  // next match in one call, which matters for patterns that match rarely (digits, CJK runs).
  segList.n = 0;
  const re = stage.search;
  let gap = from;
  const delim = stage.invert ? 0 : 1;
  let at = from;
  for (;;) {
    let ms: number;
    let me: number;
    if (inPlace && stage.memoText === sub && stage.memoFrom <= at && (stage.memoIndex < 0 || stage.memoIndex >= at)) {
      ms = stage.memoIndex;
      me = stage.memoEnd;
    } else {
      re.lastIndex = at;
      const m = re.exec(sub);
      ms = m ? m.index : -1;
      me = m ? ms + m[0].length : -1;
      if (inPlace) {
        stage.memoText = sub;
        stage.memoFrom = at;
        stage.memoIndex = ms;
        stage.memoEnd = me;
      }
    }
    if (ms < 0 || ms >= limit) break;
    if (me > limit) {
      splitRangeInto(stage, text, start, end, out, true);
      return;
    }
    if (me === ms) {
      at = ms + codePointLength(sub, ms);
      continue;
    }
    if (gap < ms) segList.push(gap + base, ms + base, 1 - delim);
    segList.push(ms + base, me + base, delim);
    gap = at = me;
  }
  if (gap < limit) segList.push(gap + base, limit + base, 1 - delim);
  const n = limit;
  const segs = segList.a;
  const segsLength = segList.n;
  out.n = 0;
  switch (stage.behavior) {
    case 'isolated':
      for (let k = 0; k < segsLength; k += 3) out.push(segs[k], segs[k + 1]);
      break;
    case 'removed':
      for (let k = 0; k < segsLength; k += 3) if (segs[k + 2] === 0) out.push(segs[k], segs[k + 1]);
      break;
    case 'contiguous':
      for (let k = 0; k < segsLength; k += 3) {
        const s = segs[k];
        let e = segs[k + 1];
        if (segs[k + 2] === 1) {
          while (k + 3 < segsLength && segs[k + 5] === 1) {
            k += 3;
            e = segs[k + 1];
          }
        }
        out.push(s, e);
      }
      break;
    case 'merged_with_previous': {
      let open = -1;
      let openEnd = -1;
      for (let k = 0; k < segsLength; k += 3) {
        const s = segs[k];
        const e = segs[k + 1];
        if (segs[k + 2] === 1 && open >= 0) {
          out.push(open, e);
          open = -1;
        } else {
          if (open >= 0) out.push(open, openEnd);
          if (segs[k + 2] === 1) {
            out.push(s, e);
            open = -1;
          } else {
            open = s;
            openEnd = e;
          }
        }
      }
      if (open >= 0) out.push(open, openEnd);
      break;
    }
    case 'merged_with_next': {
      let pending = -1;
      for (let k = 0; k < segsLength; k += 3) {
        const s = segs[k];
        const e = segs[k + 1];
        if (segs[k + 2] === 1) {
          if (pending >= 0) out.push(pending, s);
          pending = s;
        } else {
          out.push(pending >= 0 ? pending : s, e);
          pending = -1;
        }
      }
      if (pending >= 0) out.push(pending, base + n);
      break;
    }
  }
}

export function isWhiteSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** A split pattern that is one character class repeated: `X+` or `X{1,n}`. */
const CLASS_RUN = /^(?:\\[pP]\{[A-Za-z_=]+\}|\[(?:\\.|[^\]\\])*\])(?:(\+)|\{1,(\d+)\})$/;

/** Longest piece (in code points) of a one-class stage (`\p{N}{1,3}`: 3), or 0 when the stage is not one. */
export function classRunLimit(stage: SplitStage): number {
  if (stage.behavior !== 'isolated' || stage.invert) return 0;
  const m = CLASS_RUN.exec(stage.source);
  if (!m) return 0;
  return m[1] ? Infinity : Number(m[2]);
}

const OTHER = 1;
const IN_A = 2;
const IN_B = 3;
const IN_BOTH = 4;

/**
 * Two one-class split stages in a row, done by hand in one pass: DeepSeek-V3's pre-tokenizer
 * isolates runs of up to three digits (`\p{N}{1,3}`), then CJK runs, before its main pattern.
 * Run as regex splits, the second stage searches every gap the first leaves (every stretch
 * between two numbers), and that cost a sixth of counting maths text. Membership in each class
 * comes from the stages' own regexes, one code point at a time, remembered per code point.
 * Equal to the two splits one after the other as long as no character is in both classes;
 * `split` reports such a character and the caller falls back to the regex splits.
 */
export class ClassRunPair {
  private readonly table = new Uint8Array(0x10000);
  private readonly astral = new Map<number, number>();

  private constructor(
    private readonly a: SplitStage,
    private readonly limitA: number,
    private readonly b: SplitStage,
    private readonly limitB: number,
  ) {}

  static of(a: SplitStage | undefined, b: SplitStage | undefined): ClassRunPair | undefined {
    if (!a || !b) return undefined;
    const la = classRunLimit(a);
    const lb = classRunLimit(b);
    return la > 0 && lb > 0 ? new ClassRunPair(a, la, b, lb) : undefined;
  }

  /** The pieces of `text[start, end)` after both stages, into `out`; false if a character is in both classes. */
  split(text: string, start: number, end: number, out: PieceList): boolean {
    out.n = 0;
    let other = -1;
    let i = start;
    while (i < end) {
      const u = text.charCodeAt(i);
      let c: number;
      let w = 1;
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < end && isLow(text.charCodeAt(i + 1))) {
        c = this.astralClass(pair(u, text.charCodeAt(i + 1)));
        w = 2;
      } else c = this.table[u] || this.learn(u);
      if (c === OTHER) {
        if (other < 0) other = i;
        i += w;
        continue;
      }
      if (c === IN_BOTH) return false;
      if (other >= 0) {
        out.push(other, i);
        other = -1;
      }
      const limit = c === IN_A ? this.limitA : this.limitB;
      let j = i + w;
      for (let n = 1; n < limit && j < end; n++) {
        const v = text.charCodeAt(j);
        if (v >= 0xd800 && v <= 0xdbff && j + 1 < end && isLow(text.charCodeAt(j + 1))) {
          if (this.astralClass(pair(v, text.charCodeAt(j + 1))) !== c) break;
          j += 2;
        } else {
          if ((this.table[v] || this.learn(v)) !== c) break;
          j++;
        }
      }
      out.push(i, j);
      i = j;
    }
    if (other >= 0) out.push(other, end);
    return true;
  }

  private learn(u: number): number {
    return (this.table[u] = this.classify(String.fromCharCode(u)));
  }

  private astralClass(cp: number): number {
    let c = this.astral.get(cp);
    if (c === undefined) this.astral.set(cp, (c = this.classify(String.fromCodePoint(cp))));
    return c;
  }

  private classify(ch: string): number {
    const inA = matchesWhole(this.a.regex, ch);
    const inB = matchesWhole(this.b.regex, ch);
    return inA ? (inB ? IN_BOTH : IN_A) : inB ? IN_B : OTHER;
  }
}

function matchesWhole(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s) && re.lastIndex === s.length;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function pair(hi: number, lo: number): number {
  return (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
}
