import { isAscii } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import { Checkpoint, type WorkOptions } from '../../work';

/**
 * Cutting a trace file into JSON values with their positions, whatever the framing: JSON Lines
 * (one value per line, also server-sent-event `data:` lines), one JSON array of records, or one
 * or more pretty-printed JSON objects. JSON Lines are parsed line by line; arrays and documents go
 * through a small scanner that finds each record's extent, so only one record's text is held at
 * a time (a single huge object is, necessarily, held whole).
 */

const CHUNK_BYTES = 1 << 20;

export interface RawLine {
  /** 1-based. */
  line: number;
  /** Without its terminator. */
  text: string;
  /** Byte offset of the line's first byte, and just past its text (terminator excluded). */
  byteStart: number;
  byteEnd: number;
}

/**
 * A text source that can also hand over raw bytes. Files read this way skip string decoding of
 * whole chunks and UTF-8 length counting: lines are found in the bytes and decoded one by one.
 */
export interface ByteSource extends TextSource {
  byteChunks(): AsyncIterable<Buffer>;
  /** A chunk's bytes hold only until the next chunk is asked for (one buffer is read into again). */
  reusesChunks?: boolean;
}

export function isByteSource(s: TextSource): s is ByteSource {
  return typeof (s as Partial<ByteSource>).byteChunks === 'function';
}

/**
 * A file, or a byte range of one (ranges start on line boundaries), readable as text or bytes.
 * `blocking`: bytes are read with synchronous calls into one reused buffer, for worker threads
 * that have nothing else to do meanwhile. A stream's reads go through the thread pool, and a
 * worker waited for them (about 1% of a summary worker's time, idle); and each fresh 1 MB buffer
 * costs its page faults (a read into a reused one takes about half the time) and garbage collections.
 */
export function traceFileSource(path: string, name = path, start = 0, end?: number, blocking = false): ByteSource {
  let size: number | undefined;
  try {
    size = (end ?? statSync(path).size) - start;
  } catch {
    size = undefined;
  }
  const options = (encoding?: BufferEncoding) => ({ start, end: end !== undefined ? end - 1 : undefined, encoding, highWaterMark: CHUNK_BYTES });
  return {
    name,
    size,
    reusesChunks: blocking,
    async *chunks() {
      if (end !== undefined && end <= start) return;
      for await (const c of createReadStream(path, options('utf8'))) yield c as string;
    },
    async *byteChunks() {
      if (end !== undefined && end <= start) return;
      if (blocking) {
        yield* readBlocking(path, start, end);
        return;
      }
      for await (const c of createReadStream(path, options())) yield c as Buffer;
    },
  };
}

function* readBlocking(path: string, start: number, end: number | undefined): Generator<Buffer> {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(end === undefined ? CHUNK_BYTES : Math.max(1, Math.min(CHUNK_BYTES, end - start)));
  try {
    for (let pos = start; end === undefined || pos < end; ) {
      const want = end === undefined ? buf.length : Math.min(buf.length, end - pos);
      const n = readSync(fd, buf, 0, want, pos);
      if (n <= 0) break;
      pos += n;
      yield n < buf.length ? buf.subarray(0, n) : buf;
    }
  } finally {
    closeSync(fd);
  }
}

/** Lines with byte offsets (LF or CRLF; a leading byte-order mark is skipped but counted). */
export async function* readRawLines(source: TextSource, work: WorkOptions = {}): AsyncGenerator<RawLine> {
  if (isByteSource(source)) {
    yield* readByteLines(source, work);
    return;
  }
  const checkpoint = new Checkpoint(work);
  let carry = '';
  let line = 0;
  let bytes = 0;
  let consumed = 0;
  let first = true;
  for await (let chunk of source.chunks()) {
    checkpoint.check();
    consumed += chunk.length;
    if (first) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1);
        bytes = 3;
      }
    }
    const text = carry === '' ? chunk : carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const cr = nl > start && text.charCodeAt(nl - 1) === 13;
      const s = text.slice(start, cr ? nl - 1 : nl);
      const len = byteLength(s);
      yield { line: ++line, text: s, byteStart: bytes, byteEnd: bytes + len };
      bytes += len + (cr ? 2 : 1);
      start = nl + 1;
      if ((line & 1023) === 0) await checkpoint.tick(source.size ? consumed / source.size : 0, `Reading line ${line.toLocaleString('en-US')}`);
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) {
    const cr = carry.endsWith('\r');
    const s = cr ? carry.slice(0, -1) : carry;
    const len = byteLength(s);
    yield { line: ++line, text: s, byteStart: bytes, byteEnd: bytes + len };
  }
}

