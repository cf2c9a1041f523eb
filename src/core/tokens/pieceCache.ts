/**
 * Token counts of pre-tokenized pieces, keyed by the piece's characters. Natural text repeats a
 * few tens of thousands of pieces ("the", " answer", "\n\n"), so after warm-up nearly every piece
 * is a hit and byte-pair merging is skipped.
 *
 * A plain `Map<string, number>` would need a substring per piece (an allocation plus V8 hashing
 * it); this table hashes the characters in place and compares them against its own pool, which
 * is what makes the count-only path faster than the reference tokenizers. Bounded: when full it
 * is cleared and refills with what the text uses now.
 */
export class PieceCache {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private starts: Int32Array;
  private lengths: Int32Array;
  private values: Int32Array;
  private pool: Uint16Array;
  private poolUsed = 0;
  private size = 0;

  constructor(private readonly maxEntries = 1 << 19, private readonly maxPool = 1 << 23) {
    const slots = nextPow2(maxEntries * 2);
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(maxEntries);
    this.starts = new Int32Array(maxEntries);
    this.lengths = new Int32Array(maxEntries);
    this.values = new Int32Array(maxEntries);
    this.pool = new Uint16Array(Math.min(maxPool, 1 << 16));
  }

  /** The value cached for `text[start, end)` whose hash is `h`, or -1. Values are non-negative. */
  get(text: string, start: number, end: number, h: number): number {
    const e = this.find(text, start, end, h);
    return e < 0 ? -1 : this.values[e];
  }

  /** Replaces the value of a cached piece (a no-op when it is not cached). */
  update(text: string, start: number, end: number, h: number, value: number): void {
    const e = this.find(text, start, end, h);
    if (e >= 0) this.values[e] = value;
  }

  /** The entry holding `text[start, end)` (hash `h`), or -1. */
  private find(text: string, start: number, end: number, h: number): number {
    const len = end - start;
    let i = h & this.mask;
    for (;;) {
      const slot = this.slots[i];
      if (slot === 0) return -1;
      const e = slot - 1;
      if (this.hashes[e] === h && this.lengths[e] === len) {
        const p = this.starts[e];
        const pool = this.pool;
        let k = 0;
        while (k < len && pool[p + k] === text.charCodeAt(start + k)) k++;
        if (k === len) return e;
      }
      i = (i + 1) & this.mask;
    }
  }

  set(text: string, start: number, end: number, h: number, value: number): void {
    const len = end - start;
    if (this.size >= this.maxEntries || this.poolUsed + len > this.maxPool) this.clear();
    if (this.poolUsed + len > this.pool.length) {
      const grown = new Uint16Array(Math.min(this.maxPool, Math.max(this.pool.length * 2, this.poolUsed + len)));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    const e = this.size++;
    const p = this.poolUsed;
    for (let k = 0; k < len; k++) this.pool[p + k] = text.charCodeAt(start + k);
    this.poolUsed += len;
    this.hashes[e] = h;
    this.starts[e] = p;
    this.lengths[e] = len;
    this.values[e] = value;
    let i = h & this.mask;
    while (this.slots[i] !== 0) i = (i + 1) & this.mask;
    this.slots[i] = e + 1;
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
    this.poolUsed = 0;
  }

  get entries(): number {
    return this.size;
  }
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FNV-1a over UTF-16 code units: cheap, and good enough to spread short pieces over the table. */
export function hashChars(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}
