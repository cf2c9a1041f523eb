/**
 * The hot-loop random numbers of the test-time estimators: xoshiro128** with one 32-bit draw
 * per index (the bootstrap draws ten million of them), seeded through splitmix32 like the
 * fitting engine's generator so nearby seeds give unrelated streams. Deterministic everywhere.
 */
export class FastRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let t = x ^ (x >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  next32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /**
   * Uniform integer on [0, n) by multiply-shift; the bias is below n / 2^32, far under what a
   * bootstrap over n ≤ a few million problems can show.
   */
  int(n: number): number {
    return Math.floor((this.next32() * n) / 4294967296);
  }

  /** Uniform on [0, 1), 53 bits. */
  next(): number {
    return ((this.next32() >>> 5) * 67108864 + (this.next32() >>> 6)) / 9007199254740992;
  }
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/** A seed for a sub-stream (per problem, per estimator), so results do not depend on call order. */
export function subSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 0x632be5ab, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
