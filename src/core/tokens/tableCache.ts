import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { TABLE_LAYOUT } from './bpe';
import { vocabHeader, type BpeTables, type VocabData, type VocabHeader } from './vocab';

/**
 * A tokenizer's vocabulary with its built lookup tables, cached on disk. Loading a bundled
 * tokenizer means decompressing its vocabulary and building two hash tables over 130–200k
 * tokens and as many merges: 40–80 ms each on one core, paid again by every process and every
 * worker thread (a file summary's workers load three tokenizers each before their first trace).
 * Read back from the cache, the same data is one file read and a few views.
 *
 * The cache lives in `SCALING_LENS_CACHE_DIR` when that is set (empty: no cache), else in
 * `$XDG_CACHE_HOME/scaling-lens` (`~/.cache/scaling-lens`). Each entry is stamped with the file
 * it came from (path, size, modification time) and with the table layout (`TABLE_LAYOUT`); a
 * tokenizer checks a sample of the tables against its data before it uses them, so a stale or
 * damaged entry is rebuilt rather than trusted. At most three entries per vocabulary are kept.
 * Nothing fails when the folder cannot be written.
 *
 * Format: 'SLT1' | u32 header length | header JSON | pad to 4 | the sections the header lists,
 * each padded to 4 bytes (little-endian, as every platform VS Code runs on).
 */

const MAGIC = 0x31544c53; // 'SLT1'
const FORMAT = 1;
/** Entries kept per vocabulary, newest first (see `writeCachedVocab`). */
const KEEP_PER_VOCAB = 3;

let configuredDir: string | undefined | null = null;

/** Sets the cache folder for this thread (undefined: no cache); null goes back to the default. */
export function setTableCacheDir(dir: string | undefined | null): void {
  configuredDir = dir;
}

export function getTableCacheDir(): string | undefined {
  if (configuredDir !== null) return configuredDir;
  const env = process.env.SCALING_LENS_CACHE_DIR;
  if (env !== undefined) return env === '' ? undefined : env;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'scaling-lens', 'tokenizers');
}

interface CacheHeader {
  format: number;
  layout: string;
  stamp: string;
  vocab: VocabHeader;
  sections: [name: SectionName, length: number][];
}

type SectionName = 'offsets' | 'bytes' | keyof BpeTables;
const INT_SECTIONS: (keyof BpeTables)[] = ['vSlots', 'vHash', 'pLeft', 'pRight', 'pRank', 'pResult'];

/** One file per base vocabulary and source: a hash of the stamp keeps two sources' entries apart. */
function entryPrefix(name: string): string {
  return `${name.replace(/[^\w.-]/g, '_')}-`;
}

/** The file name of the entry for vocabulary `name` from the source with `stamp`. */
export function entryName(name: string, stamp: string): string {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < stamp.length; i++) h = Math.imul(h ^ stamp.charCodeAt(i), 0x01000193);
  return `${entryPrefix(name)}${(h >>> 0).toString(36)}.tables`;
}

/** The cached vocabulary `name` built from the source with `stamp`, with its tables; undefined when absent or stale. */
export function readCachedVocab(name: string, stamp: string, dir = getTableCacheDir()): VocabData | undefined {
  if (!dir) return undefined;
  let buf: Buffer;
  try {
    buf = readFileSync(join(dir, entryName(name, stamp)));
  } catch {
    return undefined;
  }
  try {
    if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) return undefined;
    const hlen = buf.readUInt32LE(4);
    const header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as CacheHeader;
    if (header.format !== FORMAT || header.layout !== TABLE_LAYOUT || header.stamp !== stamp) return undefined;
    // Views need 4-byte alignment; a file read gets its own buffer, but a small one may share the pool.
    if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf);
    let p = pad4(8 + hlen);
    const views = new Map<SectionName, Uint8Array | Uint32Array | Int32Array>();
    for (const [section, length] of header.sections) {
      const bytes = section === 'bytes' ? length : 4 * length;
      if (p + bytes > buf.length) return undefined;
      const at = buf.byteOffset + p;
      views.set(section, section === 'bytes' ? new Uint8Array(buf.buffer, at, length) : section === 'offsets' ? new Uint32Array(buf.buffer, at, length) : new Int32Array(buf.buffer, at, length));
      p = pad4(p + bytes);
    }
    const offsets = views.get('offsets') as Uint32Array | undefined;
    const bytes = views.get('bytes') as Uint8Array | undefined;
    if (!offsets || !bytes || INT_SECTIONS.some((s) => !views.has(s))) return undefined;
    const tables = Object.fromEntries(INT_SECTIONS.map((s) => [s, views.get(s)])) as unknown as BpeTables;
    const none = new Uint32Array(0);
    return { ...header.vocab, offsets, bytes, mergeLeft: none, mergeRight: none, mergeResult: none, tables };
  } catch {
    return undefined;
  }
}

/**
 * Stores `v` with the tables a tokenizer built from it. Written to a temporary file and renamed,
 * so a reader never sees half an entry. Best effort: an unwritable folder leaves things as they were.
 */
export function writeCachedVocab(name: string, stamp: string, v: VocabData, tables: BpeTables, dir = getTableCacheDir()): boolean {
  if (!dir) return false;
  const sections: [SectionName, Uint8Array | Uint32Array | Int32Array][] = [['offsets', v.offsets], ['bytes', v.bytes], ...INT_SECTIONS.map((s): [SectionName, Int32Array] => [s, tables[s]])];
  const header: CacheHeader = { format: FORMAT, layout: TABLE_LAYOUT, stamp, vocab: vocabHeader(v), sections: sections.map(([s, a]) => [s, a.length]) };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  let size = pad4(8 + headerBytes.length);
  for (const [, a] of sections) size = pad4(size + a.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  let p = pad4(8 + headerBytes.length);
  for (const [, a] of sections) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
    p = pad4(p + a.byteLength);
  }
  const file = entryName(name, stamp);
  const tmp = join(dir, `${file}.${process.pid}-${threadId}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, out);
    renameSync(tmp, join(dir, file));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
    }
    return false;
  }
  // Each source of a vocabulary (an install, a checkout, a test's folder) has its own entry.
  // The newest few are kept, so installs in use side by side keep theirs and the entries of
  // sources long gone do not pile up.
  try {
    const siblings = readdirSync(dir)
      .filter((f) => f.startsWith(entryPrefix(name)) && f.endsWith('.tables'))
      .map((f) => ({ f, t: f === file ? Number.POSITIVE_INFINITY : statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of siblings.slice(KEEP_PER_VOCAB)) unlinkSync(join(dir, f));
  } catch {
    // Another process may be removing the same files.
  }
  return true;
}

function pad4(x: number): number {
  return (x + 3) & ~3;
}
