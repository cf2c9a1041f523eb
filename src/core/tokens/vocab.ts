import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Vocabularies: the token byte strings and (for Hugging Face BPE) the merge list, plus what the
 * tokenizer needs around them (pre-tokenizer, normalizer, added tokens). Loaded from three kinds
 * of source: tiktoken rank files (`*.tiktoken`), Hugging Face `tokenizer.json`, and our compact
 * binary form (`*.vocab.gz`, written by `scripts/build-vocab.mjs`) that the extension ships.
 */

/**
 * `tiktoken`: merge priority is the rank (= id) of the merged bytes, and a piece that is itself a
 * token is one token. `hf`: merge priority is the position in the `merges` list.
 */
export type BpeKind = 'tiktoken' | 'hf';

export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens (end-of-text, chat-template markers) may be counted as text on request. */
  special: boolean;
  lstrip: boolean;
  rstrip: boolean;
  singleWord: boolean;
  /** Matched on normalized text rather than the raw input. */
  normalized: boolean;
}

/** How the pieces are cut: a named tiktoken pattern, or a Hugging Face pre_tokenizer object. */
export type PretokenizerSource = { type: 'pattern'; name: 'o200k' | 'cl100k' } | { type: 'hf'; spec: unknown };

export interface VocabHeader {
  /** Tokenizer id, e.g. `o200k_base`. */
  name: string;
  kind: BpeKind;
  /** Hugging Face `ignore_merges`: a piece that is in the vocabulary is one token. */
  ignoreMerges: boolean;
  pretokenizer: PretokenizerSource;
  /** Hugging Face normalizer object, or null. */
  normalizer: unknown;
  added: AddedToken[];
  /** Where the data came from (package and file, or a path). */
  source: string;
}

export interface VocabData extends VocabHeader {
  /** Token byte strings back to back; token i is bytes[offsets[i], offsets[i + 1]) (empty: no byte form). */
  bytes: Uint8Array;
  offsets: Uint32Array;
  /** Hugging Face merges in priority order, as token ids. Empty for tiktoken vocabularies. */
  mergeLeft: Uint32Array;
  mergeRight: Uint32Array;
  /** The id each merge produces (saves looking the concatenation up at load). */
  mergeResult: Uint32Array;
  /** Lookup tables a tokenizer built from this data before (see `tableCache.ts`); checked before use. */
  tables?: BpeTables;
}

/**
 * The open-addressing tables `BpeTokenizer` builds from a vocabulary: byte string → id, and
 * (Hugging Face) merge pair → priority and result. Building them is most of a tokenizer's load
 * time, so they are cached on disk.
 */
export interface BpeTables {
  vSlots: Int32Array;
  vHash: Int32Array;
  pLeft: Int32Array;
  pRight: Int32Array;
  pRank: Int32Array;
  pResult: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// tiktoken rank files

/** Parses a `.tiktoken` file: one `base64 rank` pair per line. */
export function parseTiktoken(text: string, header: Omit<VocabHeader, 'kind' | 'ignoreMerges'>): VocabData {
  const lines = text.split('\n');
  let maxRank = -1;
  const parsed: { bytes: Buffer; rank: number }[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const sp = line.indexOf(' ');
    const rank = Number(line.slice(sp + 1));
    const bytes = Buffer.from(line.slice(0, sp), 'base64');
    parsed.push({ bytes, rank });
    if (rank > maxRank) maxRank = rank;
  }
  const n = maxRank + 1;
  const lengths = new Uint32Array(n);
  for (const p of parsed) lengths[p.rank] = p.bytes.length;
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + lengths[i];
  const bytes = new Uint8Array(offsets[n]);
  for (const p of parsed) bytes.set(p.bytes, offsets[p.rank]);
  return { ...header, kind: 'tiktoken', ignoreMerges: true, bytes, offsets, mergeLeft: new Uint32Array(0), mergeRight: new Uint32Array(0), mergeResult: new Uint32Array(0) };
}

// ---------------------------------------------------------------------------------------------
// Hugging Face tokenizer.json

/** GPT-2's reversible map from bytes to printable characters, inverted: character → byte. */
function byteLevelDecoder(): Map<number, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  const map = new Map<number, number>();
  for (let i = 0; i < bs.length; i++) map.set(cs[i], bs[i]);
  return map;
}

