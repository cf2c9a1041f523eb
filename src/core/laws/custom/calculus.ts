import type { Expr } from './expression';

/**
 * Symbolic derivatives of formula trees, simplified as they are built so the gradient of
 * `E + A/N^a` stays as small as a hand-written one.
 */
const num = (value: number): Expr => ({ kind: 'num', value });
const isNum = (e: Expr, v?: number) => e.kind === 'num' && (v === undefined || e.value === v);

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (a.kind === 'num' && b.kind === 'num') return num(a.value + b.value);
  return { kind: 'bin', op: '+', left: a, right: b };
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (a.kind === 'num' && b.kind === 'num') return num(a.value - b.value);
  return { kind: 'bin', op: '-', left: a, right: b };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a, 0) || isNum(b, 0)) return num(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (a.kind === 'num' && b.kind === 'num') return num(a.value * b.value);
  return { kind: 'bin', op: '*', left: a, right: b };
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return num(0);
  if (isNum(b, 1)) return a;
  if (a.kind === 'num' && b.kind === 'num' && b.value !== 0) return num(a.value / b.value);
  return { kind: 'bin', op: '/', left: a, right: b };
}

export function pow(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return num(1);
  if (isNum(b, 1)) return a;
  if (a.kind === 'num' && b.kind === 'num') return num(Math.pow(a.value, b.value));
  return { kind: 'bin', op: '^', left: a, right: b };
}

export function neg(a: Expr): Expr {
  if (a.kind === 'num') return num(-a.value);
  if (a.kind === 'neg') return a.arg;
  return { kind: 'neg', arg: a };
}

const ln = (a: Expr): Expr => ({ kind: 'call', fn: 'log', arg: a });

/** Whether `e` mentions the symbol `name`. */
export function dependsOn(e: Expr, name: string): boolean {
  switch (e.kind) {
    case 'num':
      return false;
    case 'sym':
      return e.name === name;
    case 'neg':
    case 'call':
      return dependsOn(e.arg, name);
    case 'bin':
      return dependsOn(e.left, name) || dependsOn(e.right, name);
  }
}

/** ∂e/∂name. */
export function derivative(e: Expr, name: string): Expr {
  if (!dependsOn(e, name)) return num(0);
  switch (e.kind) {
    case 'num':
      return num(0);
    case 'sym':
      return num(1);
    case 'neg':
      return neg(derivative(e.arg, name));
    case 'call': {
      const d = derivative(e.arg, name);
      switch (e.fn) {
        case 'exp':
          return mul(e, d);
        case 'log':
        case 'ln':
          return div(d, e.arg);
        case 'log10':
          return div(d, mul(e.arg, num(Math.LN10)));
        case 'log2':
          return div(d, mul(e.arg, num(Math.LN2)));
        case 'sqrt':
          return div(d, mul(num(2), e));
      }
    }
    // falls through: every function is handled above
    case 'bin': {
      if (e.kind !== 'bin') return num(0);
      const { left: a, right: b } = e;
      const da = derivative(a, name);
      const db = derivative(b, name);
      switch (e.op) {
        case '+':
          return add(da, db);
        case '-':
          return sub(da, db);
        case '*':
          return add(mul(da, b), mul(a, db));
        case '/':
          // (a/b)' = a'/b − a·b'/b²
          return sub(div(da, b), div(mul(a, db), mul(b, b)));
        case '^':
          if (!dependsOn(b, name)) return mul(mul(b, pow(a, sub(b, num(1)))), da);
          if (!dependsOn(a, name)) return mul(mul(e, ln(a)), db);
          // (a^b)' = a^b · (b'·ln a + b·a'/a)
          return mul(e, add(mul(db, ln(a)), div(mul(b, da), a)));
      }
    }
  }
}
