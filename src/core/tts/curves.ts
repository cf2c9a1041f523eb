/**
 * Per-problem curves over k = 1..K, stored once per distinct curve. Problems with the same
 * counts share a row (pass@k has at most n + 1 distinct rows whatever the number of problems),
 * and each row keeps only the entries before its constant tail (pass@k is exactly 1 from
 * k = n − c + 1 on; an always-right problem is 1 everywhere), which is what the bootstrap
 * spends its time on.
 */
export class ProblemCurves {
  constructor(
    /** Points per curve: k = 1..K. */
    readonly K: number,
    /** Distinct curves, row-major: row g is rows[g·K .. g·K + K). */
    readonly rows: Float64Array,
    /** Row of each problem. */
    readonly rowOf: Int32Array,
    /** Per row: entries before the constant tail. */
    readonly active: Int32Array,
    /** Per row: the tail's value (the last entry). */
    readonly tail: Float64Array,
  ) {}

  get problems(): number {
    return this.rowOf.length;
  }

  get distinct(): number {
    return this.active.length;
  }

  /** Problems per row. */
  counts(): Float64Array {
    const w = new Float64Array(this.distinct);
    for (let i = 0; i < this.rowOf.length; i++) w[this.rowOf[i]]++;
    return w;
  }

  /** The curve of problem i (a view; do not write to it). */
  curve(i: number): Float64Array {
    const g = this.rowOf[i];
    return this.rows.subarray(g * this.K, (g + 1) * this.K);
  }

  /** The mean curve over problems, each weighted by `weights` (default 1). */
  mean(weights?: ArrayLike<number>): Float64Array {
    const K = this.K;
    const w = new Float64Array(this.distinct);
    let total = 0;
    for (let i = 0; i < this.rowOf.length; i++) {
      const wi = weights ? weights[i] : 1;
      w[this.rowOf[i]] += wi;
      total += wi;
    }
    const out = new Float64Array(K);
    for (let g = 0; g < w.length; g++) {
      const wg = w[g];
      if (wg === 0) continue;
      const o = g * K;
      for (let k = 0; k < K; k++) out[k] += wg * this.rows[o + k];
    }
    for (let k = 0; k < K; k++) out[k] /= total;
    return out;
  }
}

/**
 * Curves for P problems: `key(i)` names the curve's inputs (equal keys, equal curves) and
 * `fill(i, out)` writes problem i's curve into `out` (length K).
 */
export function buildCurves(P: number, K: number, key: (i: number) => number | string, fill: (i: number, out: Float64Array) => void): ProblemCurves {
  const rowByKey = new Map<number | string, number>();
  const rowOf = new Int32Array(P);
  let rows = new Float64Array(Math.max(1, Math.min(P, 64)) * K);
  let G = 0;
  for (let i = 0; i < P; i++) {
    const k = key(i);
    let g = rowByKey.get(k);
    if (g === undefined) {
      g = G++;
      rowByKey.set(k, g);
      if (G * K > rows.length) {
        const next = new Float64Array(Math.min(P, 2 * G) * K);
        next.set(rows);
        rows = next;
      }
      fill(i, rows.subarray(g * K, (g + 1) * K));
    }
    rowOf[i] = g;
  }
  return finishCurves(K, rows.slice(0, G * K), rowOf, G);
}

/** Curves already computed per problem (P × K, row-major), deduplicated by exact equality of rows. */
export function curvesFromMatrix(K: number, matrix: Float64Array): ProblemCurves {
  const P = matrix.length / K;
  return buildCurves(P, K, (i) => rowKey(matrix, i * K, K), (i, out) => out.set(matrix.subarray(i * K, (i + 1) * K)));
}

function rowKey(m: Float64Array, at: number, K: number): string {
  let s = '';
  for (let k = 0; k < K; k++) s += m[at + k] + ',';
  return s;
}

function finishCurves(K: number, rows: Float64Array, rowOf: Int32Array, G: number): ProblemCurves {
  const active = new Int32Array(G);
  const tail = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const o = g * K;
    const last = rows[o + K - 1];
    let a = K;
    while (a > 0 && rows[o + a - 1] === last) a--;
    active[g] = a;
    tail[g] = last;
  }
  return new ProblemCurves(K, rows, rowOf, active, tail);
}
