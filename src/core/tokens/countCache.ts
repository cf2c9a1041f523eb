import type { CountOptions, TokenCounter } from './bpe';

/**
 * Whole-text counts keyed by a content hash, so re-analysing an edited trace file only counts
 * the records that changed. The key is (tokenizer, specials mode, 53-bit hash, length): two
 * different texts colliding on all of these is vanishingly unlikely at the sizes we see
 * (millions of records), and a collision costs one wrong count, not a crash.
 */
export class CountCache {
  private readonly map = new Map<string, number>();
  hits = 0;
  misses = 0;

  /** Texts shorter than `minLength` are counted directly: hashing and keying them costs more than counting. */
  constructor(private readonly maxEntries = 200_000, private readonly minLength = 1024) {}

  count(counter: TokenCounter, text: string, options?: CountOptions): number {
    if (text.length < this.minLength) return counter.count(text, options);
    const key = `${counter.id}\u0000${options?.specials ?? 'tokens'}\u0000${contentHash(text)}\u0000${text.length}`;
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const n = counter.count(text, options);
    if (this.map.size >= this.maxEntries) {
      // Oldest first: Map iterates in insertion order.
      const drop = this.maxEntries >> 3;
      let i = 0;
      for (const k of this.map.keys()) {
        if (i++ >= drop) break;
        this.map.delete(k);
      }
    }
    this.map.set(key, n);
    return n;
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** cyrb53: a fast 53-bit string hash (public domain, bryc). */
export function contentHash(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
