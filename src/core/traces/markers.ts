import type { PieceWatch } from '../tokens/bpe';

/**
 * Markers of backtracking and hedging in a chain of thought ("Wait", "Alternatively", "Hmm",
 * "let me double-check"), the phrases studies of reasoning traces count to measure
 * self-correction and overthinking. The list is configurable; matching is case-insensitive, at
 * word boundaries, longest phrase first, and never counts one stretch of text twice.
 */
export type MarkerKind = 'backtrack' | 'hedge' | 'verify' | 'alternative';

export interface MarkerSpec {
  /** Words to match, e.g. `let me double-check`; any run of spaces matches a space. */
  phrase: string;
  /** A built-in kind or the user's own label. */
  kind: MarkerKind | string;
}

export const defaultMarkers: readonly MarkerSpec[] = [
  ...['wait', 'but wait', 'no wait', 'actually', 'hold on', 'oops', 'i made a mistake', 'that is not right', "that's not right", 'that is wrong', "that's wrong", 'let me reconsider', 'let me re-examine', 'let me rethink', 'on second thought', 'scratch that', 'i was wrong'].map((phrase) => ({ phrase, kind: 'backtrack' })),
  ...['hmm', 'maybe', 'perhaps', 'i think', 'not sure', "i'm not sure", 'possibly', 'might be', 'it seems'].map((phrase) => ({ phrase, kind: 'hedge' })),
  ...['let me double-check', 'let me double check', 'double-check', 'let me check', 'let me verify', 'to verify', 'let me confirm', 'sanity check', 'let me make sure'].map((phrase) => ({ phrase, kind: 'verify' })),
  ...['alternatively', 'another approach', 'another way', 'what if', 'let me try'].map((phrase) => ({ phrase, kind: 'alternative' })),
];

export interface MarkerHit {
  start: number;
  end: number;
  kind: string;
  /** The phrase from the list that matched (not the text's casing). */
  phrase: string;
}

export class MarkerMatcher {
  private readonly regex: RegExp;
  /** The same alternatives anchored at `lastIndex`, to try one position. */
  private readonly sticky: RegExp;
  private readonly byKey = new Map<string, MarkerSpec>();
  readonly kinds: readonly string[];
  /**
   * Finding markers from the pieces a tokenizer cuts while it counts (see `watchPieces`); absent
   * when a phrase does not start with an ASCII letter or holds other non-ASCII characters than
   * `’`, where the reasoning behind it (below) does not hold.
   */
  private readonly watch: MarkerWatch | undefined;
  private readonly pattern: (key: string) => string;
  private anchored: (readonly [RegExp, MarkerSpec])[] | undefined;

