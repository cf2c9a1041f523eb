import { hashChars, nextPow2, PieceCache } from './pieceCache';
import { CL100K_PATTERN, ClassRunPair, fromHfPretokenizer, isWhiteSpace, O200K_PATTERN, PieceList, singlePattern, splitRangeInto, UnsupportedTokenizerError, type PretokenizerSpec, type SplitStage } from './pretokenize';
import type { AddedToken, BpeTables, VocabData } from './vocab';

/**
 * Byte-level BPE, written for counting: the count path never builds token arrays, pieces are
 * looked up in a per-tokenizer cache without allocating substrings, and merging works on typed
 * arrays. The same engine runs tiktoken vocabularies (merge priority = rank of the merged bytes)
 * and Hugging Face ones (priority = position in `merges`), so every family shares one code path
 * and one set of tests.
 */

export interface CountOptions {
  /**
   * `tokens` (default): text that spells a special token (`<|endoftext|>`, `<｜Assistant｜>`)
   * counts as that one token, as the model saw it. `text`: special tokens are tokenized as
   * ordinary text. Non-special added tokens (Qwen's `<think>`) are always one token: that is
   * how the tokenizer always treats them.
   */
  specials?: 'tokens' | 'text';
}

/**
 * Receives a hash of each pre-tokenized piece (words with their leading space, number groups,
 * punctuation runs; single ASCII characters are skipped) while a text is counted, so callers can
 * fingerprint text (similarity sketches) without a second pass over it. Hashes arrive in batches,
 * in text order: a call per piece cost a tenth of the counting time.
 */
export interface PieceSink {
  addHashes?(hashes: Int32Array, n: number): void;
  /**
   * Only the hashes h with `(Math.imul(h, PIECE_SAMPLE_MIX) & sampleMask) === 0` (default 0: all).
   * A sink that keeps a sample says so here, and the pieces it would drop are never stored.
   */
  sampleMask?: number;
  /** Pieces to be told about by their characters (see `PieceWatch`). */
  watch?: PieceWatch;
}

/**
 * Lets a caller find words in the text being counted without scanning it again: the tokenizer
 * asks `wants` once per distinct piece (the answer is cached with the piece's count) and calls
 * `seen` with the text range of each piece, in order, that it wanted. Single ASCII characters,
 * which skip the cache, are wanted by `singles[code]`. Ranges index the counted text unless a
 * normalizer rewrote it, which the tokenizer reports with `inexact`.
 */
export interface PieceWatch {
  /** Tags its answers in the piece cache: a different watch (another marker list) asks again. A positive integer below 2^20. */
  readonly id: number;
  readonly singles: Uint8Array;
  wants(text: string, start: number, end: number): boolean;
  /** The tokenizer took the watch: it reports every wanted piece of this count. */
  begin(): void;
  seen(start: number, end: number): void;
  /** Ranges stopped matching the counted text (a normalizer changed it). */
  inexact(): void;
}

const SINK_BATCH = 1024;
/** Mixes a piece hash before sampling: FNV's low bits depend only on the characters' low bits. */
export const PIECE_SAMPLE_MIX = 0x9e3779b1 | 0;

/** Anything that can count tokens; estimates say so. */
export interface TokenCounter {
  readonly id: string;
  readonly title: string;
  /** False for estimates (no public tokenizer): every figure built on it must say so. */
  readonly exact: boolean;
  count(text: string, options?: CountOptions): number;
  /**
   * Counts `text` and, for each of the ascending character `positions`, the number of tokens
   * before it (a position inside a token is credited to that token's start). Returns the total.
   */
  countAt(text: string, positions: ArrayLike<number>, out: Int32Array | number[], options?: CountOptions, sink?: PieceSink): number;
}

const INF = 0x7fffffff;
/** Pieces up to this many UTF-16 units are cached; longer ones are rare and merged each time. */
const CACHE_MAX = 64;
/** A cached piece's count takes the low bits of its cache word (64 units are at most 192 tokens). */
const COUNT_BITS = 10;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
/** Pieces longer than this many bytes are merged with a heap instead of the quadratic scan. */
const HEAP_MIN = 128;

type Normalizer = (s: string) => string;

