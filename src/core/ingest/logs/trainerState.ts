import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ProblemSink, type Problem } from '../problem';
import type { TextSource } from '../source';
import {
  diskTextSource,
  displayNameFor,
  emptyRunInfo,
  flattenInto,
  isNonFiniteText,
  parsePythonJson,
  readOptionalText,
  StepRows,
  stepLog,
  type ConfigValue,
  type DirEntry,
  type FolderLogReader,
  type LogReadOptions,
  type RunInfo,
  type RunLog,
  type TextLogReader,
} from './runLog';

/**
 * Hugging Face Trainer output: `trainer_state.json` (written at every checkpoint and at the
 * end, `json.dumps(..., indent=2, sort_keys=True)`) whose `log_history` holds one entry per
 * logging or evaluation event, with the model's `config.json` beside it for the model size.
 * `all_results.json` / `train_results.json` / `eval_results.json`, when present, are the summary.
 */
export const trainerStateReader: TextLogReader = {
  kind: 'text-file',
  id: 'hf-trainer-state',
  title: 'Hugging Face Trainer state',
  detect(name: string, head: string): number {
    if (basename(name) === 'trainer_state.json') return 0.9;
    return /\.json$/i.test(name) && head.includes('"log_history"') && head.includes('"global_step"') ? 0.7 : 0;
  },
  read: readTrainerState,
};

/** Top-level fields of trainer_state.json that describe the run (the rest is bookkeeping). */
const STATE_FIELDS = ['global_step', 'max_steps', 'num_train_epochs', 'train_batch_size', 'total_flos', 'num_input_tokens_seen', 'logging_steps', 'eval_steps', 'save_steps', 'epoch', 'best_metric'];
const SUMMARY_FILES = ['all_results.json', 'train_results.json', 'eval_results.json'];

export async function readTrainerState(source: TextSource, options: LogReadOptions = {}): Promise<RunLog> {
  const show = displayNameFor(options);
  const run = emptyRunInfo(options.dir ? basename(options.dir) : basename(source.name, '.json'));
  run.files.push(source.name);
  const sink = new ProblemSink(source.name);
  const steps = new StepRows('step', (p) => sink.add(p));
  const companion: Problem[] = [];
  if (options.dir !== undefined) {
    const configPath = join(options.dir, 'config.json');
    const text = await readOptionalText(configPath);
    if (text !== undefined) companion.push(...readJsonConfig(text, show(configPath), run, 'config'));
    for (const f of SUMMARY_FILES) {
      const p = join(options.dir, f);
      const t = await readOptionalText(p);
      if (t !== undefined) companion.push(...readJsonConfig(t, show(p), run, 'summary'));
    }
  }

  let text = '';
  for await (const chunk of source.chunks()) text += chunk;
  let state: Record<string, unknown>;
  try {
    state = parsePythonJson(text) as Record<string, unknown>;
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const at = pos ? positionOf(text, Number(pos[1])) : { line: 1, column: 1 };
    sink.add({ ...at, severity: 'error', code: 'run-log/bad-json', message: `trainer_state.json is not valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')}): a checkpoint cut short while saving? No history read.` });
    return stepLog(source.name, 'hf-trainer-state', options.dir ?? source.name, steps, run, [...sink.finish(), ...companion]);
  }
  if (state === null || typeof state !== 'object' || !Array.isArray(state.log_history)) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'hf/no-log-history', message: 'Expected a JSON object with a log_history array, as the Trainer writes it. No history read.' });
    return stepLog(source.name, 'hf-trainer-state', options.dir ?? source.name, steps, run, [...sink.finish(), ...companion]);
  }
  for (const k of STATE_FIELDS) {
    const v = state[k];
    if (typeof v === 'number' || typeof v === 'string') {
      run.config[k] = v;
      run.sources[k] = source.name;
    }
  }

  const starts = elementOffsets(text, 'log_history');
  const lines = lineStarts(text);
  let lastStep = 0;
  (state.log_history as unknown[]).forEach((entry, i) => {
    const start = starts[i] ?? 0;
    const line = lineAt(lines, start);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      sink.add({ line, column: 1, severity: 'error', code: 'run-log/not-an-object', message: 'Expected an object in log_history; entry skipped.' });
      return;
    }
    const e = entry as Record<string, unknown>;
    // Prediction entries carry no step: they belong to the step they ran after.
    const step = typeof e.step === 'number' ? e.step : lastStep;
    lastStep = step;
    steps.row(step, line);
    const flat: Record<string, ConfigValue> = {};
    flattenInto(e, '', flat);
    for (const [k, v] of Object.entries(flat)) {
      if (k === 'step') continue;
      const keyLine = keyLineAfter(text, lines, start, k);
      if (typeof v === 'number') steps.set(step, k, v, line);
      else if (isNonFiniteText(v)) {
        sink.add({ line: keyLine, column: 1, severity: 'error', code: 'run-log/non-finite', message: `'${k}' is ${v} at step ${step}: expected a finite number; the value is left out.` });
        steps.set(step, k, null, line);
      } else if (typeof v === 'boolean') steps.set(step, k, v ? 1 : 0, line);
    }
  });
  if (typeof state.global_step === 'number' && state.global_step < lastStep) {
    sink.add({ line: 1, column: 1, severity: 'warning', code: 'hf/global-step', message: `global_step is ${state.global_step}, but log_history reaches step ${lastStep}.` });
  }
  return stepLog(source.name, 'hf-trainer-state', options.dir ?? source.name, steps, run, [...sink.finish(), ...companion]);
}

