import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLaw } from '../../../../src/core/fit';
import { chinchilla } from '../../../../src/core/laws/chinchilla';
import { customLaw } from '../../../../src/core/laws/custom/customLaw';
import { FormulaError, formatExpr, parseFormula } from '../../../../src/core/laws/custom/expression';

const VARS = ['N', 'D', 'C', 'P'];

function errorAt(formula: string): { message: string; column: number } {
  try {
    customLaw(formula, { variables: VARS });
  } catch (e) {
    assert.ok(e instanceof FormulaError, String(e));
    return { message: e.message, column: e.column };
  }
  assert.fail(`'${formula}' should not parse`);
}

test('names that are data columns are variables; the rest are parameters, in order', () => {
  const law = customLaw('L = E + A/N^alpha + B/D^beta', { variables: VARS });
  assert.deepEqual(law.variables.map((v) => v.name), ['N', 'D']);
  assert.deepEqual(law.parameters.map((p) => p.name), ['E', 'A', 'alpha', 'B', 'beta']);
  assert.deepEqual(law.parameters.map((p) => p.scale), ['linear', 'log', 'linear', 'log', 'linear']);
  assert.equal(law.formula.latex, 'L = E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}}');
  assert.equal(law.predict([1e9, 2e10], [1.8, 400, 0.34, 2000, 0.37]), 1.8 + 400 / 1e9 ** 0.34 + 2000 / 2e10 ** 0.37);
});

test('the symbolic gradient matches central finite differences', () => {
  const formulas = [
    'E + A/N^a + B/D^b',
    'A * (N * (k*log(P) + 1))^(-a) + E',
    'exp(a - b*log(C)) + c',
    'sqrt(A*N) / (1 + (m/C)^s) - log10(D) * w',
    '-(N^-a) * A + E^2',
  ];
  for (const f of formulas) {
    const law = customLaw(f, { variables: VARS });
    const x = law.variables.map((v) => ({ N: 3e8, D: 6e9, C: 1e19, P: 4 })[v.name as 'N']!);
    const p = law.parameters.map((_, j) => 0.2 + 0.37 * (j + 1));
    const grad = new Float64Array(p.length);
    const value = law.gradient(x, p, grad);
    assert.equal(value, law.predict(x, p));
    for (let j = 0; j < p.length; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(p[j]));
      const up = [...p];
      const down = [...p];
      up[j] += h;
      down[j] -= h;
      const fd = (law.predict(x, up) - law.predict(x, down)) / (2 * h);
      assert.ok(Math.abs(fd - grad[j]) <= 1e-5 * Math.max(1, Math.abs(fd)), `${f}: ∂/∂${law.parameters[j].name} = ${grad[j]}, finite difference ${fd}`);
    }
  }
});

test('bad formulas are errors that point at the column, and nothing in a formula runs as code', () => {
  assert.deepEqual(errorAt('E + A/N^'), { message: 'The formula ends too early: expected a number, a name or "(".', column: 9 });
  assert.equal(errorAt('E + (A/N^a').column, 11);
  assert.match(errorAt('E + foo(N)').message, /Unknown function 'foo'/);
  assert.match(errorAt('require(fs)').message, /Unknown function 'require'/);
  assert.match(errorAt("log('x')").message, /Unexpected character/);
  assert.equal(errorAt('process.exit(1)').column, 8);
  assert.match(errorAt('E + A B').message, /Unexpected 'B'.*missing operator/);
  assert.match(errorAt('E + A/x^a').message, /none of the data's variables/);
  assert.match(errorAt('N + D').message, /no parameters/);
  assert.match(errorAt('L N = E').message, /Left of "="/);
});

test('operators bind as in maths: -N^a is -(N^a), ^ is right-associative, ** and × are accepted', () => {
  assert.equal(formatExpr(parseFormula('-N^a').expr), '-N^a');
  assert.equal(formatExpr(parseFormula('a^b^c').expr), 'a^b^c');
  assert.equal(formatExpr(parseFormula('(a^b)^c').expr), '(a^b)^c');
  assert.equal(formatExpr(parseFormula('a - (b - c)').expr), 'a - (b - c)');
  assert.equal(formatExpr(parseFormula('A × N ** −a').expr), 'A * N^(-a)');
  const law = customLaw('2^-a * N', { variables: VARS });
  assert.equal(law.predict([3], [1]), 1.5);
});

test('a typed Chinchilla formula fits the same data to the same optimum as the built-in law', () => {
  const truth = { E: 1.8172, A: 482.01, alpha: 0.3478, B: 2085.43, beta: 0.3658 };
  const N: number[] = [];
  const D: number[] = [];
  const L: number[] = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const n of [7e7, 1.6e8, 4.1e8, 1e9, 2.8e9]) {
    for (const r of [5, 10, 20, 40, 80]) {
      N.push(n);
      D.push(n * r);
      const clean = truth.E + truth.A / n ** truth.alpha + truth.B / (n * r) ** truth.beta;
      L.push(clean * Math.exp(0.01 * (rand() - 0.5) * 2));
    }
  }
  const data = { N, D, L };
  const custom = customLaw('E + A/N^alpha + B/D^beta', { variables: ['N', 'D'] });
  const ours = fitLaw(custom, data, { resamples: 0, starts: (chinchilla.startGrid?.({ N: Float64Array.from(N), D: Float64Array.from(D), L: Float64Array.from(L) }) ?? undefined) });
  const builtin = fitLaw(chinchilla, data, { resamples: 0 });
  assert.ok(ours.ok && builtin.ok, JSON.stringify(ours.ok ? builtin : ours).slice(0, 500));
  if (!ours.ok || !builtin.ok) return;
  assert.ok(ours.objective <= builtin.objective * (1 + 1e-6) + 1e-15, `custom ${ours.objective} vs built-in ${builtin.objective}`);
  for (const k of ['E', 'alpha', 'beta']) assert.ok(Math.abs(ours.params[k] - builtin.params[k]) < 1e-3 * Math.abs(builtin.params[k]) + 1e-6, k);
});
