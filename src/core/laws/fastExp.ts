/**
 * e^x for the hottest fitting kernels, where Math.exp takes most of the time: this
 * table-driven version is about a third faster in V8 and within 2 units in the last place
 * (checked against Math.exp in the tests). Outside ±700 it defers to Math.exp, so NaN,
 * infinities, overflow and underflow behave exactly as usual.
 *
 * e^x = 2^(k/64)·e^r with k = round(64x/ln 2) and |r| ≤ ln 2/128, where a degree-6 Taylor
 * polynomial is exact to ~1e-19 relative.
 */
const ROUND = 6755399441055744; // 1.5·2^52: adding and subtracting it rounds to an integer.
const INV_LN2_64 = 92.33248261689366; // 64 / ln 2
// ln 2 / 64 split so that k·LN2_64_HI is exact for every k in range.
const LN2_64_HI = 0.010830417275428772;
const LN2_64_LO = 7.420820373486988e-9;
/** 2^(j/64) for j = 0..63. */
export const POW2_FRAC = new Float64Array(64);
for (let j = 0; j < 64; j++) POW2_FRAC[j] = Math.pow(2, j / 64);
/** 2^q for q = −1022..1023, at index q + 1022. */
const POW2_INT = new Float64Array(2046);
for (let i = 0; i < 2046; i++) POW2_INT[i] = Math.pow(2, i - 1022);

export function fastExp(x: number): number {
  if (!(x > -700 && x < 700)) return Math.exp(x);
  return expInRange(x);
}

/**
 * fastExp for an x the caller has already checked to lie in (−700, 700) (the Chinchilla
 * kernel checks its whole θ once): the range test alone is a fifth of the kernel's exp pass.
 */
export function expInRange(x: number): number {
  const kf = x * INV_LN2_64 + ROUND - ROUND;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const k = kf | 0;
  const p =
    1 + r * (1 + r * (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * (0.008333333333333333 + r * 0.001388888888888889)))));
  return POW2_INT[(k >> 6) + 1022] * (POW2_FRAC[k & 63] * p);
}
