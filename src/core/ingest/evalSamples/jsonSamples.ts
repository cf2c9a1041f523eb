import { detectMapping, recordKeys } from './fields';
import { errorReason, firstValue, LineIndex, parseJson, readText, scanMembers, type Member } from './json';
import { looksLikeSamples, RecordCollector } from './records';
import type { ColumnMapping, EvalNote, EvalReadOptions, EvalSampleReader, EvalSampleSet } from './types';
import type { TextSource } from '../source';

/**
 * Generic whole-file JSON eval samples, in the shapes research repos write:
 *  - an array of records, or an object holding one (`{"samples": [...]}`);
 *  - a map from problem id to its list of samples: booleans or scores (correctness), strings
 *    (answers or responses) or records (`{"HumanEval/0": [true, false, ...]}`);
 *  - an object of such maps side by side, matched by problem id and position — CRUXEval's
 *    `raw_generations` (answers) with `raw_scored_generations` (correctness).
 * Top-level numbers (`pass_at_1`) are kept as the file's own reported figures.
 * Each member is parsed on its own, so a broken one is reported at its line and skipped.
 */

type ListKind = 'correct' | 'text' | 'records' | 'unknown';

/** Average length above which strings are whole responses to extract answers from. */
const RESPONSE_LENGTH = 200;

function kindOf(list: unknown[]): ListKind {
  const first = list.find((v) => v !== null && v !== undefined);
  if (typeof first === 'boolean' || typeof first === 'number') return 'correct';
  if (typeof first === 'string') return 'text';
  if (first && typeof first === 'object' && !Array.isArray(first)) return 'records';
  return 'unknown';
}

interface MapCandidate {
  key: string | undefined;
  members: Member[];
}

/** Whether most members of an object hold arrays: a map from problem id to samples. */
function isListMap(text: string, members: Member[]): boolean {
  if (members.length === 0) return false;
  const look = members.slice(0, 20);
  return look.filter((m) => text.charCodeAt(m.start) === 91).length >= Math.ceil(look.length * 0.8);
}

const CORRECT_KEY = /scor|correct|pass|result|label|success|judg|grade/i;
const TEXT_KEY = /gen|answer|pred|output|response|completion|sample/i;

function readRecordArray(text: string, lines: LineIndex, list: Member[], out: RecordCollector): void {
  for (const m of list) {
    const at = lines.locate(m.start);
    try {
      const v = parseJson(text.slice(m.start, m.end));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        out.sink.add({ ...at, severity: 'error', code: 'eval/not-an-object', message: 'Expected a record (JSON object); element skipped.' });
        continue;
      }
      out.add(v as Record<string, unknown>, at);
    } catch (e) {
      out.sink.add({ ...at, severity: 'error', code: 'eval/bad-json', message: `Not valid JSON (${errorReason(e)}); element skipped.` });
    }
  }
}