async function* readByteLines(source: ByteSource, work: WorkOptions): AsyncGenerator<RawLine> {
  const checkpoint = new Checkpoint(work);
  // Bytes of an unfinished line: the tail of the last chunk, plus whole chunks without a newline
  // (copied when the source reads the next chunk into the same buffer).
  const keep = source.reusesChunks ? (b: Buffer): Buffer => Buffer.from(b) : (b: Buffer): Buffer => b;
  let parts: Buffer[] = [];
  let line = 0;
  let offset = 0;
  let first = true;
  const utf8 = new LineDecoder();
  const emit = (buf: Buffer, s: number, e: number): RawLine => {
    const cr = e > s && buf[e - 1] === 13;
    const text = utf8.decode(buf, s, cr ? e - 1 : e);
    const r = { line: ++line, text, byteStart: offset, byteEnd: offset + (cr ? e - 1 : e) - s };
    offset += e - s + 1;
    return r;
  };
  for await (let chunk of source.byteChunks()) {
    checkpoint.check();
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        offset = 3;
      }
    }
    let nl = chunk.indexOf(10);
    if (nl < 0) {
      parts.push(keep(chunk));
      continue;
    }
    let start = 0;
    if (parts.length > 0) {
      parts.push(chunk.subarray(0, nl));
      const joined = Buffer.concat(parts);
      parts = [];
      yield emit(joined, 0, joined.length);
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    for (; nl >= 0; nl = chunk.indexOf(10, start)) {
      yield emit(chunk, start, nl);
      start = nl + 1;
      if ((line & 1023) === 0) await checkpoint.tick(source.size ? offset / source.size : 0, `Reading line ${line.toLocaleString('en-US')}`);
    }
    if (start < chunk.length) parts.push(keep(chunk.subarray(start)));
  }
  if (parts.length > 0) {
    const joined = Buffer.concat(parts);
    if (joined.length > 0) {
      const cr = joined[joined.length - 1] === 13;
      yield { line: ++line, text: utf8.decode(joined, 0, cr ? joined.length - 1 : joined.length), byteStart: offset, byteEnd: offset + joined.length - (cr ? 1 : 0) };
    }
  }
}

/**
 * UTF-8 bytes to a string, as `Buffer#toString('utf8')` decodes them (invalid bytes become U+FFFD
 * the same way; a byte-order mark is kept), about 1.7 times faster on lines with non-ASCII text:
 * `TextDecoder` in streaming mode takes a faster path than one-shot decoding. A line ending in
 * an ASCII byte leaves nothing pending in the stream; any other line is decoded one-shot.
 * An all-ASCII line (what Python's `json.dumps` and pandas write by default, escaping the rest as
 * `\uXXXX`) is copied as Latin-1, which reads the same bytes about 4 times faster.
 */
export class LineDecoder {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  decode(buf: Buffer, start: number, end: number): string {
    const bytes = buf.subarray(start, end);
    if (isAscii(bytes)) return buf.toString('latin1', start, end);
    if (end > start && buf[end - 1] < 0x80) return this.decoder.decode(bytes, { stream: true });
    return buf.toString('utf8', start, end);
  }
}

/** UTF-8 length (lone surrogates count 3, as their replacement character). */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export interface JsonItem {
  value: unknown;
  line: number;
  endLine: number;
  byteStart: number;
  byteEnd: number;
}

export type Framing = 'jsonl' | 'array' | 'document';

/** Lines a server-sent-event stream carries besides `data:`; they hold no JSON. */
const SSE_META = /^(?:event|id|retry):|^:/;

/**
 * Parses the values of a JSON-carrying file. Malformed values are reported (code
 * `trace/bad-json`, at the line and column the parser stopped) and skipped.
 */
