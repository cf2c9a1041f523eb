import { parse as parseToml, TomlError } from 'smol-toml';
import type { ConfigKey, ConfigLeafValue, ConfigScalar, ConfigSyntaxProblem, LineIndex } from './document';

/**
 * TOML keys with positions. smol-toml parses values faithfully but keeps no positions, so a
 * small scanner walks the text: `[table]` and `[[array.of.tables]]` headers, `key = value`
 * lines with bare, quoted and dotted keys, and values that span lines (arrays, multi-line
 * strings) or nest (inline tables). Values come from smol-toml when the file parses, else from
 * the scanner's own reading, so hovers keep working while a line is half typed; a line the
 * scanner cannot read is reported and skipped.
 */

export interface TomlLocatedKey {
  segments: string[];
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** The scanner's own reading of the value (smol-toml's is preferred when the file parses). */
  value: ConfigLeafValue;
}

export interface TomlScan {
  keys: TomlLocatedKey[];
  problems: { start: number; end: number; message: string }[];
}

const BARE_KEY = /[A-Za-z0-9_-]/;

export function locateTomlKeys(text: string): TomlScan {
  const keys: TomlLocatedKey[] = [];
  const problems: TomlScan['problems'] = [];
  const n = text.length;
  let i = 0;
  let table: string[] = [];
  const arrayTables = new Map<string, number>();

  class ScanError extends Error {
    constructor(readonly at: number, message: string) {
      super(message);
    }
  }
  const fail = (message: string): never => {
    throw new ScanError(i, message);
  };

  const skipSpaces = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipComment = () => {
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
  };
  /** Whitespace, newlines and comments: between array items and between statements. */
  const skipBlank = () => {
    for (;;) {
      const before = i;
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
      skipComment();
      if (i === before) return;
    }
  };
  const toLineEnd = () => {
    while (i < n && text[i] !== '\n') i++;
  };

  const basicString = (): string => {
    // At the opening quote.
    i++;
    let out = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\n') fail('unterminated string');
      if (text[i] === '\\') {
        out += unescape(text, i);
        i += escapeLength(text, i);
      } else out += text[i++];
    }
    if (i >= n) fail('unterminated string');
    i++;
    return out;
  };
  const literalString = (): string => {
    const start = ++i;
    while (i < n && text[i] !== "'" && text[i] !== '\n') i++;
    if (text[i] !== "'") fail('unterminated string');
    return text.slice(start, i++);
  };
  const multiline = (quote: '"""' | "'''"): string => {
    i += 3;
    const start = i;
    let end = text.indexOf(quote, i);
    while (end >= 0 && quote === '"""' && isEscaped(text, end)) end = text.indexOf(quote, end + 1);
    if (end < 0) fail('unterminated multi-line string');
    // Up to two quotes right before the closing delimiter belong to the string.
    for (let extra = 0; extra < 2 && text[end + 3] === quote[0]; extra++) end++;
    i = end + 3;
    let body = text.slice(start, end).replace(/^\r?\n/, '');
    if (quote === '"""') body = body.replace(/\\\r?\n\s*/g, '').replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (m) => unescape(m, 0));
    return body;
  };

  const parseKey = (): { segments: string[]; start: number; end: number } => {
    const segments: string[] = [];
    skipSpaces();
    const start = i;
    let end = i;
    for (;;) {
      skipSpaces();
      if (text[i] === '"') segments.push(basicString());
      else if (text[i] === "'") segments.push(literalString());
      else {
        const s = i;
        while (i < n && BARE_KEY.test(text[i])) i++;
        if (i === s) fail('expected a key');
        segments.push(text.slice(s, i));
      }
      end = i;
      skipSpaces();
      if (text[i] !== '.') break;
      i++;
    }
    return { segments, start, end };
  };

  /** Reads a value at `i`, recording nested keys of inline tables and arrays of them; returns its reading. */
  const parseValue = (path: string[]): ConfigLeafValue | 'nested' => {
    const c = text[i];
    if (text.startsWith('"""', i)) return multiline('"""');
    if (text.startsWith("'''", i)) return multiline("'''");
    if (c === '"') return basicString();
    if (c === "'") return literalString();
    if (c === '[') {
      i++;
      const items: (ConfigLeafValue | 'nested')[] = [];
      for (;;) {
        skipBlank();
        if (text[i] === ']') {
          i++;
          break;
        }
        if (i >= n) fail('unterminated array');
        items.push(parseValue([...path, String(items.length)]));
        skipBlank();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail("expected ',' or ']' in an array");
      }
      if (items.some((v) => v === 'nested')) return 'nested';
      // A nested list stays one (unread) item of the outer list.
      return items.map((v) => (Array.isArray(v) ? null : (v as ConfigScalar)));
    }
    if (c === '{') {
      i++;
      skipSpaces();
      if (text[i] === '}') {
        i++;
        return 'nested';
      }
      for (;;) {
        const key = parseKey();
        skipSpaces();
        if (text[i] !== '=') fail("expected '=' after a key");
        i++;
        skipSpaces();
        const valueStart = i;
        const value = parseValue([...path, ...key.segments]);
        if (value !== 'nested') keys.push({ segments: [...path, ...key.segments], keyStart: key.start, keyEnd: key.end, valueStart, valueEnd: i, value });
        skipSpaces();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          break;
        }
        fail("expected ',' or '}' in an inline table");
      }
      return 'nested';
    }
    const start = i;
    while (i < n && !/[\s,\]}#]/.test(text[i])) i++;
    // A date and a time may be separated by one space: 1979-05-27 07:32:00Z.
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, i)) && text[i] === ' ' && /\d{2}:/.test(text.slice(i + 1, i + 4))) {
      i++;
      while (i < n && !/[\s,\]}#]/.test(text[i])) i++;
    }
    if (i === start) fail('expected a value');
    return bareValue(text.slice(start, i));
  };

  const statement = () => {
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      const key = parseKey();
      skipSpaces();
      if (!text.startsWith(array ? ']]' : ']', i)) fail(array ? "expected ']]'" : "expected ']'");
      i += array ? 2 : 1;
      const resolved: string[] = [];
      key.segments.forEach((s, j) => {
        resolved.push(s);
        const id = resolved.join('\u0000');
        const last = j === key.segments.length - 1;
        if (last && array) {
          const index = (arrayTables.get(id) ?? -1) + 1;
          arrayTables.set(id, index);
          resolved.push(String(index));
        } else if (arrayTables.has(id)) resolved.push(String(arrayTables.get(id)));
      });
      table = resolved;
      return;
    }
    const key = parseKey();
    skipSpaces();
    if (text[i] !== '=') fail("expected '=' after a key");
    i++;
    skipSpaces();
    const valueStart = i;
    const path = [...table, ...key.segments];
    const value = parseValue(path);
    if (value !== 'nested') keys.push({ segments: path, keyStart: key.start, keyEnd: key.end, valueStart, valueEnd: i, value });
  };

  for (;;) {
    skipBlank();
    if (i >= n) break;
    const lineStart = i;
    try {
      statement();
      skipSpaces();
      skipComment();
      if (i < n && text[i] !== '\n' && text[i] !== '\r') fail('unexpected text after a value');
    } catch (e) {
      if (!(e instanceof ScanError)) throw e;
      const at = Math.min(e.at, n);
      const lineEnd = text.indexOf('\n', at);
      problems.push({ start: at, end: lineEnd < 0 ? n : lineEnd, message: e.message });
      // Resume on the line after the one that failed (or after the statement's first line).
      i = Math.max(at, lineStart);
      toLineEnd();
    }
  }
  return { keys, problems };
}