async function read(source: TextSource, options: EvalReadOptions): Promise<EvalSampleSet> {
  const text = await readText(source, options);
  const lines = new LineIndex(text);
  const start = firstValue(text);
  const top = scanMembers(text, start);
  const notes: EvalNote[] = [];
  const reported: Record<string, number> = {};
  if (!top) {
    const out = new RecordCollector(source.name, 'json-samples', options);
    out.sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/not-a-container', message: 'Expected a JSON array of samples or an object; nothing read.' });
    return out.finish();
  }
  const topError = (out: RecordCollector) => {
    if (top.error) out.sink.add({ ...lines.locate(top.error.offset), severity: 'error', code: 'eval/bad-json', message: `The document breaks off here (${top.error.message}); what follows is lost.` });
  };
  if (top.kind === 'array') {
    const out = new RecordCollector(source.name, 'json-samples', options);
    readRecordArray(text, lines, top.members, out);
    topError(out);
    return out.finish();
  }

  // Scalars at the top are the file's own summary numbers.
  for (const m of top.members) {
    const c = text.charCodeAt(m.start);
    if (m.key !== undefined && (c === 45 || (c >= 48 && c <= 57))) {
      const v = Number(text.slice(m.start, m.end));
      if (Number.isFinite(v)) reported[m.key] = v;
    }
  }

  // An array of records under a key: {"samples": [...]}.
  const arrays = top.members.filter((m) => text.charCodeAt(m.start) === 91 && (options.select === undefined || m.key === options.select));
  for (const m of arrays) {
    const inner = scanMembers(text, m.start);
    const firstRec = inner?.members[0];
    if (!inner || !firstRec || text.charCodeAt(firstRec.start) !== 123) continue;
    try {
      const probe = parseJson(text.slice(firstRec.start, firstRec.end)) as Record<string, unknown>;
      if (!looksLikeSamples(recordKeys(probe)) && options.mapping?.problemId === undefined) continue;
    } catch {
      continue;
    }
    if (isListMap(text, top.members) && top.members.length > 3) break;
    const out = new RecordCollector(source.name, 'json-samples', options);
    readRecordArray(text, lines, inner.members, out);
    if (top.members.filter((x) => text.charCodeAt(x.start) === 91).length > 1) notes.push({ code: 'eval/select', message: `Read the records under '${m.key}' (choose another key with the select option).` });
    topError(out);
    return out.finish(notes, reported);
  }

  // A map from problem id to one record holding that problem's samples as lists:
  // {"HumanEval/0": {"completions": [...], "passed": [...]}}. Told apart from maps of lists
  // under named keys (CRUXEval) by the inner keys: field names here, problem ids there.
  const objects = top.members.filter((m) => text.charCodeAt(m.start) === 123);
  if (objects.length >= 2 && objects.length >= 0.8 * top.members.length) {
    let probe: Record<string, unknown> | undefined;
    try {
      probe = parseJson(text.slice(objects[0].start, objects[0].end)) as Record<string, unknown>;
    } catch {
      probe = undefined;
    }
    if (probe && looksLikeSamples(['problem_id', ...recordKeys(probe)])) {
      const out = new RecordCollector(source.name, 'json-samples', options);
      for (const m of objects) {
        const at = lines.locate(m.start);
        try {
          const record = parseJson(text.slice(m.start, m.end)) as Record<string, unknown>;
          out.add({ problem_id: m.key, ...record }, at);
        } catch (e) {
          out.sink.add({ ...at, severity: 'error', code: 'eval/bad-json', message: `Problem '${m.key}': not valid JSON (${errorReason(e)}); skipped.` });
        }
      }
      notes.push({ code: 'eval/shape', message: 'Read a map from problem id to a record of that problem\'s samples.' });
      topError(out);
      return out.finish(notes, reported);
    }
  }

  // Maps from problem id to lists: the top object itself, or objects under its keys.
  const candidates: MapCandidate[] = [];
  if (isListMap(text, top.members)) candidates.push({ key: undefined, members: top.members });
  else {
    for (const m of top.members) {
      if (text.charCodeAt(m.start) !== 123) continue;
      const inner = scanMembers(text, m.start);
      if (inner && isListMap(text, inner.members)) candidates.push({ key: m.key, members: inner.members });
    }
  }
  if (candidates.length === 0) {
    const out = new RecordCollector(source.name, 'json-samples', options);
    out.sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/unknown-shape', message: 'No samples found: expected an array of records, or a map from problem id to a list of samples.' });
    return out.finish(notes, reported);
  }

  // Classify each map by its first list, then pick one for correctness and one for answers.
  const classified = candidates.map((c) => {
    let kind: ListKind = 'unknown';
    let meanLength = 0;
    for (const m of c.members.slice(0, 5)) {
      try {
        const list = parseJson(text.slice(m.start, m.end));
        if (Array.isArray(list) && list.length) {
          kind = kindOf(list);
          if (kind === 'text') meanLength = list.reduce((s: number, v) => s + String(v).length, 0) / list.length;
          break;
        }
      } catch {
        // Judged by the next list.
      }
    }
    return { ...c, kind, meanLength };
  });
  const pick = (kind: ListKind, prefer: RegExp) => {
    const of = classified.filter((c) => c.kind === kind);
    if (options.select !== undefined) {
      const chosen = of.find((c) => c.key === options.select);
      if (chosen) return chosen;
    }
    return of.find((c) => c.key !== undefined && prefer.test(c.key)) ?? of[0];
  };
  const records = pick('records', /./);
  const correct = pick('correct', CORRECT_KEY);
  const answers = pick('text', TEXT_KEY);
  const used = [records, correct, answers].filter((c) => c !== undefined);
  const unused = classified.filter((c) => !used.includes(c) && c.key !== undefined).map((c) => c.key);
  if (unused.length) notes.push({ code: 'eval/unused-maps', message: `Not read: ${unused.join(', ')} (choose with the select option).` });
  const described = used.map((c) => (c.key === undefined ? 'the top-level map' : `'${c.key}'`)).join(' and ');
  notes.push({ code: 'eval/shape', message: `Read ${described} as a map from problem id to its samples, matched by id and position.` });

  const isResponse = answers !== undefined && answers.meanLength > RESPONSE_LENGTH;
  const mapping: ColumnMapping = records
    ? detectRecordMapping(text, records.members, options)
    : { problemId: 'problemId', sampleIndex: 'sampleIndex', correct: 'correct', ...(isResponse ? { response: 'text' } : { answer: 'text' }) };
  const out = new RecordCollector(source.name, 'json-samples', options, mapping);

  /** Problem id → its parsed list in each map used. */
  const lists = new Map<string, { at: { line: number; column: number }; correct?: unknown[]; text?: unknown[]; records?: unknown[] }>();
  const order: string[] = [];
  const load = (c: (typeof classified)[number] | undefined, slot: 'correct' | 'text' | 'records') => {
    if (!c) return;
    for (const m of c.members) {
      const id = m.key!;
      const at = lines.locate(m.start);
      let entry = lists.get(id);
      if (!entry) {
        lists.set(id, (entry = { at }));
        order.push(id);
      }
      try {
        const v = parseJson(text.slice(m.start, m.end));
        if (!Array.isArray(v)) {
          out.sink.add({ ...at, severity: 'error', code: 'eval/not-a-list', message: `Problem '${id}': expected a list of samples; skipped.` });
          continue;
        }
        entry[slot] = v;
      } catch (e) {
        out.sink.add({ ...at, severity: 'error', code: 'eval/bad-json', message: `Problem '${id}': not valid JSON (${errorReason(e)}); skipped.` });
      }
    }
  };
  load(records, 'records');
  load(correct, 'correct');
  load(answers, 'text');
  let mismatched = 0;
  for (const id of order) {
    const e = lists.get(id)!;
    if (e.correct && e.text && e.correct.length !== e.text.length) mismatched++;
    const n = Math.max(e.records?.length ?? 0, e.correct?.length ?? 0, e.text?.length ?? 0);
    for (let j = 0; j < n; j++) {
      let record: Record<string, unknown>;
      if (e.records) {
        const r = e.records[j];
        if (r === null || typeof r !== 'object' || Array.isArray(r)) {
          if (j < e.records.length) out.sink.add({ ...e.at, severity: 'error', code: 'eval/not-an-object', message: `Problem '${id}', sample ${j}: not a record; skipped.` });
          continue;
        }
        record = { ...(r as Record<string, unknown>) };
        if (mapping.problemId === 'problemId' || record[mapping.problemId ?? 'problemId'] === undefined) record.problemId = id;
        if (record.sampleIndex === undefined && mapping.sampleIndex === 'sampleIndex') record.sampleIndex = j;
      } else record = { problemId: id, sampleIndex: j };
      if (e.correct) record.correct = e.correct[j];
      if (e.text) record.text = e.text[j];
      out.add(record, e.at);
    }
  }
  if (mismatched) notes.push({ code: 'eval/length-mismatch', message: `${mismatched} problems have different numbers of answers and correctness values; samples were matched by position.` });
  topError(out);
  return out.finish(notes, reported);
}

