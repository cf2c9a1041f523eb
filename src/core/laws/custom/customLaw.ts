import type { DataColumns, Law, Parameter, Variable } from '../law';
import { productGrid } from '../law';
import { scaleVariables, type ScaleVariable } from '../variables';
import { derivative } from './calculus';
import { FormulaError, parseFormula, symbols, type Expr } from './expression';
import { compileExpr, type Binding, type Evaluator } from './interpret';
import { exprToLatex } from './latex';

/**
 * A law from a formula the user typed, e.g. `E + A/N^a + B/D^b`. Names that are data columns
 * are variables; every other name is a parameter. The gradient is derived symbolically, so it
 * fits with the same engine and the same guarantees as the built-in laws.
 */
export interface CustomLawOptions {
  /** Names that are data columns here (e.g. N, D, C, P, S1, S2). */
  variables: readonly string[];
  /** The response's name when the formula does not say (`L = …`); default `L`. */
  response?: string;
  /** Natural-scale bounds per parameter, overriding the defaults chosen from its role. */
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  starts?: Readonly<Record<string, readonly number[]>>;
}

type Role = 'exponent' | 'offset' | 'scale';

/** How a parameter is used decides sensible defaults: exponents are small reals, offsets sit below the data, scales span decades. */
function roles(expr: Expr, params: string[]): Map<string, Role> {
  const out = new Map<string, Role>();
  const inExponent = (e: Expr, inside: boolean): void => {
    switch (e.kind) {
      case 'sym':
        if (inside && params.includes(e.name)) out.set(e.name, 'exponent');
        break;
      case 'neg':
      case 'call':
        inExponent(e.arg, inside);
        break;
      case 'bin':
        inExponent(e.left, inside);
        inExponent(e.right, inside || e.op === '^');
        break;
    }
  };
  inExponent(expr, false);
  const terms = (e: Expr): Expr[] => (e.kind === 'bin' && (e.op === '+' || e.op === '-') ? [...terms(e.left), e.right] : [e]);
  for (const t of terms(expr)) {
    if (t.kind === 'sym' && params.includes(t.name) && !out.has(t.name)) out.set(t.name, 'offset');
  }
  for (const p of params) if (!out.has(p)) out.set(p, 'scale');
  return out;
}

const GREEK = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'phi', 'chi', 'psi', 'omega']);
export const latexName = (name: string) => (GREEK.has(name) ? `\\${name}` : name.length > 1 ? `\\mathrm{${name.replace(/_/g, '\\_')}}` : name);

function defaultParameter(name: string, role: Role): Parameter {
  const latex = latexName(name);
  switch (role) {
    case 'exponent':
      return { name, latex, description: 'exponent', lower: -5, upper: 5, scale: 'linear', starts: [0.1, 0.3, 0.7] };
    case 'offset':
      return { name, latex, description: 'additive constant', lower: 0, upper: 1e6, scale: 'linear', starts: [0.5, 1, 2] };
    case 'scale':
      return { name, latex, description: 'scale factor', lower: 1e-30, upper: 1e30, scale: 'log', starts: [1, 1e2, 1e4] };
  }
}

function variableFor(name: string): Variable {
  if (name in scaleVariables) return scaleVariables[name as ScaleVariable];
  return { name, description: `data column ${name}`, domain: 'real' };
}

/** Largest start grid a custom law gets before each parameter's starts are thinned. */
const MAX_STARTS = 729;

export function customLaw(formula: string, options: CustomLawOptions): Law {
  const { response: named, expr } = parseFormula(formula);
  const names = symbols(expr);
  const variables = names.filter((n) => options.variables.includes(n));
  const params = names.filter((n) => !options.variables.includes(n));
  if (variables.length === 0) {
    throw new FormulaError(`The formula uses none of the data's variables (${options.variables.join(', ') || 'none mapped'}); every name in it was taken as a parameter.`, 1);
  }
  if (params.length === 0) throw new FormulaError('The formula has no parameters to fit: every name in it is a data column.', 1);
  const role = roles(expr, params);
  const parameters: Parameter[] = params.map((name) => {
    const p = defaultParameter(name, role.get(name)!);
    const b = options.bounds?.[name];
    const s = options.starts?.[name];
    return { ...p, ...(b ? { lower: b[0], upper: b[1], scale: b[0] > 0 && p.scale === 'log' ? 'log' : 'linear' } : {}), ...(s ? { starts: [...s] } : {}) };
  });
  const bind = (name: string): Binding => {
    const vi = variables.indexOf(name);
    if (vi >= 0) return { from: 'x', index: vi };
    return { from: 'p', index: params.indexOf(name) };
  };
  const f = compileExpr(expr, bind);
  const grads: Evaluator[] = params.map((p) => compileExpr(derivative(expr, p), bind));
  const responseName = named ?? options.response ?? 'L';
  const text = `${responseName} = ${formula.includes('=') ? formula.slice(formula.indexOf('=') + 1).trim() : formula.trim()}`;
  return {
    id: 'custom',
    title: `Custom law: ${text}`,
    citation: [],
    formula: { text, latex: `${latexName(responseName)} = ${exprToLatex(expr, latexName)}` },
    variables: variables.map(variableFor),
    response: { name: responseName, description: 'response', domain: 'positive' },
    parameters,
    predict: (x, p) => f(x, p),
    gradient(x, p, grad) {
      for (let j = 0; j < grads.length; j++) grad[j] = grads[j](x, p);
      return f(x, p);
    },
    startGrid(data: DataColumns) {
      const y = data[responseName];
      let minY = Infinity;
      if (y) for (const v of y) if (v < minY) minY = v;
      let lists = parameters.map((q) => {
        if (options.starts?.[q.name]) return [...q.starts];
        if (role.get(q.name) === 'offset' && Number.isFinite(minY) && minY > 0) return [0, 0.5 * minY, 0.9 * minY];
        return [...q.starts];
      });
      // Keep the multi-start affordable for formulas with many parameters.
      while (lists.reduce((n, l) => n * l.length, 1) > MAX_STARTS) {
        const longest = lists.reduce((bi, l, i) => (l.length > lists[bi].length ? i : bi), 0);
        lists = lists.map((l, i) => (i === longest ? [l[0], l[l.length - 1]] : l));
        if (lists.every((l) => l.length <= 2)) break;
      }
      return productGrid(lists).map((row) => row.map((v, j) => Math.min(parameters[j].upper, Math.max(parameters[j].lower, v))));
    },
    derived: [],
  };
}