export async function* readJsonItems(source: TextSource, sink: ProblemSink, work: WorkOptions = {}): AsyncGenerator<JsonItem> {
  const lines = readRawLines(source, work);
  let framing: Framing | undefined;
  const pending: RawLine[] = [];
  for await (const l of lines) {
    if (framing === undefined) {
      const t = l.text.trim();
      if (t === '') {
        pending.push(l);
        continue;
      }
      framing = t.startsWith('[') ? 'array' : t.startsWith('{') && !parsesAlone(t) && !t.endsWith('}') ? 'document' : 'jsonl';
      pending.push(l);
      if (framing === 'jsonl') {
        for (const p of pending) {
          const item = parseLine(p, sink);
          if (item) yield item;
        }
        pending.length = 0;
        continue;
      }
      // Structured: hand everything to the scanner.
      const scanner = new ValueScanner(framing, sink);
      for (const p of pending) yield* scanner.feed(p);
      for await (const rest of lines) yield* scanner.feed(rest);
      scanner.finish();
      return;
    }
    const item = parseLine(l, sink);
    if (item) yield item;
  }
}

function parsesAlone(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function parseLine(l: RawLine, sink: ProblemSink): JsonItem | undefined {
  let text = l.text;
  let offset = 0;
  let t = text.trimStart();
  if (t === '') return undefined;
  if (t.startsWith('data:')) {
    offset = text.indexOf('data:') + 5;
    text = text.slice(offset);
    t = text.trim();
    if (t === '[DONE]' || t === '') return undefined;
  } else if (SSE_META.test(t)) return undefined;
  try {
    return { value: JSON.parse(text), line: l.line, endLine: l.line, byteStart: l.byteStart, byteEnd: l.byteEnd };
  } catch (e) {
    const { message, position } = jsonError(e, text);
    sink.add({
      line: l.line,
      column: offset + (position ?? 0) + 1,
      severity: 'error',
      code: 'trace/bad-json',
      message: `Not valid JSON (${message}); expected one JSON value per line. Line skipped.`,
    });
    return undefined;
  }
}

export function jsonError(e: unknown, text: string): { message: string; position?: number } {
  const raw = (e as Error).message;
  const pos = /position (\d+)/.exec(raw);
  let message = raw.replace(/^.*?JSON[^:]*:\s*/, '').replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (/Unexpected end/.test(raw)) message = 'the value is cut off';
  if (message.length > 80) message = `${message.slice(0, 77)}...`;
  return { message, position: pos ? Math.min(Number(pos[1]), text.length) : undefined };
}

/**
 * Finds each record's extent in an array (`[{...}, {...}]`) or a run of top-level documents by
 * tracking nesting and strings, then parses that text alone. A record whose brackets never
 * balance swallows the rest of the file; that is reported at its start.
 */
class ValueScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Nesting level at which records sit: 1 inside the top array, 0 for documents. */
  private readonly itemDepth: number;
  private parts: string[] = [];
  private item: { line: number; column: number; byte: number; kind: 'container' | 'string' | 'literal' } | undefined;
  private last: RawLine | undefined;
  private arrayClosed = false;

  constructor(private readonly framing: Framing, private readonly sink: ProblemSink) {
    this.itemDepth = framing === 'array' ? 1 : 0;
  }

  *feed(l: RawLine): Generator<JsonItem> {
    this.last = l;
    const s = l.text;
    let seg = this.item ? 0 : -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          if (this.item?.kind === 'string') {
            yield* this.end(l, s, seg, i + 1);
            seg = -1;
          }
        }
        continue;
      }
      if (c === 32 || c === 9 || c === 13) {
        if (this.item?.kind === 'literal') {
          yield* this.end(l, s, seg, i);
          seg = -1;
        }
        continue;
      }
      const item = this.item;
      if (!item) {
        if (this.framing === 'array' && this.depth === 0) {
          if (c === 91 && !this.arrayClosed) this.depth = 1;
          else {
            this.problem(l.line, i + 1, this.arrayClosed ? 'Unexpected text after the end of the JSON array; ignored.' : "Expected '[' to start a JSON array of records.");
            return;
          }
          continue;
        }
        if (c === 44) continue;
        if (c === 93 && this.framing === 'array') {
          this.depth = 0;
          this.arrayClosed = true;
          continue;
        }
        if (c === 125 || c === 93) {
          this.problem(l.line, i + 1, `Unbalanced '${String.fromCharCode(c)}'; ignored.`);
          continue;
        }
        const kind = c === 123 || c === 91 ? 'container' : c === 34 ? 'string' : 'literal';
        this.item = { line: l.line, column: i + 1, byte: l.byteStart + byteLength(s.slice(0, i)), kind };
        this.parts = [];
        seg = i;
        if (kind === 'container') this.depth++;
        else if (kind === 'string') this.inString = true;
        continue;
      }
      if (item.kind === 'literal') {
        if (c === 44 || c === 93 || c === 125) {
          yield* this.end(l, s, seg, i);
          seg = -1;
          if (c === 93 && this.framing === 'array') {
            this.depth = 0;
            this.arrayClosed = true;
          }
        }
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === this.itemDepth) {
          yield* this.end(l, s, seg, i + 1);
          seg = -1;
        }
      }
    }
    if (this.item) {
      if (this.item.kind === 'literal') yield* this.end(l, s, seg, s.length);
      else this.parts.push(seg >= 0 ? s.slice(seg) : s, '\n');
    }
  }

  private *end(l: RawLine, s: string, seg: number, endCol: number): Generator<JsonItem> {
    const start = this.item!;
    this.parts.push(s.slice(seg >= 0 ? seg : 0, endCol));
    const text = this.parts.join('');
    this.parts = [];
    this.item = undefined;
    const byteEnd = l.byteStart + byteLength(s.slice(0, endCol));
    try {
      yield { value: JSON.parse(text), line: start.line, endLine: l.line, byteStart: start.byte, byteEnd };
    } catch (e) {
      const { message, position } = jsonError(e, text);
      // Map the parser's offset in the record back to a line and column in the file.
      let line = start.line;
      let column = start.column;
      if (position !== undefined) {
        const before = text.slice(0, position);
        const nl = before.lastIndexOf('\n');
        line += before.split('\n').length - 1;
        column = nl < 0 ? start.column + position : position - nl;
      }
      this.problem(line, column, `Not valid JSON (${message}). Record skipped.`);
    }
  }

  finish(): void {
    if (this.item) {
      this.problem(this.item.line, this.item.column, 'The file ends inside this record (cut off, or a bracket never closed). Record skipped.');
      this.item = undefined;
    } else if (this.framing === 'array' && this.depth > 0 && this.last) {
      this.sink.add({ line: this.last.line, column: 1, severity: 'warning', code: 'trace/unterminated-array', message: "The JSON array is never closed with ']' (file cut off?). Records before this point were read." });
    }
  }

  private problem(line: number, column: number, message: string): void {
    this.sink.add({ line, column, severity: 'error', code: 'trace/bad-json', message });
  }
}

