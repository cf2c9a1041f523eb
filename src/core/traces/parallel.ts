import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Problem } from '../ingest/problem';
import { readHead } from '../ingest/source';
import { detectTraceReader, traceReaderById } from '../ingest/traces/index';
import type { CountOptions } from '../tokens/bpe';
import { getTableCacheDir } from '../tokens/tableCache';
import { getVocabDir } from '../tokens/vocab';
import { CancelledError, type WorkOptions } from '../work';
import type { TraceOptions } from './analyze';
import { traceFileSource } from '../ingest/traces/framing';
import { fileSize, summarizeTraceSource, withDropped, type RangeResult, type SummaryOptions } from './fileSummary';
import { TraceSummaryBuilder, type FileTraceSummary } from './summary';
import { unpackRows, type PackedRows } from './rowPack';
import { findWorkerScript, startWorker, type WorkerScript } from '../workerScript';

/**
 * Big trace files on every core: the file is cut into byte ranges at line boundaries, worker
 * threads read and analyse ranges as they free up, and the results are stitched back in file
 * order (line numbers and byte offsets shifted, unnamed records renumbered). Only formats whose
 * records each sit on one line can be cut; the rest, and small files, run on one thread.
 *
 * The bundled extension runs the workers from `dist/traceWorker.js` (an esbuild entry for
 * `src/core/traces/worker.ts`); tests and `tsx` run `worker.ts` directly.
 */

export interface WorkerInit {
  options: TraceOptions;
  vocabDir?: string;
  /** The tokenizer table cache of the calling thread (see `tableCache.ts`), which a worker does not inherit when set in code. */
  tableCacheDir?: string;
}

export type WorkerJob =
  | { kind: 'summarize'; id: number; path: string; name: string; start: number; end: number; reader: string }
  | { kind: 'count'; id: number; path: string; name: string; start: number; end: number; tokenizer: string; specials?: CountOptions['specials'] };

export type WorkerReply =
  | ({ kind: 'summarized'; id: number; packed: PackedRows } & Omit<RangeResult, 'rows'>)
  | { kind: 'counted'; id: number; tokens: number; lines: number }
  | { kind: 'error'; id: number; message: string };

export interface ParallelOptions extends WorkOptions {
  /** Worker threads (default: the machine's parallelism). 1 runs on the calling thread. */
  workers?: number;
  /** Files smaller than this run on one thread (default 16 MB): starting workers costs ~0.2 s. */
  minParallelBytes?: number;
  /** Target range size (default 4 MB: small enough that the last ranges keep both workers busy). */
  rangeBytes?: number;
  /** Path of the worker script (default: `traceWorker.js` beside the bundle, else `worker.ts` via tsx). */
  workerScript?: string;
}

function defaultScript(explicit?: string): WorkerScript {
  if (explicit) return { file: explicit, typescript: explicit.endsWith('.ts') };
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const found = findWorkerScript(here, 'traceWorker.js', 'worker.ts');
  if (!found) throw new Error(`No trace worker script found next to ${here} (expected traceWorker.js).`);
  return found;
}

/** Line-start offsets cutting the file into ranges of about `rangeBytes`; `safe` also requires a non-space next byte. */
export function rangeBoundaries(path: string, size: number, rangeBytes: number, safe: boolean): number[] {
  const cuts = [0];
  const fd = openSync(path, 'r');
  try {
    // Small reads: a cut lands half a line (a few KB) before the next line start, on average.
    const buf = Buffer.alloc(1 << 13);
    for (let target = rangeBytes; target < size; ) {
      let found = -1;
      let pos = target;
      while (found < 0 && pos < size) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        // One byte left: no newline with a byte after it (and stepping n - 1 would not move).
        if (n <= 1) break;
        for (let i = 0; i < n - 1; i++) {
          if (buf[i] !== 10) continue;
          const next = buf[i + 1];
          if (!safe || (next > 32 && next < 0x80)) {
            found = pos + i + 1;
            break;
          }
        }
        pos += n - 1;
      }
      if (found < 0 || found >= size) break;
      cuts.push(found);
      // The last few ranges are a quarter size, so the workers run out of work at nearly the same time.
      target = found + (size - found > 4 * rangeBytes ? rangeBytes : Math.max(1, rangeBytes >> 2));
    }
  } finally {
    closeSync(fd);
  }
  cuts.push(size);
  return cuts;
}

/**
 * Runs jobs on a pool of workers. Each worker holds up to two: it runs one while the next waits
 * in its queue, so it does not sit idle while the main thread, busy stitching a reply or
 * collecting garbage, gets round to sending more (that idling was about 1% of each worker's time).
 */
