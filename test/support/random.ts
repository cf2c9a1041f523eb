/**
 * A seeded integer source for randomized tests: `rand(n)` is uniform in [0, n). mulberry32, whose
 * low bits are as good as its high ones (a plain LCG's low bits cycle too short for `% n`).
 */
export function seededRandom(seed: number): (n: number) => number {
  let s = seed | 0;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}