/** Mapping for maps of records, with the problem id supplied by the map's key. */
function detectRecordMapping(text: string, members: Member[], options: EvalReadOptions): ColumnMapping {
  const keys = new Set<string>();
  for (const m of members.slice(0, 5)) {
    try {
      const list = parseJson(text.slice(m.start, m.end));
      if (Array.isArray(list)) for (const r of list.slice(0, 10)) if (r && typeof r === 'object') for (const k of recordKeys(r as Record<string, unknown>)) keys.add(k);
    } catch {
      // Judged by the others.
    }
  }
  const m = detectMapping([...keys], options.mapping);
  return { ...m, problemId: options.mapping?.problemId ?? 'problemId', sampleIndex: m.sampleIndex ?? 'sampleIndex', correct: m.correct ?? 'correct' };
}

export const jsonSamplesReader: EvalSampleReader = {
  id: 'json-samples',
  title: 'JSON eval samples (array of records, or map from problem to samples)',
  detect(name, head) {
    if (!/\.json$/i.test(name)) return 0;
    const t = head.trimStart();
    if (t.startsWith('[')) {
      // An array of records with eval fields.
      const m = /^\[\s*(\{[^]*?\})\s*[,\]]/.exec(t);
      if (m) {
        try {
          return looksLikeSamples(recordKeys(JSON.parse(m[1]) as Record<string, unknown>)) ? 0.6 : 0.1;
        } catch {
          return 0.1;
        }
      }
      return 0.1;
    }
    // A map to lists of samples: `"id": [true, ...` or `"raw_x": {"id": [...`, several of them
    // (a config's single `"architectures": [...]` is not one).
    const lists = t.match(/"[^"]+"\s*:\s*\[\s*(true|false|-?[\d.]|"|\{)/g)?.length ?? 0;
    if (/^\{\s*"[^"]+"\s*:\s*(\{\s*"[^"]+"\s*:\s*)?\[/.test(t) && lists >= 3) return 0.5;
    if (/"(samples|results|records|data|outputs|generations)"\s*:\s*\[\s*\{/.test(t)) return 0.3;
    return 0;
  },
  read: (source, options = {}) => read(source, options),
};