  constructor(readonly specs: readonly MarkerSpec[] = defaultMarkers) {
    const sorted = [...specs].sort((a, b) => b.phrase.length - a.phrase.length);
    for (const s of sorted) {
      const key = keyOf(s.phrase);
      if (!this.byKey.has(key)) this.byKey.set(key, s);
    }
    const pattern = (this.pattern = (k: string): string =>
      k
        .split(' ')
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]"))
        .join('\\s+'));
    // Alternatives grouped by first character, in list order within a group: the engine then tests
    // one group per position instead of every phrase (~20% less time on long thinking). Phrases
    // whose first characters differ under the regex's case folding never match at the same
    // position, so which phrase wins where is unchanged.
    const groups = new Map<string, string[]>();
    for (const k of this.byKey.keys()) {
      const g = groups.get(foldCase(k[0]));
      if (g) g.push(k);
      else groups.set(foldCase(k[0]), [k]);
    }
    // ASCII \b lets the engine skip ahead fast; it only holds next to an ASCII word character, so
    // a phrase starting or ending in another script goes without it on that side. Non-ASCII
    // neighbours are checked by hand in find().
    const all = [...this.byKey.keys()];
    const startsAscii = all.every((k) => ASCII_WORD.test(k[0]));
    const endsAscii = all.every((k) => ASCII_WORD.test(k[k.length - 1]));
    const tail = (k: string): string => (!endsAscii && ASCII_WORD.test(k[k.length - 1]) ? '\\b' : '');
    const alternatives = [...groups.values()].map((keys) => {
      const lead = !startsAscii && ASCII_WORD.test(keys[0][0]) ? '\\b' : '';
      return keys.every((k) => k[0] === keys[0][0])
        ? `${lead}${pattern(keys[0][0])}(?:${keys.map((k) => pattern(k.slice(1)) + tail(k)).join('|')})`
        : `${lead}(?:${keys.map((k) => pattern(k) + tail(k)).join('|')})`;
    });
    const body = `(?:${alternatives.join('|')})${endsAscii ? '\\b' : ''}`;
    this.regex = new RegExp(`${startsAscii ? '\\b' : ''}${body}`, 'gi');
    this.sticky = new RegExp(body, 'yi');
    this.kinds = [...new Set(specs.map((s) => s.kind))];
    if (all.length > 0 && all.every((k) => /^[a-z][\x20-\x7e]*$/.test(k))) this.watch = new MarkerWatch(all);
  }

  /**
   * A watch to pass to a tokenizer's `countAt` (as `sink.watch`), for `findWatched` to read
   * afterwards; undefined when this list cannot be found that way. One per thread at a time.
   */
  watchPieces(): PieceWatch | undefined {
    this.watch?.reset();
    return this.watch;
  }

  /**
   * The same hits as `find(text)`, from the pieces the watch saw while `text` was counted: only
   * where a piece could begin a phrase is the phrase regex tried, instead of running it over the
   * whole text. A marker starts with an ASCII letter not preceded by a word character; such a
   * letter lies in some piece, and the watch wanted every piece holding such a letter from which
   * the rest of the piece could begin a phrase (case folded, `’` as `'`, white space as one
   * space), so every start the regex would take is tried here, in order. Falls back to `find`
   * when the watch was not used or the tokenizer's normalizer moved the text.
   */
  findWatched(text: string): MarkerHit[] {
    const w = this.watch;
    if (!w || !w.complete()) return this.find(text);
    const hits: MarkerHit[] = [];
    const re = this.sticky;
    const ranges = w.ranges;
    let from = 0;
    for (let r = 0; r < w.n; r += 2) {
      const end = ranges[r + 1];
      for (let p = Math.max(ranges[r], from); p < end; p++) {
        const c = text.charCodeAt(p) | 0x20;
        if (c < 97 || c > 122 || isWordChar(text.charCodeAt(p - 1))) continue;
        re.lastIndex = p;
        if (!re.test(text)) continue;
        const e = re.lastIndex;
        // A non-ASCII word character after the phrase: not a word boundary after all.
        if (isWordChar(text.charCodeAt(e))) continue;
        this.hit(text, p, e, hits);
        from = e;
        p = e - 1;
      }
    }
    return hits;
  }

  private hit(text: string, start: number, end: number, hits: MarkerHit[]): void {
    const matched = text.slice(start, end);
    const lower = matched.toLowerCase();
    const spec = this.byKey.get(lower) ?? this.byKey.get(keyOf(lower)) ?? this.specMatching(matched);
    if (spec) hits.push({ start, end, kind: spec.kind, phrase: spec.phrase });
  }

  /** The phrase a match came from when lower-casing does not give its key (`Σ` matches `ς` too). */
  private specMatching(matched: string): MarkerSpec | undefined {
    this.anchored ??= [...this.byKey].map(([k, spec]) => [new RegExp(`^(?:${this.pattern(k)})$`, 'i'), spec] as const);
    return this.anchored.find(([re]) => re.test(matched))?.[1];
  }

  find(text: string): MarkerHit[] {
    const hits: MarkerHit[] = [];
    if (this.byKey.size === 0) return hits;
    const re = this.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      // Next to a non-ASCII word character: not a word boundary. The text from the next
      // character on may still hold a phrase.
      if (isWordChar(text.charCodeAt(start - 1)) || isWordChar(text.charCodeAt(end))) {
        re.lastIndex = start + 1;
        continue;
      }
      this.hit(text, start, end, hits);
    }
    return hits;
  }
}

