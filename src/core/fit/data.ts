import type { DataColumns, Domain, Law, ResidualSpace } from '../laws/law';
import { symmetricEigen } from './linalg';
import type { FitData, FitIssue } from './types';

/**
 * Checks data against a law before any fitting, so that a sweep which cannot determine the
 * law's parameters is reported as such instead of producing confident nonsense.
 */

export interface PreparedData {
  ok: boolean;
  problems: FitIssue[];
  /** Kept rows (0-based input indices). */
  rows: number[];
  /** Variables and response over the kept rows. */
  columns: DataColumns;
  /** Resampling unit of each kept row (0..units−1), when groups were given. */
  groups: Int32Array | null;
  units: number;
}

const maxRowsListed = 50;

export interface PrepareOptions {
  space: ResidualSpace;
  invalidRows: 'drop' | 'fail';
  groups?: ArrayLike<number | string>;
}

export function prepareData(law: Law, data: FitData, opts: PrepareOptions): PreparedData {
  const problems: FitIssue[] = [];
  const fail = (): PreparedData => ({ ok: false, problems, rows: [], columns: {}, groups: null, units: 0 });
  const specs: { name: string; domain: Domain; role: string }[] = [
    ...law.variables.map((v) => ({ name: v.name, domain: v.domain, role: v.description })),
    // Log residuals need a positive response whatever the law allows.
    { name: law.response.name, domain: opts.space === 'log' ? 'positive' : law.response.domain, role: law.response.description },
  ];

  const raw: ArrayLike<number>[] = [];
  for (const s of specs) {
    const col = data[s.name];
    if (!col) {
      const have = Object.keys(data);
      problems.push({
        code: 'data/missing-column',
        severity: 'error',
        column: s.name,
        message: `No column ${s.name} (${s.role}) for ${law.title}. Columns present: ${have.length ? have.join(', ') : 'none'}.`,
      });
    } else raw.push(col);
  }
  if (problems.length) return fail();

  const n = raw[0].length;
  const lengthsDiffer = raw.some((c) => c.length !== n) || (opts.groups !== undefined && opts.groups.length !== n);
  if (lengthsDiffer) {
    const lengths = specs.map((s, k) => `${s.name}: ${raw[k].length}`);
    if (opts.groups) lengths.push(`groups: ${opts.groups.length}`);
    problems.push({ code: 'data/length-mismatch', severity: 'error', message: `Columns have different lengths (${lengths.join(', ')}).` });
    return fail();
  }

  const invalid = new Uint8Array(n);
  const severity = opts.invalidRows === 'fail' ? 'error' : 'warning';
  const consequence = opts.invalidRows === 'fail' ? 'the fit needs every row valid' : 'these rows were left out of the fit';
  specs.forEach((s, k) => {
    const col = raw[k];
    const bad: Record<'nan' | 'domain', number[]> = { nan: [], domain: [] };
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) bad.nan.push(i);
      else if ((s.domain === 'positive' && !(v > 0)) || (s.domain === 'nonnegative' && !(v >= 0))) bad.domain.push(i);
    }
    if (bad.nan.length) {
      problems.push(rowsIssue('data/not-a-number', severity, s.name, bad.nan, `${s.name} is not a finite number in ${count(bad.nan.length, 'row')}; ${consequence}.`));
    }
    if (bad.domain.length) {
      const what = s.domain === 'positive' ? 'not positive' : 'negative';
      const why = s.name === law.response.name && opts.space === 'log' ? ' (log-space residuals need a positive response)' : '';
      const code = s.domain === 'positive' ? 'data/non-positive' : 'data/negative';
      problems.push(rowsIssue(code, severity, s.name, bad.domain, `${s.name} is ${what} in ${count(bad.domain.length, 'row')}${why}; ${consequence}.`));
    }
    for (const i of bad.nan) invalid[i] = 1;
    for (const i of bad.domain) invalid[i] = 1;
  });
  if (opts.invalidRows === 'fail' && problems.length) return fail();

  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (!invalid[i]) rows.push(i);
  const columns: Record<string, Float64Array> = {};
  specs.forEach((s, k) => {
    columns[s.name] = Float64Array.from(rows, (i) => raw[k][i]);
  });

  if (rows.length === 0) {
    problems.push({ code: 'data/no-valid-rows', severity: 'error', message: `No row has valid values for ${specs.map((s) => s.name).join(', ')}.` });
    return fail();
  }

  for (const v of law.variables) {
    const distinct = new Set(columns[v.name]).size;
    if (distinct < 2) {
      problems.push({
        code: 'data/single-scale',
        severity: 'error',
        column: v.name,
        message: `Every run has the same ${v.name} (${columns[v.name][0]}): ${law.title} cannot learn how ${law.response.name} changes with ${v.name}. Add runs at other values of ${v.name}.`,
      });
    }
  }

  const y = columns[law.response.name];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))) {
    problems.push({
      code: 'data/constant-response',
      severity: 'error',
      column: law.response.name,
      message: `${law.response.name} is the same (${lo}) in every row: there is no trend to fit.`,
    });
  }

  const p = law.parameters.length;
  const tuples = new Set(rows.map((_, r) => law.variables.map((v) => columns[v.name][r]).join('\u0000'))).size;
  // Fewer distinct points than parameters cannot pin the law down; as many points as parameters
  // are interpolated exactly, and a zero residual says nothing (AIC and intervals degenerate).
  // Replicates at few scales are fine: they leave residual degrees of freedom.
  if (tuples < p || rows.length <= p) {
    const names = law.variables.map((v) => v.name).join(', ');
    problems.push({
      code: 'data/too-few-points',
      severity: 'error',
      message: `${count(tuples, `distinct (${names}) point`)} for ${p} parameters: ${law.title} needs ${p} distinct points and more points than parameters, and several per parameter to be trusted.`,
    });
  }

  if (law.variables.length > 1 && !problems.some((q) => q.code === 'data/single-scale')) {
    problems.push(...confounding(law, columns));
  }

  let groups: Int32Array | null = null;
  let units = rows.length;
  if (opts.groups) {
    const ids = new Map<number | string, number>();
    groups = Int32Array.from(rows, (i) => {
      const key = opts.groups![i];
      let g = ids.get(key);
      if (g === undefined) ids.set(key, (g = ids.size));
      return g;
    });
    units = ids.size;
  }

  return { ok: !problems.some((q) => q.severity === 'error'), problems, rows, columns, groups, units };
}

