import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CachedTokenizerFile {
  /** Hugging Face repo id, e.g. `Qwen/Qwen2.5-7B-Instruct`. */
  repo: string;
  path: string;
}

/** The hub cache folder Hugging Face libraries use (same precedence as `huggingface_hub`). */
export function huggingFaceHubDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface', 'hub');
}

/**
 * Every `tokenizer.json` in the local Hugging Face cache (newest snapshot per repo), so a model
 * someone has downloaded gets its exact tokenizer without configuration. Cheap: lists folders only.
 */
export function findCachedTokenizers(hubDir = huggingFaceHubDir()): CachedTokenizerFile[] {
  const out: CachedTokenizerFile[] = [];
  if (!existsSync(hubDir)) return out;
  let entries: string[];
  try {
    entries = readdirSync(hubDir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.startsWith('models--')) continue;
    const snapshots = join(hubDir, e, 'snapshots');
    let best: { path: string; mtime: number } | undefined;
    try {
      for (const rev of readdirSync(snapshots)) {
        const p = join(snapshots, rev, 'tokenizer.json');
        if (!existsSync(p)) continue;
        const mtime = statSync(join(snapshots, rev)).mtimeMs;
        if (!best || mtime > best.mtime) best = { path: p, mtime };
      }
    } catch {
      continue;
    }
    if (best) out.push({ repo: e.slice('models--'.length).split('--').join('/'), path: best.path });
  }
  return out.sort((a, b) => a.repo.localeCompare(b.repo));
}

/** Model rules that send each cached repo's model name to its own tokenizer.json. */
export function rulesForCachedTokenizers(files: readonly CachedTokenizerFile[]): { match: string; tokenizer: string; note: string }[] {
  return files.map((f) => ({ match: f.repo.split('/').pop()!.toLowerCase(), tokenizer: `file:${f.path}`, note: `Hugging Face cache: ${f.repo}` }));
}