interface HfJson {
  added_tokens?: { id: number; content: string; special?: boolean; lstrip?: boolean; rstrip?: boolean; single_word?: boolean; normalized?: boolean }[];
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: { type?: string } | null;
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[]; ignore_merges?: boolean; byte_fallback?: boolean; continuing_subword_prefix?: string | null; end_of_word_suffix?: string | null };
}

/** Builds vocabulary data from a parsed Hugging Face `tokenizer.json` of a byte-level BPE model. */
export function parseHfTokenizer(json: unknown, name: string, source: string): VocabData {
  const j = json as HfJson;
  const model = j.model;
  if (!model || (model.type !== undefined && model.type !== 'BPE') || !model.vocab || !model.merges) {
    throw new Error(`${source}: not a BPE tokenizer.json (model.type is ${String(model?.type)}).`);
  }
  if (model.byte_fallback || model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new Error(`${source}: only byte-level BPE tokenizers are supported (this one uses byte fallback or subword affixes).`);
  }
  const decoder = byteLevelDecoder();
  let maxId = -1;
  for (const id of Object.values(model.vocab)) if (id > maxId) maxId = id;
  const n = maxId + 1;
  const tokenBytes: (Uint8Array | undefined)[] = new Array(n);
  let total = 0;
  let byteLevel = 0;
  for (const [s, id] of Object.entries(model.vocab)) {
    const out = new Uint8Array(s.length);
    let ok = s.length > 0;
    for (let i = 0; i < s.length && ok; i++) {
      const b = decoder.get(s.charCodeAt(i));
      if (b === undefined) ok = false;
      else out[i] = b;
    }
    // Entries outside the byte alphabet (e.g. DeepSeek's `<｜begin▁of▁sentence｜>`) are only
    // reachable as added tokens.
    if (ok) {
      tokenBytes[id] = out;
      total += out.length;
      byteLevel++;
    }
  }
  if (byteLevel < 256) throw new Error(`${source}: the vocabulary is not byte-level (only ${byteLevel} byte-level entries).`);
  const offsets = new Uint32Array(n + 1);
  const bytes = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const b = tokenBytes[i];
    offsets[i + 1] = offsets[i] + (b ? b.length : 0);
    if (b) bytes.set(b, offsets[i]);
  }
  const left: number[] = [];
  const right: number[] = [];
  const result: number[] = [];
  for (const m of model.merges) {
    let a: string;
    let b: string;
    if (typeof m === 'string') {
      const sp = m.indexOf(' ', 1);
      a = m.slice(0, sp);
      b = m.slice(sp + 1);
    } else [a, b] = m;
    const ia = model.vocab[a];
    const ib = model.vocab[b];
    const ir = model.vocab[a + b];
    if (ia === undefined || ib === undefined || ir === undefined) continue;
    left.push(ia);
    right.push(ib);
    result.push(ir);
  }
  const added: AddedToken[] = (j.added_tokens ?? []).map((t) => ({
    id: t.id,
    content: t.content,
    special: t.special === true,
    lstrip: t.lstrip === true,
    rstrip: t.rstrip === true,
    singleWord: t.single_word === true,
    normalized: t.normalized === true,
  }));
  return {
    name,
    kind: 'hf',
    ignoreMerges: model.ignore_merges === true,
    pretokenizer: { type: 'hf', spec: j.pre_tokenizer ?? null },
    normalizer: j.normalizer ?? null,
    added,
    source,
    bytes,
    offsets,
    mergeLeft: Uint32Array.from(left),
    mergeRight: Uint32Array.from(right),
    mergeResult: Uint32Array.from(result),
  };
}

// ---------------------------------------------------------------------------------------------
// Compact binary form: gzip of
//   'SLV1' | u32 headerLength | header JSON | pad4 | u32 n | u16[n] lengths | pad4 | bytes | pad4 |
//   u32 m | u32[m] left | u32[m] right | u32[m] result          (little-endian)

const MAGIC = 0x31564c53; // 'SLV1'

/** What a vocabulary file stores as JSON: everything but the arrays. */
export function vocabHeader(v: VocabData): VocabHeader {
  return { name: v.name, kind: v.kind, ignoreMerges: v.ignoreMerges, pretokenizer: v.pretokenizer, normalizer: v.normalizer, added: v.added, source: v.source };
}