async function runPool<R extends WorkerReply>(script: WorkerScript, init: WorkerInit, jobs: WorkerJob[], workers: number, work: WorkOptions, onDone: (reply: R, job: WorkerJob) => void): Promise<void> {
  return runOnPool(startPool(script, init, Math.min(workers, jobs.length)), jobs, work, onDone);
}

/**
 * Starts the threads. A thread takes tens of milliseconds to boot and load its bundle, so callers
 * that have more to do before the first job (finding where to cut the file) start them first.
 */
function startPool(script: WorkerScript, init: WorkerInit, count: number): Worker[] {
  const pool: Worker[] = [];
  for (let k = 0; k < count; k++) pool.push(startWorker(script, { workerData: init }));
  return pool;
}

/** Runs `jobs` on the started `pool`, and terminates its threads when they are done or one fails. */
async function runOnPool<R extends WorkerReply>(pool: Worker[], jobs: WorkerJob[], work: WorkOptions, onDone: (reply: R, job: WorkerJob) => void): Promise<void> {
  // More threads than jobs: the spare ones go now.
  for (const w of pool.splice(Math.max(1, jobs.length))) w.terminate().catch(() => undefined);
  let next = 0;
  let finished = 0;
  let failure: Error | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error): void => {
        if (failure) return;
        failure = e;
        reject(e);
      };
      const timer = setInterval(() => {
        if (work.cancel?.isCancellationRequested) fail(new CancelledError());
      }, 50);
      const done = (): void => {
        clearInterval(timer);
        resolve();
      };
      if (jobs.length === 0) {
        done();
        return;
      }
      const feed = (w: Worker): void => {
        if (failure) return;
        if (next < jobs.length) w.postMessage(jobs[next++]);
      };
      for (const w of pool) {
        w.on('message', (reply: WorkerReply) => {
          if (reply.kind === 'error') {
            clearInterval(timer);
            fail(new Error(`Trace worker failed: ${reply.message}`));
            return;
          }
          onDone(reply as R, jobs.find((j) => j.id === reply.id)!);
          finished++;
          work.progress?.(finished / jobs.length, `Read ${finished} of ${jobs.length} parts`);
          if (finished === jobs.length) done();
          else feed(w);
        });
        w.on('error', (e) => {
          clearInterval(timer);
          fail(e);
        });
        w.on('exit', (code) => {
          if (code !== 0 && finished < jobs.length) {
            clearInterval(timer);
            fail(new Error(`Trace worker exited with code ${code}.`));
          }
        });
        feed(w);
      }
      for (const w of pool) feed(w);
    });
  } finally {
    // Every job is done (or failed): the summary need not wait for the threads to be torn down.
    for (const w of pool) w.terminate().catch(() => undefined);
  }
}

/** Whether a file can be cut at line boundaries for `reader`: one record per line, no streams. */
function cuttable(readerLineIndependent: boolean, head: string): boolean {
  if (!readerLineIndependent) return false;
  const t = head.trimStart();
  if (t.startsWith('[')) return false;
  const first = t.split('\n', 1)[0].trim();
  if (first.startsWith('{') && !first.endsWith('}')) return false;
  // Streamed responses span lines.
  return !/"object"\s*:\s*"chat\.completion\.chunk"|"type"\s*:\s*"(message_start|content_block_delta)"|^data:/m.test(head);
}

/**
 * Summary of a trace file, on worker threads when it is big and line-oriented. Same result as
 * `summarizeTraceSource(traceFileSource(path))`.
 */
