import type { TextSource } from '../source';
import { Checkpoint, type WorkOptions } from '../../work';

/**
 * JSON helpers for eval files: parsing as Python writes it (bare NaN and Infinity), and
 * splitting a whole-file JSON document into its top-level members with their positions, so
 * each record is parsed on its own, a bad one is reported at its line, and the rest are kept.
 */

const BARE_NON_FINITE = /([:[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g;

/** JSON.parse that also accepts Python's bare NaN / Infinity (read as null). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    return JSON.parse(text.replace(BARE_NON_FINITE, '$1null'));
  }
}

/** 0-based offset of a JSON.parse error, when V8 says. */
export function errorOffset(e: unknown): number | undefined {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? e));
  return m ? Number(m[1]) : undefined;
}

/** The reason in a JSON.parse error, without V8's position boilerplate. */
export function errorReason(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .replace(/^.*?JSON[^:]*:\s*/, '')
    .replace(/\s*in JSON at position \d+.*$/, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
}

/** Offsets to 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  locate(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export interface Member {
  /** Object key, or undefined for array elements. */
  key?: string;
  /** Offsets of the member's value: [start, end). */
  start: number;
  end: number;
}

export interface Members {
  kind: 'object' | 'array';
  members: Member[];
  /** Where the container stopped making sense, if it did; members before it are intact. */
  error?: { offset: number; message: string };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else break;
  }
  return i;
}

/** End offset (exclusive) of the string literal starting at `i` (a quote), or -1 if unclosed. */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) j++;
    else if (c === 34) return j + 1;
  }
  return -1;
}

/**
 * End offset of the value starting at `i`, found by bracket matching (strings respected);
 * the value's own validity is left to JSON.parse. -1 when it does not end.
 */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 34) {
        j = skipString(text, j);
        if (j < 0) return -1;
        j--;
      } else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) break;
    j++;
  }
  return j > i ? j : -1;
}

/** The members of the object or array whose first character is at `start`. */
export function scanMembers(text: string, start: number): Members | undefined {
  const open = text.charCodeAt(start);
  if (open !== 123 && open !== 91) return undefined;
  const isObject = open === 123;
  const out: Members = { kind: isObject ? 'object' : 'array', members: [] };
  const close = isObject ? 125 : 93;
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === close) return out;
  for (;;) {
    let key: string | undefined;
    if (isObject) {
      if (text.charCodeAt(i) !== 34) {
        out.error = { offset: i, message: 'expected a quoted key' };
        return out;
      }
      const kEnd = skipString(text, i);
      if (kEnd < 0) {
        out.error = { offset: i, message: 'a key is not closed' };
        return out;
      }
      try {
        key = JSON.parse(text.slice(i, kEnd)) as string;
      } catch {
        out.error = { offset: i, message: 'a key is not a valid string' };
        return out;
      }
      i = skipSpace(text, kEnd);
      if (text.charCodeAt(i) !== 58) {
        out.error = { offset: i, message: "expected ':' after a key" };
        return out;
      }
      i = skipSpace(text, i + 1);
    }
    const end = skipValue(text, i);
    if (end < 0) {
      out.error = { offset: i, message: 'a value does not end before the end of the file' };
      return out;
    }
    out.members.push(key === undefined ? { start: i, end } : { key, start: i, end });
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i = skipSpace(text, i + 1);
      continue;
    }
    if (c === close) return out;
    out.error = { offset: i, message: i >= text.length ? 'the file ends inside the document' : `expected ',' or '${isObject ? '}' : ']'}'` };
    return out;
  }
}

/** Offset of the first non-space character at or after `i`. */
export function firstValue(text: string, i = 0): number {
  return skipSpace(text, text.charCodeAt(0) === 0xfeff ? Math.max(i, 1) : i);
}

/** A whole source as one string (formats that are one JSON document need it), cancellable. */
export async function readText(source: TextSource, work: WorkOptions = {}): Promise<string> {
  const checkpoint = new Checkpoint(work);
  const parts: string[] = [];
  let read = 0;
  for await (const chunk of source.chunks()) {
    parts.push(chunk);
    read += chunk.length;
    await checkpoint.tick(source.size ? read / source.size : 0, `Reading ${source.name}`);
  }
  const text = parts.join('');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