export function encodeCompact(v: VocabData): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(vocabHeader(v)), 'utf8');
  const n = v.offsets.length - 1;
  const pad = (x: number): number => (x + 3) & ~3;
  const size = pad(8 + headerBytes.length) + 4 + pad(2 * n) + pad(v.bytes.length) + 4 + 12 * v.mergeLeft.length;
  const out = Buffer.alloc(size);
  let p = 0;
  out.writeUInt32LE(MAGIC, p);
  out.writeUInt32LE(headerBytes.length, p + 4);
  headerBytes.copy(out, 8);
  p = pad(8 + headerBytes.length);
  out.writeUInt32LE(n, p);
  p += 4;
  for (let i = 0; i < n; i++) {
    const len = v.offsets[i + 1] - v.offsets[i];
    if (len > 0xffff) throw new Error(`token ${i} is longer than 65535 bytes`);
    out.writeUInt16LE(len, p + 2 * i);
  }
  p += pad(2 * n);
  Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).copy(out, p);
  p += pad(v.bytes.length);
  out.writeUInt32LE(v.mergeLeft.length, p);
  p += 4;
  for (let i = 0; i < v.mergeLeft.length; i++) out.writeUInt32LE(v.mergeLeft[i], p + 4 * i);
  p += 4 * v.mergeLeft.length;
  for (let i = 0; i < v.mergeRight.length; i++) out.writeUInt32LE(v.mergeRight[i], p + 4 * i);
  p += 4 * v.mergeRight.length;
  for (let i = 0; i < v.mergeResult.length; i++) out.writeUInt32LE(v.mergeResult[i], p + 4 * i);
  return gzipSync(out, { level: 9 });
}

export function decodeCompact(gz: Uint8Array, source: string): VocabData {
  const buf = gunzipSync(gz);
  if (buf.readUInt32LE(0) !== MAGIC) throw new Error(`${source}: not a Scaling Lens vocabulary file.`);
  const hlen = buf.readUInt32LE(4);
  const header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as VocabHeader;
  const pad = (x: number): number => (x + 3) & ~3;
  let p = pad(8 + hlen);
  const n = buf.readUInt32LE(p);
  p += 4;
  const offsets = new Uint32Array(n + 1);
  const lengths = (buf.byteOffset + p) % 2 === 0 ? new Uint16Array(buf.buffer, buf.byteOffset + p, n) : Uint16Array.from({ length: n }, (_, i) => buf.readUInt16LE(p + 2 * i));
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + lengths[i];
  p += pad(2 * n);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset + p, offsets[n]);
  p += pad(offsets[n]);
  const m = buf.readUInt32LE(p);
  p += 4;
  const mergeLeft = u32s(buf, p, m);
  const mergeRight = u32s(buf, p + 4 * m, m);
  const mergeResult = u32s(buf, p + 8 * m, m);
  return { ...header, source: `${header.source} (via ${source})`, bytes, offsets, mergeLeft, mergeRight, mergeResult };
}

function u32s(buf: Buffer, at: number, count: number): Uint32Array {
  // A view when aligned (little-endian hosts, which is every platform VS Code runs on), else a copy.
  if ((buf.byteOffset + at) % 4 === 0) return new Uint32Array(buf.buffer, buf.byteOffset + at, count);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = buf.readUInt32LE(at + 4 * i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Finding the bundled vocabularies

let configuredVocabDir: string | undefined;

/**
 * Where the compact vocabularies live at runtime. In order: the folder set here, the
 * `SCALING_LENS_VOCAB_DIR` environment variable, and `vocab/` next to the running bundle (so
 * `dist/server.js`, `dist/cli.js` and `dist/traceWorker.js` find `dist/vocab` by themselves).
 * When none has the file, the loaders fall back to the npm packages in node_modules
 * (development and tests).
 */
export function setVocabDir(dir: string | undefined): void {
  configuredVocabDir = dir;
}

export function getVocabDir(): string | undefined {
  if (configuredVocabDir) return configuredVocabDir;
  if (process.env.SCALING_LENS_VOCAB_DIR) return process.env.SCALING_LENS_VOCAB_DIR;
  const beside = typeof __dirname === 'string' ? join(__dirname, 'vocab') : undefined;
  return beside && existsSync(beside) ? beside : undefined;
}

export function compactFileName(name: string): string {
  return `${name}.vocab.gz`;
}

/** Finds `node_modules/<rel>` from this module's folder, the working directory, or their parents. */
export function findInNodeModules(rel: string): string | undefined {
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.cwd()].filter((s): s is string => !!s);
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'node_modules', rel);
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function fileStamp(path: string): string {
  const s = statSync(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}
