/**
 * Formulas users type for their own laws (`E + A/N^a + B/D^b`), parsed into a tree. Nothing is
 * ever evaluated as code: the tree is interpreted, so a formula can only compute numbers.
 */
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'sym'; name: string; column: number }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr }
  | { kind: 'call'; fn: FunctionName; arg: Expr };

export const FUNCTIONS = ['log', 'ln', 'log10', 'log2', 'exp', 'sqrt'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export class FormulaError extends Error {
  /** 1-based column in the formula text. */
  constructor(message: string, readonly column: number) {
    super(message);
    this.name = 'FormulaError';
  }
}

interface Token {
  type: 'num' | 'ident' | 'op' | '(' | ')' | 'end';
  text: string;
  column: number;
}

const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      out.push({ type: 'num', text: num[0], column: i + 1 });
      i += num[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(text);
    if (id) {
      out.push({ type: 'ident', text: id[0], column: i + 1 });
      i += id[0].length;
      continue;
    }
    if (text.startsWith('**', i)) {
      out.push({ type: 'op', text: '^', column: i + 1 });
      i += 2;
      continue;
    }
    if ('+-*/^·×−'.includes(c)) {
      // Typographic minus and multiplication signs arrive from papers pasted into the box.
      const op = c === '·' || c === '×' ? '*' : c === '−' ? '-' : c;
      out.push({ type: 'op', text: op, column: i + 1 });
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ type: c, text: c, column: i + 1 });
      i++;
      continue;
    }
    throw new FormulaError(`Unexpected character '${c}': a formula uses numbers, names, + - * / ^, parentheses and ${FUNCTIONS.join(', ')}.`, i + 1);
  }
  out.push({ type: 'end', text: '', column: text.length + 1 });
  return out;
}

/** Parses `expr` (optionally `L = expr`, naming the response). */
export function parseFormula(text: string): { response?: string; expr: Expr } {
  let body = text;
  let offset = 0;
  let response: string | undefined;
  const eq = text.indexOf('=');
  if (eq >= 0) {
    const lhs = text.slice(0, eq).trim();
    if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(lhs)) throw new FormulaError('Left of "=" must be the name of the response, e.g. "L = E + A/N^a".', 1);
    response = lhs;
    body = text.slice(eq + 1);
    offset = eq + 1;
  }
  if (body.trim() === '') throw new FormulaError('The formula is empty.', offset + 1);
  const tokens = tokenize(body).map((t) => ({ ...t, column: t.column + offset }));
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];
  const expectClose = (open: Token) => {
    const t = take();
    if (t.type !== ')') throw new FormulaError(`Expected ")" to close the "(" at column ${open.column}, found ${t.type === 'end' ? 'the end' : `'${t.text}'`}.`, t.column);
  };

  const sum = (): Expr => {
    let left = product();
    while (peek().type === 'op' && (peek().text === '+' || peek().text === '-')) {
      const op = take().text as '+' | '-';
      left = { kind: 'bin', op, left, right: product() };
    }
    return left;
  };
  const product = (): Expr => {
    let left = unary();
    while (peek().type === 'op' && (peek().text === '*' || peek().text === '/')) {
      const op = take().text as '*' | '/';
      left = { kind: 'bin', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek().type === 'op' && (peek().text === '-' || peek().text === '+')) {
      const sign = take().text;
      const arg = unary();
      return sign === '-' ? { kind: 'neg', arg } : arg;
    }
    return power();
  };
  // Right-associative and binding tighter than unary minus on its left: -N^a = -(N^a), a^-b works.
  const power = (): Expr => {
    const base = atom();
    if (peek().type === 'op' && peek().text === '^') {
      take();
      return { kind: 'bin', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const atom = (): Expr => {
    const t = take();
    if (t.type === 'num') return { kind: 'num', value: Number(t.text) };
    if (t.type === '(') {
      const e = sum();
      expectClose(t);
      return e;
    }
    if (t.type === 'ident') {
      if (peek().type === '(') {
        const open = take();
        if (!(FUNCTIONS as readonly string[]).includes(t.text)) throw new FormulaError(`Unknown function '${t.text}': use one of ${FUNCTIONS.join(', ')}.`, t.column);
        const arg = sum();
        expectClose(open);
        return { kind: 'call', fn: t.text as FunctionName, arg };
      }
      return { kind: 'sym', name: t.text, column: t.column };
    }
    throw new FormulaError(t.type === 'end' ? 'The formula ends too early: expected a number, a name or "(".' : `Expected a number, a name or "(", found '${t.text}'.`, t.column);
  };

  const expr = sum();
  const rest = peek();
  if (rest.type !== 'end') throw new FormulaError(`Unexpected '${rest.text}' after a complete expression (a missing operator?).`, rest.column);
  return { response, expr };
}

/** Symbol names in order of first appearance. */
export function symbols(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'sym':
      if (!out.includes(e.name)) out.push(e.name);
      break;
    case 'neg':
    case 'call':
      symbols(e.arg, out);
      break;
    case 'bin':
      symbols(e.left, out);
      symbols(e.right, out);
      break;
  }
  return out;
}

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 4 };

/** The formula as text again, with the fewest parentheses that keep its meaning. */
export function formatExpr(e: Expr, names: (name: string) => string = (n) => n, parent = 0): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'sym':
      return names(e.name);
    case 'neg': {
      const s = `-${formatExpr(e.arg, names, 3)}`;
      return parent >= 3 ? `(${s})` : s;
    }
    case 'call':
      return `${e.fn}(${formatExpr(e.arg, names)})`;
    case 'bin': {
      const p = PRECEDENCE[e.op];
      const assocRight = e.op === '^';
      const l = formatExpr(e.left, names, assocRight ? p + 1 : p);
      const r = formatExpr(e.right, names, assocRight ? p : p + 1);
      const s = e.op === '^' ? `${l}^${r}` : `${l} ${e.op} ${r}`;
      const needs = p < parent;
      return needs ? `(${s})` : s;
    }
  }
}