const WORD = /[\p{L}\p{M}\p{N}_]/u;
const ASCII_WORD = /[A-Za-z0-9_]/;

/** Letters (with their combining marks), digits and `_` of any script (NaN, past either end of the text, is not one). */
function isWordChar(c: number): boolean {
  if (Number.isNaN(c)) return false;
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return WORD.test(String.fromCharCode(c));
}

/** A character as a case-insensitive regex without the `u` flag compares it (ECMAScript's Canonicalize). */
function foldCase(c: string): string {
  const u = c.toUpperCase();
  return u.length === 1 && !(c.charCodeAt(0) >= 128 && u.charCodeAt(0) < 128) ? u : c;
}

function keyOf(s: string): string {
  return s.toLowerCase().replace(/’/g, "'").split(/\s+/).filter((w) => w !== '').join(' ');
}

let watchIds = 0;
const SPACE = /\s/;

/** Collects the pieces that could begin a phrase of a list (lower-case keys of ASCII characters). */
class MarkerWatch implements PieceWatch {
  readonly id = (watchIds = (watchIds % 0xfffff) + 1);
  readonly singles = new Uint8Array(128);
  ranges = new Int32Array(256);
  n = 0;
  private moved = false;
  private used = false;

  /** The phrase keys by their first letter (a–z as 0–25). */
  private readonly byFirst: string[][] = Array.from({ length: 26 }, () => []);

  constructor(keys: readonly string[]) {
    for (const k of keys) this.byFirst[k.charCodeAt(0) - 97].push(k);
    for (let c = 0; c < 128; c++) this.singles[c] = this.wants(String.fromCharCode(c), 0, 1) ? 1 : 0;
  }

  reset(): void {
    this.n = 0;
    this.moved = false;
    this.used = false;
  }

  /** Whether the ranges cover the text last counted: the tokenizer took the watch and kept positions exact. */
  complete(): boolean {
    return this.used && !this.moved;
  }

  /** Some ASCII letter, at a possible word start, from which the rest of the piece could begin a phrase. */
  wants(text: string, start: number, end: number): boolean {
    for (let p = start; p < end; p++) {
      const c = text.charCodeAt(p) | 0x20;
      if (c < 97 || c > 122 || (p > start && isWordChar(text.charCodeAt(p - 1)))) continue;
      for (const k of this.byFirst[c - 97]) if (couldBegin(text, p, end, k)) return true;
    }
    return false;
  }

  begin(): void {
    this.used = true;
  }

  seen(start: number, end: number): void {
    if (this.n + 2 > this.ranges.length) {
      const grown = new Int32Array(this.ranges.length * 2);
      grown.set(this.ranges);
      this.ranges = grown;
    }
    this.ranges[this.n++] = start;
    this.ranges[this.n++] = end;
  }

  inexact(): void {
    this.moved = true;
  }
}

/** Whether `text[p, end)` and phrase key `k` agree as far as both go, as the phrase regex compares them. */
function couldBegin(text: string, p: number, end: number, k: string): boolean {
  let j = 0;
  while (p < end && j < k.length) {
    const ch = text[p];
    if (k.charCodeAt(j) === 32) {
      if (!SPACE.test(ch)) return false;
      while (p < end && SPACE.test(text[p])) p++;
      j++;
      continue;
    }
    let c = ch.charCodeAt(0);
    if (c === 0x2019) c = 39;
    else if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== k.charCodeAt(j)) return false;
    p++;
    j++;
  }
  return true;
}
