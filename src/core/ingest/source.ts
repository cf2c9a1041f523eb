import { createReadStream, statSync } from 'node:fs';
import { Checkpoint, type WorkOptions } from '../work';

/**
 * A text input that can be read in chunks: an open editor buffer, or a file streamed from disk.
 * Readers never need the whole file at once.
 */
export interface TextSource {
  /** What problems name: a path relative to the workspace, or the file's path. */
  readonly name: string;
  /** Length in characters (text) or bytes (files), for progress; may be unknown. */
  readonly size?: number;
  /** The file on disk, when there is one: readers look beside it for companion files (config.json, hparams.yaml). */
  readonly path?: string;
  chunks(): AsyncIterable<string>;
}

export function textSource(name: string, text: string, path?: string): TextSource {
  return {
    name,
    path,
    size: text.length,
    async *chunks() {
      // Slices keep progress and cancellation responsive on large open buffers.
      const step = 1 << 20;
      for (let i = 0; i < text.length; i += step) yield text.slice(i, i + step);
    },
  };
}

export function fileSource(path: string, name = path): TextSource {
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  return {
    name,
    size,
    path,
    async *chunks() {
      const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
      for await (const chunk of stream) yield chunk as string;
    },
  };
}

export interface Line {
  /** 1-based line number. */
  line: number;
  /** The line's text without its terminator. */
  text: string;
}

/**
 * Splits chunks into lines (LF or CRLF), dropping a leading byte-order mark. Between chunks it
 * checks for cancellation and reports progress.
 */
export async function* readLines(source: TextSource, work: WorkOptions = {}): AsyncGenerator<Line> {
  let carry = '';
  let line = 0;
  let first = true;
  let consumed = 0;
  const checkpoint = new Checkpoint(work);
  for await (let chunk of source.chunks()) {
    consumed += chunk.length;
    checkpoint.check();
    if (first) {
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
    }
    let text = carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { line: ++line, text: text.slice(start, end) };
      start = nl + 1;
      if ((line & 4095) === 0) await checkpoint.tick(source.size ? consumed / source.size : 0, `Reading line ${line.toLocaleString('en-US')}`);
    }
    carry = text.slice(start);
    text = '';
  }
  if (carry.length > 0) {
    yield { line: ++line, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
  }
}

/** Reads the first `maxChars` characters of a source, for format detection. */
export async function readHead(source: TextSource, maxChars = 8192): Promise<string> {
  let head = '';
  for await (const chunk of source.chunks()) {
    head += chunk;
    if (head.length >= maxChars) break;
  }
  return head.slice(0, maxChars);
}
