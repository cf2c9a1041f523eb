import { PIECE_SAMPLE_MIX } from '../tokens/bpe';
/**
 * Repetition in a chain of thought, from word n-grams: spans that repeat earlier text word for
 * word (loops, re-derivations pasted again), and a bottom-k sketch of the trace's word shingles
 * for estimating how similar two traces are (Jaccard) without keeping their text.
 */
export interface RepeatedSpan {
  start: number;
  end: number;
  /** Where the first n-gram of this span appeared earlier. */
  firstStart: number;
}

export interface WordAnalysis {
  words: number;
  repeated: RepeatedSpan[];
  /** Characters inside repeated spans, and their share of the text. */
  repeatedChars: number;
  repeatedShare: number;
  /** The k smallest distinct hashes of the text's word shingles, ascending. */
  sketch: number[];
}

export interface WordAnalysisOptions {
  /** Find repeated spans (costs a hash map over every n-gram; the sketch alone is cheap). */
  repetition?: boolean;
  /** Length in words of the n-grams that count as repetition. */
  repeatN?: number;
  /** Shingle length for the similarity sketch, and sketch size. */
  shingleN?: number;
  sketchK?: number;
}

export function analyzeWords(text: string, options: WordAnalysisOptions = {}): WordAnalysis {
  const n = options.repeatN ?? 10;
  const sn = options.shingleN ?? 3;
  const k = options.sketchK ?? 64;
  // Word boundaries and hashes, computed in one pass without substrings.
  let cap = 1024;
  let starts: Int32Array = new Int32Array(cap);
  let ends: Int32Array = new Int32Array(cap);
  let hashes: Int32Array = new Int32Array(cap);
  let count = 0;
  const len = text.length;
  let i = 0;
  while (i < len) {
    while (i < len && isSpace(text.charCodeAt(i))) i++;
    if (i >= len) break;
    const s = i;
    let h = 0x811c9dc5 | 0;
    while (i < len) {
      let c = text.charCodeAt(i);
      if (isSpace(c)) break;
      if (c >= 65 && c <= 90) c |= 32;
      h = Math.imul(h ^ c, 0x01000193);
      i++;
    }
    if (count === cap) {
      cap *= 2;
      starts = grow(starts, cap);
      ends = grow(ends, cap);
      hashes = grow(hashes, cap);
    }
    starts[count] = s;
    ends[count] = i;
    hashes[count] = h;
    count++;
  }

  const repeated: RepeatedSpan[] = [];
  let repeatedChars = 0;
  if (options.repetition !== false && count >= 2 * n) {
    const seen = new Map<number, number>();
    let spanFrom = -1;
    let spanTo = -1;
    let spanFirst = -1;
    const close = (): void => {
      if (spanFrom < 0) return;
      repeated.push({ start: starts[spanFrom], end: ends[spanTo], firstStart: starts[spanFirst] });
      repeatedChars += ends[spanTo] - starts[spanFrom];
      spanFrom = -1;
    };
    for (let w = 0; w + n <= count; w++) {
      let h = 0;
      for (let j = 0; j < n; j++) h = Math.imul(h, 0x9e3779b1) ^ hashes[w + j];
      const prev = seen.get(h);
      if (prev === undefined) {
        seen.set(h, w);
        if (spanFrom >= 0 && w > spanTo) close();
        continue;
      }
      // An earlier, non-overlapping occurrence: words w .. w+n-1 repeat it.
      if (prev + n <= w) {
        if (spanFrom >= 0 && w <= spanTo + 1) spanTo = w + n - 1;
        else {
          close();
          spanFrom = w;
          spanTo = w + n - 1;
          spanFirst = prev;
        }
      } else if (spanFrom >= 0 && w > spanTo) close();
    }
    close();
  }

  const sketch = bottomK(hashes, count, sn, k);
  return { words: count, repeated, repeatedChars, repeatedShare: len > 0 ? repeatedChars / len : 0, sketch };
}