export class BpeTokenizer implements TokenCounter {
  readonly exact = true;
  readonly kind: VocabData['kind'];
  readonly source: string;
  readonly vocabSize: number;
  private readonly bytes: Uint8Array;
  private readonly offsets: Uint32Array;
  private readonly ignoreMerges: boolean;
  // Vocabulary: byte string → id.
  private readonly vSlots: Int32Array;
  private readonly vHash: Int32Array;
  private readonly vMask: number;
  // HF merges: (left id, right id) → priority and merged id.
  private readonly pLeft: Int32Array;
  private readonly pRight: Int32Array;
  private readonly pRank: Int32Array;
  private readonly pResult: Int32Array;
  private readonly pMask: number;
  /** Whether the lookup tables came from the cache (see `tableCache.ts`) rather than being built. */
  readonly tablesFromCache: boolean;
  private readonly byteToken = new Int32Array(256);
  private readonly pre: PretokenizerSpec;
  private readonly fastStage: SplitStage | undefined;
  private readonly normalizer: Normalizer | undefined;
  private readonly rawAll: AddedMatcher | undefined;
  private readonly rawNonSpecial: AddedMatcher | undefined;
  private readonly normAll: AddedMatcher | undefined;
  private readonly normNonSpecial: AddedMatcher | undefined;
  readonly added: readonly AddedToken[];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly cache = new PieceCache();

  // Scratch for merging.
  private buf = new Uint8Array(256);
  private starts = new Int32Array(257);
  private ranks = new Int32Array(257);
  private ids = new Int32Array(257);

  // State of the running count (fields rather than closures keep the hot loop monomorphic).
  private total = 0;
  private positions: ArrayLike<number> | null = null;
  private posOut: Int32Array | number[] | null = null;
  private posIndex = 0;
  /** The next position to report (INF when none), so the hot loop tests one number per piece. */
  private posNext = INF;
  private posBase = 0;
  private idsOut: number[] | null = null;
  private sink: PieceSink | null = null;
  private sinkMask = 0;
  private watch: PieceWatch | null = null;
  private watchSingles: Uint8Array | null = null;
  private readonly sinkHashes = new Int32Array(SINK_BATCH);
  private sinkCount = 0;
  private readonly stageLists: PieceList[] = [];
  /** The first two stages split by hand, when both are one character class repeated (DeepSeek-V3). */
  private readonly firstPair: ClassRunPair | undefined;

  constructor(readonly id: string, readonly title: string, v: VocabData) {
    this.kind = v.kind;
    this.source = v.source;
    this.bytes = v.bytes;
    this.offsets = v.offsets;
    this.ignoreMerges = v.ignoreMerges;
    this.added = v.added;
    const n = v.offsets.length - 1;
    this.vocabSize = n;

    const tables = v.tables && tablesHold(v.tables, v) ? v.tables : buildTables(v);
    this.tablesFromCache = tables === v.tables;
    this.vSlots = tables.vSlots;
    this.vHash = tables.vHash;
    this.vMask = tables.vSlots.length - 1;
    this.pLeft = tables.pLeft;
    this.pRight = tables.pRight;
    this.pRank = tables.pRank;
    this.pResult = tables.pResult;
    this.pMask = tables.pLeft.length - 1;
    for (let b = 0; b < 256; b++) {
      this.buf[0] = b;
      this.byteToken[b] = this.lookup(this.buf, 0, 1);
    }
    if (v.kind === 'hf') {
      for (let b = 0; b < 256; b++) {
        if (this.byteToken[b] < 0) throw new UnsupportedTokenizerError(`${v.source}: byte ${b} has no token; not a byte-level vocabulary.`);
      }
    }

    this.pre =
      v.pretokenizer.type === 'pattern'
        ? singlePattern(v.pretokenizer.name === 'o200k' ? O200K_PATTERN : CL100K_PATTERN, false)
        : fromHfPretokenizer(v.pretokenizer.spec);
    const only = this.pre.stages.length === 1 ? this.pre.stages[0] : undefined;
    this.fastStage = only && only.behavior === 'isolated' && !only.invert ? only : undefined;
    this.firstPair = ClassRunPair.of(this.pre.stages[0], this.pre.stages[1]);
    this.normalizer = buildNormalizer(v.normalizer);

    for (const t of v.added) this.addedById.set(t.id, t);
    // Without a normalizer both kinds of added token are matched on the raw text in one pass.
    const rawTokens = this.normalizer ? v.added.filter((t) => !t.normalized) : v.added;
    const normTokens = this.normalizer ? v.added.filter((t) => t.normalized) : [];
    this.rawAll = AddedMatcher.of(rawTokens);
    this.rawNonSpecial = AddedMatcher.of(rawTokens.filter((t) => !t.special));
    this.normAll = AddedMatcher.of(normTokens);
    this.normNonSpecial = AddedMatcher.of(normTokens.filter((t) => !t.special));
  }

  /** The lookup tables, for the cache to store (see `tableCache.ts`). Not to be modified. */
  tables(): BpeTables {
    return { vSlots: this.vSlots, vHash: this.vHash, pLeft: this.pLeft, pRight: this.pRight, pRank: this.pRank, pResult: this.pResult };
  }

  // -------------------------------------------------------------------------------------------
  // Public API

  count(text: string, options?: CountOptions): number {
    this.begin(null, null, null);
    this.run(text, options);
    return this.total;
  }