export async function summarizeTraceFile(path: string, options: SummaryOptions & ParallelOptions = {}, name = path): Promise<FileTraceSummary> {
  const size = fileSize(path) ?? 0;
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const head = await readHead(traceFileSource(path, name));
  const reader = options.reader ? traceReaderById(options.reader) : detectTraceReader(name, head)?.reader;
  if (!reader || workers === 1 || size < (options.minParallelBytes ?? 16 << 20) || !cuttable(reader.lineIndependent === true, head)) {
    return summarizeTraceSource(traceFileSource(path, name), { ...options, reader: reader?.id });
  }
  const traceOptions: TraceOptions = pickTraceOptions(options);
  // The threads boot while this one finds the cuts (no await until they have their listeners).
  const pool = startPool(defaultScript(options.workerScript), { options: traceOptions, vocabDir: getVocabDir(), tableCacheDir: getTableCacheDir() }, workers);
  let cuts: number[];
  try {
    cuts = rangeBoundaries(path, size, options.rangeBytes ?? 4 << 20, false);
  } catch (e) {
    for (const w of pool) w.terminate().catch(() => undefined);
    throw e;
  }
  const jobs: WorkerJob[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) jobs.push({ kind: 'summarize', id: k, path, name, start: cuts[k], end: cuts[k + 1], reader: reader.id });
  const results = new Array<RangeResult | undefined>(jobs.length);
  // Parts are folded in file order as soon as every part before them is in, so the totals are
  // ready when the last worker replies rather than after a walk over every row.
  const builder = new TraceSummaryBuilder(name, reader.id);
  const problems: Problem[] = [];
  let dropped = 0;
  let lineOffset = 0;
  let stitched = 0;
  const stitch = (k: number, r: RangeResult): void => {
    const byteOffset = cuts[k];
    for (const row of r.rows) {
      row.line += lineOffset;
      row.endLine += lineOffset;
      row.byteStart += byteOffset;
      row.byteEnd += byteOffset;
      row.index = builder.count;
      if (row.id.charCodeAt(0) === 35 /* # */ && /^#\d+$/.test(row.id)) row.id = `#${row.index + 1}`;
      builder.add(row);
    }
    for (const p of r.problems) problems.push({ ...p, line: p.line + lineOffset });
    dropped += r.droppedProblems;
    // Each range but the last ends just after a newline, so its line count is exact.
    lineOffset += r.lines;
  };
  await runOnPool<Extract<WorkerReply, { kind: 'summarized' }>>(pool, jobs, options, (reply) => {
    const { packed, ...rest } = reply;
    results[reply.id] = { ...rest, rows: unpackRows(packed) };
    for (; stitched < jobs.length && results[stitched]; stitched++) {
      stitch(stitched, results[stitched]!);
      results[stitched] = undefined;
    }
  });
  return builder.finish(withDropped(name, problems.slice(0, 1000), dropped + Math.max(0, problems.length - 1000)));
}

function pickTraceOptions(o: SummaryOptions): TraceOptions {
  return {
    modelRules: o.modelRules,
    defaultTokenizer: o.defaultTokenizer,
    tokenizer: o.tokenizer,
    prices: o.prices,
    markers: o.markers,
    usageTolerance: o.usageTolerance,
    specials: o.specials,
  };
}

/**
 * Tokens in a whole text file with one tokenizer, on worker threads for big files. The file is
 * cut only where a line ends and the next starts with a non-space character, where no bundled
 * pre-tokenizer joins text, so the total equals counting the file as one string.
 */
export async function countFileTokens(path: string, tokenizer: string, options: ParallelOptions & { specials?: CountOptions['specials'] } = {}): Promise<{ tokens: number; lines: number; bytes: number }> {
  const size = fileSize(path) ?? 0;
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const single = workers === 1 || size < (options.minParallelBytes ?? 16 << 20);
  const cuts = single ? [0, size] : rangeBoundaries(path, size, options.rangeBytes ?? 4 << 20, true);
  const jobs: WorkerJob[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) jobs.push({ kind: 'count', id: k, path, name: path, start: cuts[k], end: cuts[k + 1], tokenizer, specials: options.specials });
  if (single) {
    // Same code path as the workers, on this thread.
    const { counterFor } = await import('../tokens/counters');
    const { fileRangeSource } = await import('./fileSummary');
    const counter = counterFor(tokenizer);
    let text = '';
    for await (const c of fileRangeSource(path, 0, size).chunks()) text += c;
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return { tokens: counter.count(body, { specials: options.specials }), lines: countLines(body, body.length) + (body !== '' && !body.endsWith('\n') ? 1 : 0), bytes: size };
  }
  let tokens = 0;
  let lines = 0;
  await runPool<{ kind: 'counted'; id: number; tokens: number; lines: number }>(defaultScript(options.workerScript), { options: {}, vocabDir: getVocabDir(), tableCacheDir: getTableCacheDir() }, jobs, workers, options, (reply) => {
    tokens += reply.tokens;
    lines += reply.lines;
  });
  return { tokens, lines, bytes: size };
}

/** The last index i with text[i - 1] === '\n' and text[i] a visible ASCII character, or -1. */
export function safeCut(text: string): number {
  for (let nl = text.lastIndexOf('\n', text.length - 2); nl >= 0; nl = text.lastIndexOf('\n', nl - 1)) {
    const c = text.charCodeAt(nl + 1);
    if (c > 32 && c < 0x80) return nl + 1;
    if (nl === 0) break;
  }
  return -1;
}

export function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