/**
 * Variables that move together in every run (D a fixed multiple or power of N: one point per
 * scale) leave the law's terms indistinguishable. The smallest eigenvalue of their correlation
 * matrix (in log space for positive variables) measures it.
 */
function confounding(law: Law, columns: DataColumns): FitIssue[] {
  const vars = law.variables;
  const k = vars.length;
  const n = columns[vars[0].name].length;
  const z = vars.map((v) => {
    const c = columns[v.name];
    const t = v.domain === 'positive' ? Float64Array.from(c, Math.log) : Float64Array.from(c);
    let mean = 0;
    for (const x of t) mean += x;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      t[i] -= mean;
      ss += t[i] * t[i];
    }
    const sd = Math.sqrt(ss);
    for (let i = 0; i < n; i++) t[i] /= sd;
    return t;
  });
  const corr = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[a][i] * z[b][i];
      corr[a * k + b] = s;
    }
  }
  const { values, vectors } = symmetricEigen(corr, k);
  const smallest = values[0];
  if (smallest > 1e-4) return [];
  const involved = vars.filter((_, a) => Math.abs(vectors[a * k]) > 0.1).map((v) => v.name);
  const names = involved.join(' and ');
  if (smallest <= 1e-10) {
    return [
      {
        code: 'data/confounded-variables',
        severity: 'error',
        message: `${names} move together in every run (one point per scale): ${law.title} cannot tell their effects apart. Vary ${involved[involved.length - 1]} at a fixed ${involved[0]} (e.g. an IsoFLOP sweep).`,
      },
    ];
  }
  return [
    {
      code: 'data/nearly-confounded',
      severity: 'warning',
      message: `${names} nearly move together across runs: the parameters of their terms will be poorly determined.`,
    },
  ];
}

function rowsIssue(code: string, severity: 'error' | 'warning', column: string, rows: number[], message: string): FitIssue {
  return { code, severity, column, rows: rows.slice(0, maxRowsListed), message };
}

function count(k: number, noun: string): string {
  return `${k} ${noun}${k === 1 ? '' : 's'}`;
}
