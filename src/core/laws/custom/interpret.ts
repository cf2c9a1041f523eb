import type { Expr } from './expression';

/** Where each symbol's value comes from when a formula is evaluated at a point. */
export type Binding = { from: 'x' | 'p'; index: number };

export type Evaluator = (x: ArrayLike<number>, p: ArrayLike<number>) => number;

/**
 * Turns a tree into nested closures once, so evaluating a point walks no tree and looks up no
 * names. This is interpretation, not code generation: no string is ever run.
 */
export function compileExpr(e: Expr, bind: (name: string) => Binding): Evaluator {
  switch (e.kind) {
    case 'num': {
      const v = e.value;
      return () => v;
    }
    case 'sym': {
      const b = bind(e.name);
      const i = b.index;
      return b.from === 'x' ? (x) => x[i] : (_x, p) => p[i];
    }
    case 'neg': {
      const f = compileExpr(e.arg, bind);
      return (x, p) => -f(x, p);
    }
    case 'call': {
      const f = compileExpr(e.arg, bind);
      switch (e.fn) {
        case 'exp':
          return (x, p) => Math.exp(f(x, p));
        case 'log':
        case 'ln':
          return (x, p) => Math.log(f(x, p));
        case 'log10':
          return (x, p) => Math.log10(f(x, p));
        case 'log2':
          return (x, p) => Math.log2(f(x, p));
        case 'sqrt':
          return (x, p) => Math.sqrt(f(x, p));
      }
    }
    // falls through: every function is handled above
    case 'bin': {
      if (e.kind !== 'bin') throw new Error('unreachable');
      const l = compileExpr(e.left, bind);
      const r = compileExpr(e.right, bind);
      switch (e.op) {
        case '+':
          return (x, p) => l(x, p) + r(x, p);
        case '-':
          return (x, p) => l(x, p) - r(x, p);
        case '*':
          return (x, p) => l(x, p) * r(x, p);
        case '/':
          return (x, p) => l(x, p) / r(x, p);
        case '^':
          if (e.right.kind === 'num') {
            const k = e.right.value;
            if (k === 2) return (x, p) => {
              const v = l(x, p);
              return v * v;
            };
          }
          return (x, p) => Math.pow(l(x, p), r(x, p));
      }
    }
  }
}