function bottomK(hashes: Int32Array, count: number, sn: number, k: number): number[] {
  // The k smallest distinct values, kept sorted; after the first few hundred shingles almost
  // every hash is above the largest kept one and costs one comparison.
  const kept = new Float64Array(k);
  let size = 0;
  for (let w = 0; w + sn <= count; w++) {
    let h = 0x2545f491;
    for (let j = 0; j < sn; j++) h = Math.imul(h ^ hashes[w + j], 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
    if (size === k && h >= kept[k - 1]) continue;
    size = keepSmallest(kept, size, h);
  }
  return Array.from(kept.subarray(0, size));
}

/** Inserts `h` into the ascending, distinct `kept[0, size)` (capacity `kept.length`, the largest falling off); returns the new size. */
function keepSmallest(kept: Float64Array, size: number, h: number): number {
  const k = kept.length;
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (kept[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  if (lo < size && kept[lo] === h) return size;
  kept.copyWithin(lo + 1, lo, size < k ? size : k - 1);
  kept[lo] = h;
  return size < k ? size + 1 : size;
}

/** The quarter of pieces a sketch shingles (top two bits of the mixed hash zero); tokenizers can drop the rest for it (`PieceSink.sampleMask`). */
export const SKETCH_SAMPLE_MASK = 0xc0000000 | 0;

/**
 * Bottom-k sketch over shingles of piece hashes, fed while the tokenizer counts the text (see
 * `PieceSink`). Only pieces whose mixed hash falls in one quarter of the range are kept (a content-defined
 * quarter, the same pieces in every text), and shingles are runs of three kept pieces: identical
 * passages give identical shingles, at a quarter of the work.
 */
export class ShingleSketch {
  private a = 0;
  private b = 0;
  private seen = 0;
  /**
   * Candidate shingle hashes. Inserting each into a sorted bottom-k cost about 60 ns, and a
   * typical trace inserts half its shingles; instead they are appended, and when the buffer fills
   * it is sorted (natively) and cut to the k smallest distinct, whose largest then turns away
   * most later shingles with one comparison. Same result in about 80% of the time (the mixing and sampling are the rest).
   */
  private buf: Uint32Array;
  private n = 0;
  private threshold = Number.POSITIVE_INFINITY;

  constructor(private readonly k = 64) {
    this.buf = new Uint32Array(Math.max(4 * k, 16));
  }

  /** Starts a new sketch in the same buffer (an analyzer keeps one for all its traces). */
  reset(): this {
    this.a = 0;
    this.b = 0;
    this.seen = 0;
    this.n = 0;
    this.threshold = Number.POSITIVE_INFINITY;
    return this;
  }

  addHashes(hashes: Int32Array, count: number): void {
    let a = this.a;
    let b = this.b;
    let seen = this.seen;
    let n = this.n;
    let threshold = this.threshold;
    const buf = this.buf;
    for (let i = 0; i < count; i++) {
      const hash = hashes[i];
      // Top bits of a multiplicative mix: FNV's low bits depend only on the characters' low bits.
      if ((Math.imul(hash, PIECE_SAMPLE_MIX) & SKETCH_SAMPLE_MASK) !== 0) continue;
      const pa = a;
      const pb = b;
      a = pb;
      b = hash;
      if (++seen < 3) continue;
      let h = Math.imul(Math.imul(0x2545f491 ^ pa, 0x85ebca6b) ^ pb, 0x85ebca6b);
      h = Math.imul(h ^ hash, 0x85ebca6b);
      h = (h ^ (h >>> 13)) >>> 0;
      if (h >= threshold) continue;
      buf[n++] = h;
      if (n === buf.length) {
        n = this.compact(n);
        threshold = this.threshold;
      }
    }
    this.a = a;
    this.b = b;
    this.seen = seen;
    this.n = n;
  }

  /** Sorts the buffer and keeps its k smallest distinct values; returns how many. */
  private compact(n: number): number {
    const buf = this.buf;
    buf.subarray(0, n).sort();
    let m = 0;
    for (let i = 0; i < n && m < this.k; i++) if (m === 0 || buf[i] !== buf[m - 1]) buf[m++] = buf[i];
    if (m === this.k) this.threshold = buf[m - 1];
    return m;
  }

  /**
   * The sketch as a typed array: rows carry one from each worker thread to the main one, where
   * 64 hashes in a plain array are 64 heap numbers to copy and to collect (a typed array is one
   * block), and a file summary holds one per trace.
   */
  finish(): Uint32Array {
    this.n = this.compact(this.n);
    return this.buf.slice(0, this.n);
  }
}

/** Estimated Jaccard similarity of the shingle sets two sketches came from: shared values of the bottom-k of their union, over its size. */
export function sketchSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return na === nb ? 1 : 0;
  const k = Math.min(Math.max(na, nb), 64);
  // The merge steps without branching on which side is smaller (a coin flip the CPU
  // mispredicts): half the time per pair, and a file summary compares a million pairs.
  let i = 0;
  let j = 0;
  let taken = 0;
  let both = 0;
  while (taken < k && i < na && j < nb) {
    const x = a[i];
    const y = b[j];
    const le = +(x <= y);
    const ge = +(x >= y);
    i += le;
    j += ge;
    both += le & ge;
    taken++;
  }
  // One side ran out: the rest of the bottom-k comes from the other, shared by neither.
  if (taken < k) taken = Math.min(k, taken + (na - i) + (nb - j));
  return both / taken;
}

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000;
}
