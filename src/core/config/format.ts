/** Numbers as people read them in a config's hover: counts with a suffix, FLOPs in powers of ten. */

/** 1.31B, 880M, 246k, 12: three significant digits with a size suffix. */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  const scaled = (v: number, suffix: string) => `${Number(v.toPrecision(3))}${suffix}`;
  if (a >= 1e12) return scaled(n / 1e12, 'T');
  if (a >= 1e9) return scaled(n / 1e9, 'B');
  if (a >= 1e6) return scaled(n / 1e6, 'M');
  if (a >= 1e4) return scaled(n / 1e3, 'k');
  // Counts below 10,000 in full when whole (2048, 12000 → 12k above); fractions to three digits.
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}

/** 1.98e20: compute and other quantities spanning decades. */
export function fmtSci(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 1e-3 && a < 1e4) return String(Number(n.toPrecision(digits)));
  return n.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A loss in nats to three decimals. */
export function fmtLoss(n: number): string {
  return Number.isFinite(n) ? n.toFixed(3) : String(n);
}

/** A signed loss difference: +0.031, −0.004. */
export function fmtDelta(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Math.abs(n) >= 0.01 ? 2 : 3;
  const s = Math.abs(n).toFixed(digits);
  return `${n < 0 ? '−' : '+'}${s}`;
}

/** A ratio as a factor: 4.1×, 0.45×. */
export function fmtFactor(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return `${Number(n.toPrecision(n >= 10 ? 3 : 2))}×`;
}

/** 137 GPU-hours, 17.1 h: hours to three significant digits. */
export function fmtHours(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e4) return fmtCount(n);
  return String(Number(n.toPrecision(3)));
}

/** An interval in brackets with a formatter: [0.01, 0.05]. */
export function fmtInterval(ci: readonly [number, number] | null | undefined, f: (n: number) => string): string {
  return ci ? `[${f(ci[0])}, ${f(ci[1])}]` : '';
}
