import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '__pycache__', '.venv', 'venv', '.mypy_cache', '.ipynb_checkpoints']);

/** Names of files a reader might claim; others in a folder are not looked at. */
export const CANDIDATE_FILE = /\.(csv|tsv|jsonl|ndjson)$|(^|[\\/])trainer_state\.json$|(^|[\\/])events\.out\.tfevents\./i;

export interface WalkOptions {
  maxDepth?: number;
  limit?: number;
  /** Also any .json/.eval file (eval logs, CRUXEval-style results): for commands that want eval samples. */
  json?: boolean;
}

const EVAL_FILE = /\.(json|eval)$/i;

/**
 * Candidate input files under a path (itself, if it is a file), sorted so output is stable.
 * Hidden folders and build or environment folders are skipped.
 */
export async function candidateFiles(path: string, options: WalkOptions = {}): Promise<string[]> {
  const maxDepth = options.maxDepth ?? 8;
  const limit = options.limit ?? 10000;
  const st = await stat(path);
  if (st.isFile()) return [path];
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > maxDepth || found.length >= limit) return;
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      return;
    }
    const entries = [];
    for await (const e of handle) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (found.length >= limit) return;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(p, depth + 1);
      } else if (e.isFile() && (CANDIDATE_FILE.test(e.name) || (options.json && EVAL_FILE.test(e.name)))) found.push(p);
    }
  };
  await walk(path, 0);
  return found;
}