/** config.json (model) or *_results.json (summary), flattened into the run. */
function readJsonConfig(text: string, file: string, run: RunInfo, into: 'config' | 'summary'): Problem[] {
  const sink = new ProblemSink(file);
  run.files.push(file);
  try {
    const doc = parsePythonJson(text);
    const flat: Record<string, RunInfo['config'][string]> = {};
    // id2label / label2id are classification-head labels: noise for scaling.
    if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) if (k !== 'id2label' && k !== 'label2id') flattenInto(v, k, flat);
    for (const [k, v] of Object.entries(flat)) {
      if (into === 'summary' && isNonFiniteText(v)) continue;
      (into === 'config' ? run.config : run.summary)[k] = v;
      run.sources[k] = file;
    }
  } catch (e) {
    sink.add({ line: 1, column: 1, severity: 'warning', code: 'run-log/bad-json', message: `${basename(file)} is not valid JSON (${(e as Error).message}); it is left out.` });
  }
  return sink.finish();
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const starts = lineStarts(text);
  const line = lineAt(starts, offset);
  return { line, column: offset - starts[line - 1] + 1 };
}

function keyLineAfter(text: string, lines: number[], start: number, key: string): number {
  const i = text.indexOf(JSON.stringify(key.split('.').pop()), start);
  return lineAt(lines, i < 0 ? start : i);
}

/** Offsets of the elements of the top-level array under `key`, found by scanning brackets outside strings. */
function elementOffsets(text: string, key: string): number[] {
  const k = text.indexOf(`"${key}"`);
  if (k < 0) return [];
  const open = text.indexOf('[', k);
  if (open < 0) return [];
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (depth === 1) out.push(i);
      depth++;
    } else if (c === 93 || c === 125) {
      depth--;
      if (depth === 0) break;
    }
  }
  return out;
}

/**
 * A Trainer output folder: `trainer_state.json` at the top (written when training ends), else
 * the latest `checkpoint-<step>/trainer_state.json` (the run stopped before the end).
 */
export const trainerFolderReader: FolderLogReader = {
  kind: 'folder',
  id: 'hf-trainer-run',
  title: 'Hugging Face Trainer output folder',
  recognise(_dir: string, entries: readonly DirEntry[]): number {
    if (entries.some((e) => e.isFile && e.name === 'trainer_state.json')) return 0.85;
    return entries.some((e) => e.isDirectory && /^checkpoint-\d+$/.test(e.name)) ? 0.75 : 0;
  },
  async read(dir: string, options: LogReadOptions = {}): Promise<RunLog> {
    const show = displayNameFor(options);
    let stateDir = dir;
    let note: string | undefined;
    const top = await readOptionalText(join(dir, 'trainer_state.json'));
    if (top === undefined) {
      const checkpoints = (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && /^checkpoint-\d+$/.test(e.name))
        .map((e) => ({ name: e.name, step: Number(e.name.slice('checkpoint-'.length)) }))
        .sort((a, b) => b.step - a.step);
      for (const c of checkpoints) {
        if ((await readOptionalText(join(dir, c.name, 'trainer_state.json'))) !== undefined) {
          stateDir = join(dir, c.name);
          note = `No trainer_state.json at the top of the folder (training did not finish?): read from ${c.name}, the latest checkpoint.`;
          break;
        }
      }
    }
    const statePath = join(stateDir, 'trainer_state.json');
    const log = await readTrainerState(await diskTextSource(statePath, show(statePath)), { ...options, dir: stateDir });
    log.path = dir;
    log.runs[0].name = basename(dir);
    if (note) log.runs[0].notes.push(note);
    // The model config of the final save sits at the top even when the state came from a checkpoint.
    if (stateDir !== dir) {
      const text = await readOptionalText(join(dir, 'config.json'));
      if (text !== undefined && !log.runs[0].files.some((f) => f.endsWith('config.json'))) log.problems.push(...readJsonConfig(text, show(join(dir, 'config.json')), log.runs[0], 'config'));
    }
    return log;
  },
};
