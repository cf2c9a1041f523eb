import { INSPECT_BATCH, inspectSamples, openInspectArchive } from '../inspectArchive';
import type { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import { Checkpoint, type WorkOptions } from '../../work';
import { isObj, type Obj } from './common';
import { inspectRecords } from './dataset';
import { isByteSource } from './framing';
import type { TraceReader, TraceRecord } from './record';

/**
 * Inspect eval logs in their default form since Inspect 0.3.46: a `.eval` zip holding
 * `header.json` (the eval: model, task, config) and one `samples/<id>_epoch_<n>.json` per sample,
 * each with the model's output (`reasoning` content blocks, usage with `reasoning_tokens`) and
 * scores. A sample's records are read as the JSON log form's (dataset.ts), since a sample file is
 * an entry of that form's `samples`. A zip has no lines: records point at line 1 and name their
 * sample; problems name the archive member.
 */

const place = { line: 1, endLine: 1, byteStart: 0, byteEnd: 0 };

export const inspectEvalReader: TraceReader = {
  id: 'inspect-eval',
  title: 'Inspect eval logs (.eval archives)',
  detect(name, head) {
    return /\.eval$/i.test(name) && head.startsWith('PK') ? 0.9 : 0;
  },
  async *read(source: TextSource, sink: ProblemSink, work?: WorkOptions): AsyncGenerator<TraceRecord> {
    if (!isByteSource(source)) {
      sink.add({ line: 1, column: 1, severity: 'error', code: 'trace/needs-bytes', message: 'An Inspect .eval log is a zip archive: open it from disk, not as text.' });
      return;
    }
    const parts: Buffer[] = [];
    for await (const c of source.byteChunks()) parts.push(source.reusesChunks ? Buffer.from(c) : c);
    const data: Uint8Array = Buffer.concat(parts);
    let archive;
    try {
      archive = openInspectArchive(data);
    } catch (e) {
      sink.add({ line: 1, column: 1, severity: 'error', code: 'trace/bad-zip', message: `Not a readable zip archive, as an Inspect .eval log should be (${(e as Error).message}).` });
      return;
    }
    let header: Obj = {};
    if (archive.headerText !== undefined) {
      try {
        const parsed: unknown = JSON.parse(archive.headerText);
        if (isObj(parsed)) header = parsed;
      } catch (e) {
        sink.add({ line: 1, column: 1, severity: 'warning', code: 'trace/bad-json', message: `header.json is not valid JSON (${(e as Error).message}): the model is unknown.` });
      }
    }
    const ev = isObj(header.eval) ? header.eval : {};
    const names = archive.sampleNames;
    if (names.length === 0) {
      sink.add({ line: 1, column: 1, severity: 'warning', code: 'trace/no-samples', message: 'This Inspect log has no samples/ entries (it was written without samples): there is no model output to read.' });
      return;
    }
    const checkpoint = new Checkpoint(work ?? {});
    let index = 0;
    for (let b = 0; b < names.length; b += INSPECT_BATCH) {
      for (const [member, text] of inspectSamples(data, names, b, INSPECT_BATCH)) {
        if (text === undefined) continue;
        let sample: unknown;
        try {
          sample = JSON.parse(text);
        } catch (e) {
          sink.add({ line: 1, column: 1, severity: 'error', code: 'trace/bad-json', message: `${member}: not valid JSON (${(e as Error).message}); the other samples are read.` });
          continue;
        }
        if (!isObj(sample) || !isObj(sample.output)) {
          sink.add({ line: 1, column: 1, severity: 'warning', code: 'trace/unrecognized', message: `${member}: expected a sample object with an output; skipped.` });
          continue;
        }
        for (const r of inspectRecords({ eval: ev, samples: [sample] }, place)) {
          r.format = 'inspect-eval';
          r.index = index++;
          yield r;
        }
      }
      await checkpoint.tick(b / names.length, `Reading sample ${b.toLocaleString('en-US')} of ${names.length.toLocaleString('en-US')}`);
    }
  },
};
