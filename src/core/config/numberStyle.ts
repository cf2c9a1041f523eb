/**
 * A new number written the way the file wrote the old one: `3.0e-4` stays in exponent form
 * with its mantissa decimals and exponent padding, `0.0003` stays fixed-point, `12_000` keeps
 * its separators, a quoted number keeps its quotes. Where the old text gives no style (an empty
 * value), floats are written `9.4e-4` — with a dot and a signed exponent, which PyYAML (YAML 1.1)
 * also reads as a float, unlike `3e-4`.
 */
export interface NumberStyleOptions {
  /** The value is a count (steps, layers, batch): written without a fraction. */
  integer: boolean;
  /** Significant digits for non-integers. Default 2. */
  significant?: number;
}

export function formatLike(raw: string, value: number, options: NumberStyleOptions): string {
  const m = /^(\s*)(["']?)(.*?)\2(\s*)$/s.exec(raw);
  const [lead, quote, inner, trail] = m ? [m[1], m[2], m[3], m[4]] : ['', '', raw, ''];
  return `${lead}${quote}${formatInner(inner.trim(), value, options)}${quote}${trail}`;
}

function formatInner(inner: string, value: number, options: NumberStyleOptions): string {
  const sig = options.significant ?? 2;
  const v = options.integer ? Math.round(value) : value;
  const exp = /^([+-]?)(\d[\d_]*)(?:(\.)(\d*))?([eE])([+-]?)(\d+)$/.exec(inner);
  if (exp) return exponentForm(v, { hasDot: exp[3] === '.', decimals: (exp[4] ?? '').length, e: exp[5], plus: exp[6] === '+', expDigits: exp[7].length }, options.integer, sig);
  if (/^[+-]?(\d[\d_]*)?\.\d*$/.test(inner)) {
    if (options.integer) return `${v}.0`;
    return fixedForm(v, sig);
  }
  if (/^[+-]?\d{1,3}(_\d{3})+$/.test(inner) && options.integer) return groupThousands(v, '_');
  if (/^[+-]?\d+$/.test(inner)) return options.integer ? String(v) : plainFloat(v, sig);
  return options.integer ? String(v) : plainFloat(v, sig);
}

interface ExponentStyle {
  hasDot: boolean;
  decimals: number;
  e: string;
  plus: boolean;
  expDigits: number;
}

function exponentForm(v: number, style: ExponentStyle, integer: boolean, sig: number): string {
  let decimals: number;
  if (integer) {
    // Enough mantissa digits to write the count exactly.
    decimals = 0;
    while (decimals < 15 && Number(v.toExponential(decimals)) !== v) decimals++;
    decimals = Math.max(decimals, style.decimals);
  } else decimals = Math.max(style.decimals, sig - 1);
  let [mantissa, exponent] = v.toExponential(decimals).split('e');
  if (!style.hasDot && mantissa.includes('.')) {
    mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
  }
  if (style.hasDot && !mantissa.includes('.')) mantissa += '.';
  const negative = exponent.startsWith('-');
  let digits = exponent.replace(/^[+-]/, '');
  while (digits.length < style.expDigits) digits = `0${digits}`;
  const sign = negative ? '-' : style.plus ? '+' : '';
  return `${mantissa}${style.e}${sign}${digits}`;
}

function fixedForm(v: number, sig: number): string {
  if (v === 0) return '0.0';
  const decimals = Math.max(1, sig - 1 - Math.floor(Math.log10(Math.abs(v))));
  let s = v.toFixed(Math.min(decimals, 20));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '.0');
  return s;
}

function plainFloat(v: number, sig: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) {
    const [m, e] = v.toExponential(sig - 1).split('e');
    return `${m.includes('.') ? m : `${m}.0`}e${e.startsWith('-') ? e : `+${e.replace('+', '')}`}`;
  }
  return fixedForm(v, sig);
}

function groupThousands(v: number, sep: string): string {
  const s = String(Math.abs(v));
  const groups: string[] = [];
  for (let end = s.length; end > 0; end -= 3) groups.unshift(s.slice(Math.max(0, end - 3), end));
  return `${v < 0 ? '-' : ''}${groups.join(sep)}`;
}

/** A count rounded to three significant digits (12 345 → 12 300), at least 1: plans read better with round numbers. */
export function roundCount(v: number): number {
  if (!(v >= 1)) return 1;
  return Math.max(1, Math.round(Number(v.toPrecision(3))));
}