  countAt(text: string, positions: ArrayLike<number>, out: Int32Array | number[], options?: CountOptions, sink?: PieceSink): number {
    this.begin(positions.length > 0 ? positions : null, out, null);
    this.sink = sink?.addHashes ? sink : null;
    this.sinkMask = sink?.sampleMask ?? 0;
    this.watch = sink?.watch ?? null;
    this.watchSingles = this.watch?.singles ?? null;
    this.watch?.begin();
    this.sinkCount = 0;
    try {
      this.run(text, options);
      if (this.sinkCount > 0) this.sink?.addHashes!(this.sinkHashes, this.sinkCount);
    } finally {
      this.sink = null;
      this.watch = null;
      this.watchSingles = null;
    }
    this.flushPositions(Number.POSITIVE_INFINITY);
    this.positions = null;
    this.posOut = null;
    return this.total;
  }

  encode(text: string, options?: CountOptions): number[] {
    const ids: number[] = [];
    this.begin(null, null, ids);
    this.run(text, options);
    this.idsOut = null;
    return ids;
  }

  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const id of ids) {
      const added = this.addedById.get(id);
      let b: Uint8Array;
      if (added) b = Buffer.from(added.content, 'utf8');
      else if (id >= 0 && id < this.vocabSize) b = this.bytes.subarray(this.offsets[id], this.offsets[id + 1]);
      else throw new RangeError(`token id ${id} is not in ${this.id}`);
      parts.push(b);
      size += b.length;
    }
    const all = new Uint8Array(size);
    let p = 0;
    for (const b of parts) {
      all.set(b, p);
      p += b.length;
    }
    return new TextDecoder().decode(all);
  }

  /** The id of a token's exact byte string, or -1. */
  tokenId(text: string): number {
    const b = Buffer.from(text, 'utf8');
    return this.lookup(b, 0, b.length);
  }

  get cachedPieces(): number {
    return this.cache.entries;
  }

  // -------------------------------------------------------------------------------------------
  // Driver: added tokens → normalizer → pre-tokenizer → pieces

  private begin(positions: ArrayLike<number> | null, out: Int32Array | number[] | null, ids: number[] | null): void {
    this.total = 0;
    this.positions = positions;
    this.posOut = out;
    this.posIndex = 0;
    this.posNext = positions !== null && positions.length > 0 ? positions[0] : INF;
    this.posBase = 0;
    this.idsOut = ids;
  }

  private run(text: string, options?: CountOptions): void {
    const asText = options?.specials === 'text';
    const raw = asText ? this.rawNonSpecial : this.rawAll;
    this.splitAdded(text, raw, asText, true);
  }

  /** Cuts out added tokens; `rawStage` says whether the normalizer still has to run. */
  private splitAdded(text: string, matcher: AddedMatcher | undefined, asText: boolean, rawStage: boolean, base = 0): void {
    let from = 0;
    if (matcher) {
      for (;;) {
        const m = matcher.find(text, from);
        if (!m) break;
        if (m.start > from) this.segment(text.slice(from, m.start), asText, rawStage, base + from);
        if (this.watch !== null && this.watch.wants(text, m.start, m.end)) this.watch.seen(base + m.start, base + m.end);
        this.flushPositions(base + m.end);
        this.total++;
        if (this.idsOut) this.idsOut.push(m.token.id);
        from = m.end;
      }
    }
    if (from === 0) this.segment(text, asText, rawStage, base);
    else if (from < text.length) this.segment(text.slice(from), asText, rawStage, base + from);
  }

  private segment(text: string, asText: boolean, rawStage: boolean, base: number): void {
    if (rawStage && this.normalizer) {
      const normalized = this.normalizer(text);
      if (this.watch !== null && normalized !== text) this.watch.inexact();
      const matcher = asText ? this.normNonSpecial : this.normAll;
      // Positions inside text the normalizer changed are approximate (they index the original).
      if (matcher) {
        this.splitAdded(normalized, matcher, asText, false, base);
        return;
      }
      text = normalized;
    }
    this.posBase = base;
    if (this.fastStage) this.scan(this.fastStage, text, 0, text.length);
    else this.stages(text, 0, text.length, 0, base);
  }

  private stages(text: string, start: number, end: number, k: number, base: number): void {
    const stage = this.pre.stages[k];
    if (!stage) {
      // No (further) pre-tokenizer: the whole range is one piece.
      this.posBase = base;
      this.flushPositions(base + end);
      this.piece(text, start, end);
      return;
    }
    if (k === this.pre.stages.length - 1 && stage.behavior === 'isolated' && !stage.invert) {
      this.scanRange(stage, text, start, end, base);
      return;
    }
    // Each stage has its own list: the stages below overwrite theirs while this one is walked.
    const list = (this.stageLists[k] ??= new PieceList());
    let next = k + 1;
    // The hand-written pair does stages 0 and 1 at once.
    if (k === 0 && this.firstPair?.split(text, start, end, list)) next = 2;
    else splitRangeInto(stage, text, start, end, list);
    const n = list.n;
    const pieces = list.a;
    for (let p = 0; p < n; p += 2) this.stages(text, pieces[p], pieces[p + 1], next, base);
  }

  /** Scans `text[start, end)` as if it were the whole input: in place when the pattern allows, else on a slice. */
  private scanRange(stage: SplitStage, text: string, start: number, end: number, base: number): void {
    if (start === 0 && end === text.length) {
      this.posBase = base;
      this.scan(stage, text, 0, end);
      return;
    }
    if (stage.boundedSafe && !isWhiteSpace(text.charCodeAt(end - 1))) {
      this.posBase = base;
      const crossed = this.scan(stage, text, start, end);
      if (crossed < 0) return;
      start = crossed;
    }
    const sub = text.slice(start, end);
    this.posBase = base + start;
    this.scan(stage, sub, 0, sub.length);
  }

  /**
   * The hot loop: sticky regex `test` finds each piece's end without allocating a match; runs of
   * characters the pattern does not match form one piece, as Hugging Face's Isolated split does.
   * Returns -1, or the position of a match that ran past `end` (the caller rescans from there).
   */
  private scan(stage: SplitStage, text: string, start: number, end: number): number {
    const re = stage.regex;
    let i = start;
    while (i < end) {
      re.lastIndex = i;
      let j: number;
      if (re.test(text)) {
        j = re.lastIndex;
        if (j > end) return i;
      } else {
        j = i + cpLength(text, i);
        for (; j < end; j += cpLength(text, j)) {
          re.lastIndex = j;
          if (re.test(text)) {
            // A match that only exists beyond the range says nothing about the range itself.
            if (re.lastIndex > end) return i;
            break;
          }
        }
      }
      // Positions inside this piece are credited to its start.
      if (this.posNext < this.posBase + j) this.flushPositions(this.posBase + j);
      this.piece(text, i, j);
      i = j;
    }
    return -1;
  }

  private flushPositions(upTo: number): void {
    const pos = this.positions;
    if (pos === null) return;
    const out = this.posOut!;
    while (this.posIndex < pos.length && pos[this.posIndex] < upTo) out[this.posIndex++] = this.total;
    this.posNext = this.posIndex < pos.length ? pos[this.posIndex] : INF;
  }

  private piece(text: string, s: number, e: number): void {
    if (this.idsOut !== null) {
      this.encodePiece(text, s, e, this.idsOut);
      return;
    }
    const len = e - s;
    if (len === 1 && text.charCodeAt(s) < 0x80) {
      this.total++;
      if (this.watchSingles !== null && this.watchSingles[text.charCodeAt(s)] === 1) this.watch!.seen(this.posBase + s, this.posBase + e);
      return;
    }
    if (len <= CACHE_MAX) {
      const h = hashChars(text, s, e);
      if (this.sink !== null && (Math.imul(h, PIECE_SAMPLE_MIX) & this.sinkMask) === 0) this.sinkHash(h);
      // The cached word is the count, and above it a watch's answer for these characters.
      const hit = this.cache.get(text, s, e, h);
      if (hit >= 0) {
        this.total += hit & COUNT_MASK;
        if (this.watch !== null) {
          const tag = hit >>> COUNT_BITS;
          if (tag >>> 1 !== this.watch.id) this.watchAsk(text, s, e, h, hit & COUNT_MASK);
          else if ((tag & 1) !== 0) this.watch.seen(this.posBase + s, this.posBase + e);
        }
        return;
      }
      const n = this.utf8(text, s, e);
      const c = this.countBytes(n);
      this.cache.set(text, s, e, h, c);
      this.total += c;
      if (this.watch !== null) this.watchAsk(text, s, e, h, c);
      return;
    }
    if (this.sink !== null) {
      const h = hashChars(text, s, e);
      if ((Math.imul(h, PIECE_SAMPLE_MIX) & this.sinkMask) === 0) this.sinkHash(h);
    }
    this.total += this.countBytes(this.utf8(text, s, e));
    if (this.watch !== null && this.watch.wants(text, s, e)) this.watch.seen(this.posBase + s, this.posBase + e);
  }

  /** A watched piece whose cached answer is missing or another watch's: asks, and keeps the answer beside the count. */
  private watchAsk(text: string, s: number, e: number, h: number, count: number): void {
    const watch = this.watch!;
    const wanted = watch.wants(text, s, e);
    this.cache.update(text, s, e, h, count | (((watch.id << 1) | (wanted ? 1 : 0)) << COUNT_BITS));
    if (wanted) watch.seen(this.posBase + s, this.posBase + e);
  }

  /** Stores a hash for the sink (the caller has checked it is in the sink's sample). */
  private sinkHash(h: number): void {
    this.sinkHashes[this.sinkCount++] = h;
    if (this.sinkCount === SINK_BATCH) {
      this.sink!.addHashes!(this.sinkHashes, SINK_BATCH);
      this.sinkCount = 0;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Byte-pair merging

  private countBytes(n: number): number {
    if (n <= 1) return n;
    if (this.ignoreMerges && this.lookup(this.buf, 0, n) >= 0) return 1;
    if (n >= HEAP_MIN) return this.heapMerge(n, null);
    return this.kind === 'tiktoken' ? this.mergeTiktoken(n) : this.mergeHf(n);
  }

  private encodePiece(text: string, s: number, e: number, out: number[]): void {
    const n = this.utf8(text, s, e);
    this.total += this.encodeBytes(n, out);
  }

  private encodeBytes(n: number, out: number[]): number {
    if (n === 0) return 0;
    if (this.ignoreMerges) {
      const whole = this.lookup(this.buf, 0, n);
      if (whole >= 0) {
        out.push(whole);
        return 1;
      }
    }
    if (n >= HEAP_MIN) return this.heapMerge(n, out);
    if (this.kind === 'tiktoken') {
      const parts = this.mergeTiktoken(n);
      for (let k = 0; k < parts; k++) out.push(this.lookup(this.buf, this.starts[k], this.starts[k + 1]));
      return parts;
    }
    const parts = this.mergeHf(n);
    for (let k = 0; k < parts; k++) out.push(this.ids[k]);
    return parts;
  }

  /** tiktoken's `_byte_pair_merge`; leaves the part boundaries in `starts`, returns the part count. */
  private mergeTiktoken(n: number): number {
    const buf = this.buf;
    const starts = this.starts;
    const ranks = this.ranks;
    for (let i = 0; i < n - 1; i++) {
      starts[i] = i;
      ranks[i] = this.rankOf(buf, i, i + 2);
    }
    starts[n - 1] = n - 1;
    ranks[n - 1] = INF;
    starts[n] = n;
    ranks[n] = INF;
    let len = n + 1;
    for (;;) {
      let min = INF;
      let at = -1;
      for (let i = 0; i < len - 1; i++) {
        if (ranks[i] < min) {
          min = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      if (at > 0) ranks[at - 1] = at + 2 < len ? this.rankOf(buf, starts[at - 1], starts[at + 2]) : INF;
      ranks[at] = at + 3 < len ? this.rankOf(buf, starts[at], starts[at + 3]) : INF;
      starts.copyWithin(at + 1, at + 2, len);
      ranks.copyWithin(at + 1, at + 2, len);
      len--;
    }
    return len - 1;
  }

  private rankOf(buf: Uint8Array, s: number, e: number): number {
    const id = this.lookup(buf, s, e);
    return id < 0 ? INF : id;
  }

  /** Hugging Face BPE word merge (lowest merge rank first, leftmost on ties); ids left in `ids`. */
  private mergeHf(n: number): number {
    const ids = this.ids;
    const ranks = this.ranks;
    const buf = this.buf;
    for (let i = 0; i < n; i++) ids[i] = this.byteToken[buf[i]];
    for (let i = 0; i < n - 1; i++) ranks[i] = this.pairRank(ids[i], ids[i + 1]);
    ranks[n - 1] = INF;
    let len = n;
    for (;;) {
      let min = INF;
      let at = -1;
      for (let i = 0; i < len - 1; i++) {
        if (ranks[i] < min) {
          min = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      ids[at] = this.pResult[this.findPair(ids[at], ids[at + 1])];
      ids.copyWithin(at + 1, at + 2, len);
      ranks.copyWithin(at + 1, at + 2, len);
      len--;
      ranks[len - 1] = INF;
      if (at < len - 1) ranks[at] = this.pairRank(ids[at], ids[at + 1]);
      if (at > 0) ranks[at - 1] = this.pairRank(ids[at - 1], ids[at]);
    }
    return len;
  }

  private findPair(a: number, b: number): number {
    let i = pairHash(a, b) & this.pMask;
    for (;;) {
      const l = this.pLeft[i];
      if (l === -1) return -1;
      if (l === a && this.pRight[i] === b) return i;
      i = (i + 1) & this.pMask;
    }
  }

  private pairRank(a: number, b: number): number {
    const k = this.findPair(a, b);
    return k < 0 ? INF : this.pRank[k];
  }

  /**
   * The same merges for long pieces (long whitespace or symbol runs), in O(n log n): a linked
   * list of parts and a heap of candidate pairs ordered by (priority, position), with stale
   * entries skipped when popped.
   */
  private heapMerge(n: number, out: number[] | null): number {
    const buf = this.buf;
    const tik = this.kind === 'tiktoken';
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const id = new Int32Array(n);
    const alive = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      start[i] = i;
      end[i] = i + 1;
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      id[i] = tik ? buf[i] : this.byteToken[buf[i]];
      alive[i] = 1;
    }
    const heap = new MinHeap();
    const candidate = (l: number): void => {
      const r = next[l];
      if (r < 0) return;
      let rank: number;
      let result: number;
      if (tik) {
        result = this.lookup(buf, start[l], end[r]);
        rank = result;
      } else {
        const k = this.findPair(id[l], id[r]);
        rank = k < 0 ? -1 : this.pRank[k];
        result = k < 0 ? -1 : this.pResult[k];
      }
      if (rank >= 0) heap.push(rank, start[l], l, end[r], result);
    };
    for (let i = 0; i < n - 1; i++) candidate(i);
    let parts = n;
    while (heap.size > 0) {
      heap.pop();
      const l = heap.topLeft;
      const r = alive[l] ? next[l] : -1;
      if (r < 0 || !alive[r] || end[r] !== heap.topEnd || start[l] !== heap.topPos) continue;
      end[l] = end[r];
      id[l] = heap.topResult;
      alive[r] = 0;
      next[l] = next[r];
      if (next[r] >= 0) prev[next[r]] = l;
      parts--;
      if (prev[l] >= 0) candidate(prev[l]);
      candidate(l);
    }
    if (out) {
      for (let i = 0; i >= 0; i = next[i]) out.push(tik ? this.lookup(buf, start[i], end[i]) : id[i]);
    }
    return parts;
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private lookup(buf: Uint8Array, s: number, e: number): number {
    const h = hashBytes(buf, s, e);
    let i = h & this.vMask;
    for (;;) {
      const slot = this.vSlots[i];
      if (slot === 0) return -1;
      if (this.vHash[i] === h && this.sameBytes(slot - 1, buf, s, e)) return slot - 1;
      i = (i + 1) & this.vMask;
    }
  }

  private sameBytes(t: number, buf: Uint8Array, s: number, e: number): boolean {
    const o = this.offsets[t];
    if (this.offsets[t + 1] - o !== e - s) return false;
    const bytes = this.bytes;
    for (let k = 0; k < e - s; k++) if (bytes[o + k] !== buf[s + k]) return false;
    return true;
  }

  /** UTF-8 of `text[s, e)` into the scratch buffer (lone surrogates become U+FFFD); returns its length. */
  private utf8(text: string, s: number, e: number): number {
    if ((e - s) * 3 > this.buf.length) this.grow((e - s) * 3);
    const buf = this.buf;
    let n = 0;
    for (let i = s; i < e; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) buf[n++] = c;
      else if (c < 0x800) {
        buf[n++] = 0xc0 | (c >> 6);
        buf[n++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < e ? text.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            buf[n++] = 0xf0 | (c >> 18);
            buf[n++] = 0x80 | ((c >> 12) & 63);
            buf[n++] = 0x80 | ((c >> 6) & 63);
            buf[n++] = 0x80 | (c & 63);
            continue;
          }
          c = 0xfffd;
        }
        buf[n++] = 0xe0 | (c >> 12);
        buf[n++] = 0x80 | ((c >> 6) & 63);
        buf[n++] = 0x80 | (c & 63);
      }
    }
    return n;
  }

  private grow(bytes: number): void {
    const size = nextPow2(bytes + 1);
    this.buf = new Uint8Array(size);
    this.starts = new Int32Array(size + 1);
    this.ranks = new Int32Array(size + 1);
    this.ids = new Int32Array(size + 1);
  }
}

function cpLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h ^ (h >>> 15);
}

function pairHash(a: number, b: number): number {
  const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  return h ^ (h >>> 16);
}

function sameToken(bytes: Uint8Array, offsets: Uint32Array, t: number, buf: Uint8Array, s: number, e: number): boolean {
  const o = offsets[t];
  if (offsets[t + 1] - o !== e - s) return false;
  for (let k = 0; k < e - s; k++) if (bytes[o + k] !== buf[s + k]) return false;
  return true;
}

/**
 * Identifies how the tables are laid out: the hash functions' values on fixed input, and a
 * version to bump when the layout changes otherwise. A cached table with another layout is rebuilt.
 */
export const TABLE_LAYOUT = `1:${hashBytes(Uint8Array.from([0, 1, 127, 128, 255]), 0, 5)}:${pairHash(123457, 98765)}`;

function buildTables(v: VocabData): BpeTables {
  const n = v.offsets.length - 1;
  const vSize = nextPow2(n * 2);
  const vSlots = new Int32Array(vSize);
  const vHash = new Int32Array(vSize);
  const vMask = vSize - 1;
  for (let t = 0; t < n; t++) {
    const s = v.offsets[t];
    const e = v.offsets[t + 1];
    if (e === s) continue;
    const h = hashBytes(v.bytes, s, e);
    let i = h & vMask;
    let dup = false;
    while (vSlots[i] !== 0) {
      if (vHash[i] === h && sameToken(v.bytes, v.offsets, vSlots[i] - 1, v.bytes, s, e)) {
        dup = true;
        break;
      }
      i = (i + 1) & vMask;
    }
    // Duplicate byte strings keep the first (lowest) id, as the reference tokenizers do.
    if (dup) continue;
    vSlots[i] = t + 1;
    vHash[i] = h;
  }

  const m = v.mergeLeft.length;
  const pSize = nextPow2(Math.max(2, m * 2));
  const pLeft = new Int32Array(pSize).fill(-1);
  const pRight = new Int32Array(pSize);
  const pRank = new Int32Array(pSize);
  const pResult = new Int32Array(pSize);
  const pMask = pSize - 1;
  for (let r = 0; r < m; r++) {
    const a = v.mergeLeft[r];
    const b = v.mergeRight[r];
    let i = pairHash(a, b) & pMask;
    let dup = false;
    while (pLeft[i] !== -1) {
      if (pLeft[i] === a && pRight[i] === b) {
        dup = true;
        break;
      }
      i = (i + 1) & pMask;
    }
    if (dup) continue;
    pLeft[i] = a;
    pRight[i] = b;
    pRank[i] = r;
    pResult[i] = v.mergeResult[r];
  }
  return { vSlots, vHash, pLeft, pRight, pRank, pResult };
}

/**
 * Whether tables handed in (from the cache) fit this vocabulary: their sizes, and a sample of
 * their entries re-hashed and found again by probing. A cache written by another version of the
 * hashing, or for other data, fails this and is rebuilt rather than miscounting.
 */
function tablesHold(t: BpeTables, v: VocabData): boolean {
  const n = v.offsets.length - 1;
  const vSize = t.vSlots.length;
  const pSize = t.pLeft.length;
  if (vSize !== nextPow2(n * 2) || t.vHash.length !== vSize) return false;
  if (pSize < 2 || (pSize & (pSize - 1)) !== 0 || t.pRight.length !== pSize || t.pRank.length !== pSize || t.pResult.length !== pSize) return false;
  if (v.mergeLeft.length > 0 && pSize !== nextPow2(v.mergeLeft.length * 2)) return false;
  const SAMPLES = 256;
  let seen = 0;
  for (let k = 0; k < SAMPLES; k++) {
    let i = Math.floor((k * vSize) / SAMPLES);
    while (i < vSize && t.vSlots[i] === 0) i++;
    if (i === vSize) break;
    const id = t.vSlots[i] - 1;
    if (id >= n || v.offsets[id + 1] === v.offsets[id]) return false;
    const h = hashBytes(v.bytes, v.offsets[id], v.offsets[id + 1]);
    if (t.vHash[i] !== h) return false;
    let j = h & (vSize - 1);
    while (j !== i) {
      if (t.vSlots[j] === 0) return false;
      j = (j + 1) & (vSize - 1);
    }
    seen++;
  }
  if (n > 0 && seen === 0) return false;
  for (let k = 0; k < SAMPLES; k++) {
    let i = Math.floor((k * pSize) / SAMPLES);
    while (i < pSize && t.pLeft[i] === -1) i++;
    if (i === pSize) break;
    if (t.pLeft[i] < 0 || t.pLeft[i] >= n || t.pRight[i] < 0 || t.pRight[i] >= n || t.pResult[i] < 0 || t.pResult[i] >= n || t.pRank[i] < 0) return false;
    let j = pairHash(t.pLeft[i], t.pRight[i]) & (pSize - 1);
    while (j !== i) {
      if (t.pLeft[j] === -1) return false;
      j = (j + 1) & (pSize - 1);
    }
  }
  return true;
}

/** Binary heap of merge candidates ordered by (rank, position). */
class MinHeap {
  private rank: number[] = [];
  private pos: number[] = [];
  private left: number[] = [];
  private end: number[] = [];
  private result: number[] = [];
  size = 0;
  topLeft = 0;
  topPos = 0;
  topEnd = 0;
  topResult = 0;

  push(rank: number, pos: number, left: number, end: number, result: number): void {
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.rank[p] < rank || (this.rank[p] === rank && this.pos[p] <= pos)) break;
      this.set(i, p);
      i = p;
    }
    this.rank[i] = rank;
    this.pos[i] = pos;
    this.left[i] = left;
    this.end[i] = end;
    this.result[i] = result;
  }

  pop(): void {
    this.topLeft = this.left[0];
    this.topPos = this.pos[0];
    this.topEnd = this.end[0];
    this.topResult = this.result[0];
    const last = --this.size;
    if (last === 0) return;
    const rank = this.rank[last];
    const pos = this.pos[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && (this.rank[c + 1] < this.rank[c] || (this.rank[c + 1] === this.rank[c] && this.pos[c + 1] < this.pos[c]))) c++;
      if (rank < this.rank[c] || (rank === this.rank[c] && pos <= this.pos[c])) break;
      this.set(i, c);
      i = c;
    }
    this.set(i, last);
  }

  private set(i: number, j: number): void {
    this.rank[i] = this.rank[j];
    this.pos[i] = this.pos[j];
    this.left[i] = this.left[j];
    this.end[i] = this.end[j];
    this.result[i] = this.result[j];
  }
}

