import { parentPort, workerData } from 'node:worker_threads';
import { traceReaderById } from '../ingest/traces/index';
import { counterFor } from '../tokens/counters';
import { setTableCacheDir } from '../tokens/tableCache';
import { setVocabDir } from '../tokens/vocab';
import { TraceAnalyzer } from './analyze';
import { packRows } from './rowPack';
import { analyzeSource, fileRangeSource } from './fileSummary';
import { countLines, safeCut, type WorkerInit, type WorkerJob, type WorkerReply } from './parallel';

/**
 * Worker-thread entry for `parallel.ts`: summarises (or just counts) byte ranges of a file.
 * One analyzer per worker, so its tokenizer caches warm up once and serve every range.
 */
const init = workerData as WorkerInit;
setVocabDir(init.vocabDir);
setTableCacheDir(init.tableCacheDir);
const analyzer = new TraceAnalyzer({ ...init.options, detail: 'summary' });

// The pool keeps a second job queued here so this thread never waits for the main one between
// jobs; they still run one at a time, in the order they came.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (job: WorkerJob) => {
  queue = queue.then(() =>
    run(job).then(
      (reply) => parentPort!.postMessage(reply),
      (e: unknown) => parentPort!.postMessage({ kind: 'error', id: job.id, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkerReply),
    ),
  );
});

async function run(job: WorkerJob): Promise<WorkerReply> {
  // Blocking reads: this thread has nothing else to do while it waits for the bytes.
  const source = fileRangeSource(job.path, job.start, job.end, job.name, true);
  if (job.kind === 'count') {
    const counter = counterFor(job.tokenizer);
    let tokens = 0;
    let lines = 0;
    let carry = '';
    // Count in pieces cut where a line ends and the next starts with a non-space character:
    // no bundled pre-tokenizer joins text across such a point, so the sum equals one count of
    // the whole range (range boundaries are chosen the same way).
    let first = job.start === 0;
    for await (const chunk of source.chunks()) {
      let text = carry + chunk;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const cut = safeCut(text);
      if (cut > 0) {
        tokens += counter.count(text.slice(0, cut), { specials: job.specials });
        lines += countLines(text, cut);
        carry = text.slice(cut);
      } else carry = text;
    }
    if (carry !== '') {
      tokens += counter.count(carry, { specials: job.specials });
      lines += countLines(carry, carry.length) + (carry.endsWith('\n') ? 0 : 1);
    }
    return { kind: 'counted', id: job.id, tokens, lines };
  }
  const reader = traceReaderById(job.reader);
  if (!reader) throw new Error(`Unknown trace reader '${job.reader}'.`);
  const { rows, ...result } = await analyzeSource(source, reader, init.options, {}, analyzer);
  return { kind: 'summarized', id: job.id, ...result, packed: packRows(rows) };
}

