import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProblemSink, type Problem } from '../problem';

/**
 * The column mapping a user saves in the workspace, `.scaling-lens.json`:
 *
 * ```json
 * {
 *   "columns": { "L": "eval/loss", "step": "trainer/global_step", "batch": "global_batch_size", "seqLen": "seq_len" },
 *   "size": "non-embedding",
 *   "runs": { "mlruns/0/3f2a…": { "N": 1.6e8 }, "old-run": { "exclude": true } }
 * }
 * ```
 * - `columns`: for each role, the metric column or config key that holds it, replacing
 *   detection (roles: N, D, C, L, step, batch, seqLen, lr);
 * - `size`: whether N counts all parameters (`total`, the default) or leaves embeddings out;
 * - `runs`: per run (its key in the sweep, or its name), values that replace derived ones
 *   (N, D, C, loss, batch, seqLen), the loss column to use (`lossColumn`), or `exclude`.
 * Other top-level keys are left for other features and kept when the mapping is saved.
 */
export const MAPPING_FILE = '.scaling-lens.json';

export const MAPPED_ROLES = ['N', 'D', 'C', 'L', 'step', 'batch', 'seqLen', 'lr'] as const;
export type MappedRole = (typeof MAPPED_ROLES)[number];

export interface RunOverride {
  N?: number;
  D?: number;
  C?: number;
  loss?: number;
  batch?: number;
  seqLen?: number;
  lossColumn?: string;
  exclude?: boolean;
}

export interface SweepMapping {
  columns: Partial<Record<MappedRole, string>>;
  size?: 'total' | 'non-embedding';
  runs: Record<string, RunOverride>;
}

export const emptyMapping = (): SweepMapping => ({ columns: {}, runs: {} });

const OVERRIDE_NUMBERS = ['N', 'D', 'C', 'loss', 'batch', 'seqLen'] as const;

/** Reads a mapping, reporting each part it cannot use where it stands and keeping the rest. */
export function parseSweepMapping(text: string, file: string): { mapping: SweepMapping; problems: Problem[] } {
  const sink = new ProblemSink(file);
  const mapping = emptyMapping();
  const at = (key: string, within?: string) => locate(text, key, within);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? offsetToPosition(text, Number(pos[1])) : { line: 1, column: 1 };
    sink.add({ ...where, severity: 'error', code: 'mapping/bad-json', message: `${MAPPING_FILE} is not valid JSON (${msg.replace(/ in JSON at position \d+.*$/, '')}); the saved column mapping is not used.` });
    return { mapping, problems: sink.finish() };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'mapping/not-an-object', message: `${MAPPING_FILE} should hold a JSON object; the saved column mapping is not used.` });
    return { mapping, problems: sink.finish() };
  }
  const d = doc as Record<string, unknown>;
  if (d.columns !== undefined) {
    if (!isObject(d.columns)) sink.add({ ...at('columns'), severity: 'warning', code: 'mapping/columns', message: '"columns" should map roles to column names, e.g. {"L": "eval/loss"}.' });
    else {
      for (const [role, col] of Object.entries(d.columns)) {
        if (!(MAPPED_ROLES as readonly string[]).includes(role)) {
          sink.add({ ...at(role), severity: 'warning', code: 'mapping/unknown-role', message: `Unknown role '${role}' (known: ${MAPPED_ROLES.join(', ')}); ignored.` });
        } else if (typeof col !== 'string' || col === '') {
          sink.add({ ...at(role), severity: 'warning', code: 'mapping/column-name', message: `The column for '${role}' should be a column name or config key; ignored.` });
        } else mapping.columns[role as MappedRole] = col;
      }
    }
  }
  if (d.size !== undefined) {
    if (d.size === 'total' || d.size === 'non-embedding') mapping.size = d.size;
    else sink.add({ ...at('size'), severity: 'warning', code: 'mapping/size', message: `"size" is "total" or "non-embedding", not ${JSON.stringify(d.size)}; N counts all parameters.` });
  }
  if (d.runs !== undefined) {
    if (!isObject(d.runs)) sink.add({ ...at('runs'), severity: 'warning', code: 'mapping/runs', message: '"runs" should map run keys or names to overrides, e.g. {"run-a": {"N": 1.6e8}}.' });
    else {
      for (const [run, o] of Object.entries(d.runs)) {
        if (!isObject(o)) {
          sink.add({ ...at(run), severity: 'warning', code: 'mapping/run', message: `The override for '${run}' should be an object such as {"N": 1.6e8}; ignored.` });
          continue;
        }
        const out: RunOverride = {};
        for (const [k, v] of Object.entries(o)) {
          if ((OVERRIDE_NUMBERS as readonly string[]).includes(k)) {
            if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[k as (typeof OVERRIDE_NUMBERS)[number]] = v;
            else sink.add({ ...at(k, run), severity: 'warning', code: 'mapping/override-value', message: `'${k}' for run '${run}' should be a positive number; ignored.` });
          } else if (k === 'lossColumn' && typeof v === 'string') out.lossColumn = v;
          else if (k === 'exclude' && typeof v === 'boolean') out.exclude = v;
          else sink.add({ ...at(k, run), severity: 'warning', code: 'mapping/unknown-override', message: `Unknown override '${k}' for run '${run}' (known: ${[...OVERRIDE_NUMBERS, 'lossColumn', 'exclude'].join(', ')}); ignored.` });
        }
        mapping.runs[run] = out;
      }
    }
  }
  return { mapping, problems: sink.finish() };
}

/** The mapping saved in a workspace folder, or an empty one when there is none. */
export async function readSweepMapping(folder: string, name = join(folder, MAPPING_FILE)): Promise<{ mapping: SweepMapping; problems: Problem[]; file?: string }> {
  let text: string;
  try {
    text = await readFile(join(folder, MAPPING_FILE), 'utf8');
  } catch {
    return { mapping: emptyMapping(), problems: [] };
  }
  return { ...parseSweepMapping(text, name), file: name };
}

/**
 * The file's new text with the mapping saved into it, other top-level keys kept. Empty parts
 * are left out so a hand-written file stays short. Invalid existing text is replaced.
 */
export function mappingText(existing: string | undefined, mapping: SweepMapping): string {
  let doc: Record<string, unknown> = {};
  if (existing !== undefined) {
    try {
      const parsed = JSON.parse(existing);
      if (isObject(parsed)) doc = parsed;
    } catch {
      doc = {};
    }
  }
  const set = (k: string, v: unknown, keep: boolean) => {
    if (keep) doc[k] = v;
    else delete doc[k];
  };
  set('columns', mapping.columns, Object.keys(mapping.columns).length > 0);
  set('size', mapping.size, mapping.size !== undefined);
  set('runs', mapping.runs, Object.keys(mapping.runs).length > 0);
  return JSON.stringify(doc, null, 2) + '\n';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Where a key is written (its first occurrence, after `within` when given), for pointing at it. */
function locate(text: string, key: string, within?: string): { line: number; column: number } {
  const from = within === undefined ? 0 : Math.max(0, text.indexOf(JSON.stringify(within)));
  const i = text.indexOf(JSON.stringify(key), from);
  return i < 0 ? { line: 1, column: 1 } : offsetToPosition(text, i);
}