/** Finds added tokens in text: leftmost match, longest at that position (Hugging Face's rule). */
class AddedMatcher {
  private readonly buckets = new Map<string, { lengths: number[]; tokens: Map<string, AddedToken> }>();
  private readonly firstChars: string;
  private readonly finder: RegExp | undefined;

  private constructor(tokens: readonly AddedToken[]) {
    const firsts = new Set<string>();
    for (const t of tokens) {
      if (t.content === '') continue;
      const key = t.content.slice(0, 2);
      firsts.add(t.content[0]);
      let b = this.buckets.get(key);
      if (!b) this.buckets.set(key, (b = { lengths: [], tokens: new Map() }));
      if (!b.tokens.has(t.content)) b.tokens.set(t.content, t);
      if (!b.lengths.includes(t.content.length)) b.lengths.push(t.content.length);
    }
    for (const b of this.buckets.values()) b.lengths.sort((x, y) => y - x);
    this.firstChars = [...firsts].join('');
    this.finder = this.firstChars.length > 1 ? new RegExp(`[${[...firsts].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`, 'g') : undefined;
  }

  static of(tokens: readonly AddedToken[]): AddedMatcher | undefined {
    return tokens.length > 0 ? new AddedMatcher(tokens) : undefined;
  }

  find(text: string, from: number): { start: number; end: number; token: AddedToken } | undefined {
    let pos = from;
    for (;;) {
      if (this.finder) {
        this.finder.lastIndex = pos;
        const m = this.finder.exec(text);
        if (!m) return undefined;
        pos = m.index;
      } else {
        pos = text.indexOf(this.firstChars, pos);
        if (pos < 0) return undefined;
      }
      const hit = this.at(text, pos);
      if (hit) {
        let start = pos;
        let end = pos + hit.content.length;
        if (hit.singleWord && (isWordChar(text, start - 1) || isWordChar(text, end))) {
          pos++;
          continue;
        }
        if (hit.lstrip) while (start > from && isSpace(text.charCodeAt(start - 1))) start--;
        if (hit.rstrip) while (end < text.length && isSpace(text.charCodeAt(end))) end++;
        return { start, end, token: hit };
      }
      pos++;
    }
  }

