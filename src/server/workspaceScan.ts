import { candidateFiles } from '../core/ingest/walk';
import { detectFormat } from '../core/ingest/registry';
import { fileSource } from '../core/ingest/source';

export interface FoundRunLog {
  path: string;
  format: string;
  title: string;
}

/** Files under `root` that a reader claims. */
export async function findRunLogs(root: string, limit = 500): Promise<FoundRunLog[]> {
  const found: FoundRunLog[] = [];
  for (const path of await candidateFiles(root, { limit })) {
    const reader = await detectFormat(fileSource(path));
    if (reader) found.push({ path, format: reader.id, title: reader.title });
  }
  return found;
}
