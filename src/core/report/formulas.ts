import type { Law } from '../laws/law';

/** A number as it reads in a formula: 4 significant digits, scientific past 1e5. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** The law's formula with fitted values in place of parameter names. */
export function formulaWithValues(law: Law, params: Readonly<Record<string, number>>): string {
  const names = new Set(law.parameters.map((p) => p.name));
  return law.formula.text.replace(/[\p{L}_][\p{L}\p{N}_]*/gu, (name) => (names.has(name) && params[name] !== undefined ? formatValue(params[name]) : name));
}

function latexNumber(v: number): string {
  const s = formatValue(v);
  const m = /^(-?[\d.]+)e(-?\d+)$/.exec(s);
  return m ? `${m[1]} \\times 10^{${m[2]}}` : s;
}

/** The same in LaTeX: parameters' LaTeX names replaced by their values. */
export function latexWithValues(law: Law, params: Readonly<Record<string, number>>): string {
  let out = law.formula.latex;
  // Longest names first, so `\alpha_N` is replaced before `\alpha`.
  const ps = [...law.parameters].sort((a, b) => b.latex.length - a.latex.length);
  for (const p of ps) {
    if (params[p.name] === undefined) continue;
    const escaped = p.latex.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![A-Za-z\\\\])${escaped}(?![A-Za-z])`, 'g'), `{${latexNumber(params[p.name])}}`);
  }
  return out;
}
