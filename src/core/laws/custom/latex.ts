import type { Expr } from './expression';

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };

/** A formula tree as LaTeX: fractions for division, braces for exponents, \log and \exp. */
export function exprToLatex(e: Expr, name: (n: string) => string, parent = 0): string {
  switch (e.kind) {
    case 'num':
      return formatNumber(e.value);
    case 'sym':
      return name(e.name);
    case 'neg': {
      const s = `-${exprToLatex(e.arg, name, 3)}`;
      return parent >= 3 ? `\\left(${s}\\right)` : s;
    }
    case 'call': {
      const arg = exprToLatex(e.arg, name);
      if (e.fn === 'sqrt') return `\\sqrt{${arg}}`;
      if (e.fn === 'exp') return `\\exp\\left(${arg}\\right)`;
      const fn = e.fn === 'ln' || e.fn === 'log' ? '\\log' : e.fn === 'log10' ? '\\log_{10}' : '\\log_{2}';
      return `${fn}\\left(${arg}\\right)`;
    }
    case 'bin': {
      if (e.op === '/') return `\\frac{${exprToLatex(e.left, name)}}{${exprToLatex(e.right, name)}}`;
      if (e.op === '^') return `${exprToLatex(e.left, name, 5)}^{${exprToLatex(e.right, name)}}`;
      const p = PRECEDENCE[e.op];
      const s = `${exprToLatex(e.left, name, p)} ${e.op === '*' ? '\\cdot' : e.op} ${exprToLatex(e.right, name, p + 1)}`;
      return p < parent ? `\\left(${s}\\right)` : s;
    }
  }
}

function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const [m, ex] = v.toExponential(3).split('e');
  const mant = String(Number(m));
  return Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3 ? `${mant} \\times 10^{${Number(ex)}}` : String(Number(v.toPrecision(4)));
}