function isEscaped(text: string, at: number): boolean {
  let k = at - 1;
  let slashes = 0;
  while (k >= 0 && text[k] === '\\') {
    slashes++;
    k--;
  }
  return slashes % 2 === 1;
}

function escapeLength(text: string, at: number): number {
  const c = text[at + 1];
  if (c === 'u') return 6;
  if (c === 'U') return 10;
  return 2;
}

function unescape(text: string, at: number): string {
  const c = text[at + 1];
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'e':
      return '\x1b';
    case 'u':
      return String.fromCodePoint(parseInt(text.slice(at + 2, at + 6), 16) || 0xfffd);
    case 'U':
      return String.fromCodePoint(Math.min(parseInt(text.slice(at + 2, at + 10), 16) || 0xfffd, 0x10ffff));
    default:
      return c ?? '';
  }
}

/** Numbers (with `_` separators, hex/octal/binary, inf, nan), booleans; anything else (dates) as text. */
export function bareValue(token: string): ConfigScalar {
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (/^[+-]?inf$/.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(token)) return NaN;
  const t = token.replace(/_/g, '');
  if (/^0x[0-9a-fA-F]+$/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0o[0-7]+$/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0b[01]+$/.test(t)) return parseInt(t.slice(2), 2);
  if (/^[+-]?(\d+)(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return Number(t);
  return token;
}

export function parseTomlConfig(text: string, lines: LineIndex): { keys: ConfigKey[]; problems: ConfigSyntaxProblem[] } {
  const scan = locateTomlKeys(text);
  let parsed: Record<string, unknown> | undefined;
  const problems: ConfigSyntaxProblem[] = [];
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    // smol-toml stops at the first error and places it precisely: that one is reported. The
    // scanner's own recoveries only serve to keep the keys around it.
    const line = e instanceof TomlError ? Math.max(0, e.line - 1) : 0;
    const column = e instanceof TomlError ? Math.max(0, e.column - 1) : 0;
    const start = Math.min(text.length, lineStartOffset(text, line) + column);
    problems.push({ message: (e instanceof Error ? e.message : String(e)).split('\n')[0], range: lines.range(start, start) });
  }
  const keys = scan.keys.map((k): ConfigKey => {
    const fromParser = parsed ? lookup(parsed, k.segments) : undefined;
    return {
      path: k.segments.join('.'),
      segments: k.segments,
      value: fromParser !== undefined ? fromParser : k.value,
      raw: text.slice(k.valueStart, k.valueEnd),
      keyRange: lines.range(k.keyStart, k.keyEnd),
      valueRange: lines.range(k.valueStart, k.valueEnd),
    };
  });
  return { keys, problems };
}

function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

/** The parsed value at a path, as a leaf value; undefined when absent or not a leaf. */
function lookup(root: Record<string, unknown>, segments: readonly string[]): ConfigLeafValue | undefined {
  let v: unknown = root;
  for (const s of segments) {
    if (Array.isArray(v)) v = v[Number(s)];
    else if (v && typeof v === 'object') v = (v as Record<string, unknown>)[s];
    else return undefined;
  }
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object' || x instanceof Date) ? v.map(leafScalar) : undefined;
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !isTomlDate(v)) return undefined;
  return v === undefined ? undefined : leafScalar(v);
}

function isTomlDate(v: object): boolean {
  return typeof (v as { toISOString?: unknown }).toISOString === 'function';
}

function leafScalar(v: unknown): ConfigScalar {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}