  private at(text: string, pos: number): AddedToken | undefined {
    for (const key of [text.substr(pos, 2), text[pos]]) {
      const b = this.buckets.get(key);
      if (!b) continue;
      for (const len of b.lengths) {
        const t = b.tokens.get(text.substr(pos, len));
        if (t) return t;
      }
    }
    return undefined;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  return /[\p{L}\p{N}_]/u.test(text[i]);
}

/** Hugging Face normalizers that byte-level BPE tokenizers use. */
function buildNormalizer(spec: unknown): Normalizer | undefined {
  if (spec === null || spec === undefined) return undefined;
  const n = spec as Record<string, unknown>;
  switch (n.type) {
    case 'Sequence': {
      const parts = ((n.normalizers as unknown[]) ?? []).map(buildNormalizer).filter((f): f is Normalizer => !!f);
      if (parts.length === 0) return undefined;
      if (parts.length === 1) return parts[0];
      return (s) => parts.reduce((acc, f) => f(acc), s);
    }
    case 'NFC':
      // Text below U+0300 is already in NFC and cannot compose, so most text skips ICU entirely.
      return (s) => (NON_TRIVIAL_NFC.test(s) ? s.normalize('NFC') : s);
    case 'NFD':
      return (s) => s.normalize('NFD');
    case 'NFKC':
      return (s) => s.normalize('NFKC');
    case 'NFKD':
      return (s) => s.normalize('NFKD');
    case 'Lowercase':
      return (s) => s.toLowerCase();
    case 'Strip':
      return (s) => (n.left !== false ? s.replace(/^\s+/u, '') : s).replace(n.right !== false ? /\s+$/u : /$^/, '');
    case 'Replace': {
      const pat = n.pattern as { String?: string; Regex?: string };
      const content = String(n.content ?? '');
      if (pat.String !== undefined) return (s) => s.split(pat.String!).join(content);
      if (pat.Regex !== undefined) {
        const re = new RegExp(pat.Regex, 'gu');
        return (s) => s.replace(re, content);
      }
      return undefined;
    }
    default:
      throw new UnsupportedTokenizerError(`Normalizer type '${String(n.type)}' is not supported.`);
  }
}

const NON_TRIVIAL_NFC = /[^\u0000-\u02ff]/;