/**
 * The first few JSON values in a file's head (for detectors): JSON Lines parsed per line, or the
 * first records of an array or document when they fit.
 */
export function sampleHead(head: string, max = 5): unknown[] {
  const out: unknown[] = [];
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !parsesAlone(trimmed.split('\n', 1)[0].trim()) && !trimmed.split('\n', 1)[0].trim().endsWith('}'))) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      return Array.isArray(v) ? v.slice(0, max) : [v];
    } catch {
      // Cut at 8 KiB: scan for complete records.
    }
    const sink = { add: () => undefined } as unknown as ProblemSink;
    const scanner = new ValueScanner(trimmed.startsWith('[') ? 'array' : 'document', sink);
    let n = 0;
    for (const text of trimmed.split('\n')) {
      for (const item of scanner.feed({ line: ++n, text, byteStart: 0, byteEnd: 0 })) {
        out.push(item.value);
        if (out.length >= max) return out;
      }
    }
    return out;
  }
  for (const raw of head.split('\n')) {
    let t = raw.trim();
    if (t.startsWith('data:')) t = t.slice(5).trim();
    if (t === '' || !t.startsWith('{')) continue;
    try {
      out.push(JSON.parse(t));
    } catch {
      // The last line is usually cut by the 8 KiB head.
    }
    if (out.length >= max) break;
  }
  return out;
}
