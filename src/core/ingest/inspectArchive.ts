import { strFromU8, unzipSync } from 'fflate';

/**
 * The zip layout of an Inspect `.eval` log (Inspect's default log format): `header.json` (or,
 * while an eval still runs, `_journal/start.json`) and one `samples/<id>_epoch_<n>.json` per
 * sample. Shared by the eval-sample reader and the trace reader, which take different things
 * from the same samples.
 */
export interface InspectArchive {
  /** The header's text, when the archive has one. */
  headerText?: string;
  /** Sample members in natural order (`samples/10_epoch_1.json` after `samples/9_epoch_1.json`). */
  sampleNames: string[];
}

/** Lists an archive and reads its header; throws when the bytes are not a readable zip. */
export function openInspectArchive(data: Uint8Array): InspectArchive {
  const names: string[] = [];
  const heads = unzipSync(data, {
    filter: (f) => {
      names.push(f.name);
      return f.name === 'header.json' || f.name === '_journal/start.json';
    },
  });
  const h = heads['header.json'] ?? heads['_journal/start.json'];
  return {
    headerText: h ? strFromU8(h) : undefined,
    sampleNames: names.filter((n) => /^samples\/.+\.json$/.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
  };
}

/** Samples are decompressed this many at a time, so a large log is not held inflated all at once. */
export const INSPECT_BATCH = 256;

/** The text of each of `names` (undefined where the archive lacks it), decompressed a batch at a time. */
export function* inspectSamples(data: Uint8Array, names: readonly string[], from = 0, count = names.length): Generator<[string, string | undefined]> {
  const batch = names.slice(from, from + count);
  const wanted = new Set(batch);
  const files = unzipSync(data, { filter: (f) => wanted.has(f.name) });
  for (const member of batch) yield [member, files[member] ? strFromU8(files[member]) : undefined];
}
