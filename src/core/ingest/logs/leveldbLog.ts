import { Checkpoint, type WorkOptions } from '../../work';
import { ByteReader, readUint16LE, readUint32LE, type ByteSource } from './bytes';
import { crc32 } from './crc32';
import type { BinaryProblem } from './runLog';

/**
 * The framing of W&B's `run-*.wandb` transaction log: LevelDB's log format (32 KiB blocks of
 * chunks, each with a 7-byte header: CRC-32, length, type FULL/FIRST/MIDDLE/LAST) after a
 * 7-byte W&B file header (`:W&B`, magic 0xBEE1, version 0). The file header counts as part of
 * the first block, as both of W&B's writers (Python datastore.py, Go wandb-core) place it.
 *
 * Recovery follows LevelDB's reader: a chunk that fails its checksum or overruns its block
 * costs the rest of that block; reading resumes at the next block with the next FULL or FIRST
 * chunk. A file that ends inside a record (the run was killed, or is still writing) yields
 * every record before it.
 */
export const BLOCK_SIZE = 32768;
export const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

export interface LogRecord {
  /** 1-based number of the record in the file. */
  index: number;
  /** Byte offset of the record's first chunk header. */
  offset: number;
  data: Uint8Array;
}

export type LogItem = { record: LogRecord } | { problem: BinaryProblem };

/** Precomputed CRC of each type byte: the checksum covers the type, then the payload. */
const TYPE_CRC = [0, 1, 2, 3, 4].map((t) => crc32(Uint8Array.of(t)));

export async function* readWandbLog(source: ByteSource, work: WorkOptions = {}): AsyncGenerator<LogItem> {
  const reader = new ByteReader(source.chunks());
  const checkpoint = new Checkpoint(work);
  const header = await reader.read(CHUNK_HEADER);
  if (header.length < CHUNK_HEADER) {
    yield { problem: { record: 1, offset: 0, severity: 'error', code: 'wandb/truncated-header', message: `The file is ${header.length} bytes long: shorter than the 7-byte W&B header. No records.` } };
    return;
  }
  const ident = String.fromCharCode(header[0], header[1], header[2], header[3]);
  const magic = readUint16LE(header, 4);
  if (ident !== ':W&B' || magic !== 0xbee1) {
    yield { problem: { record: 1, offset: 0, severity: 'error', code: 'wandb/bad-header', message: `Not a W&B transaction log: it starts with ${JSON.stringify(ident)} (magic 0x${magic.toString(16)}), expected ":W&B" and 0xbee1.` } };
    return;
  }
  if (header[6] !== 0) {
    yield { problem: { record: 1, offset: 0, severity: 'warning', code: 'wandb/version', message: `W&B log format version ${header[6]}; this reader knows version 0 and reads it as such.` } };
  }

  let index = 0;
  let pending: { offset: number; parts: Uint8Array[]; length: number } | null = null;
  // True after a corrupt chunk: skip FIRST-less fragments quietly until a record starts again.
  let recovering = false;
  let blockStart = 0;
  let block = await reader.read(BLOCK_SIZE - CHUNK_HEADER);
  let pos = 0;
  // The first block holds the file header; offsets inside `block` are relative to this.
  let base = CHUNK_HEADER;

  const problem = (offset: number, severity: BinaryProblem['severity'], code: string, message: string): LogItem => ({
    problem: { record: index + 1, offset, severity, code, message },
  });

  for (;;) {
    if (pos + CHUNK_HEADER > block.length) {
      const rest = block.subarray(pos);
      const full = base + block.length === BLOCK_SIZE;
      if (!full) {
        // The last, partial block: what is left is a header cut short by the end of the file.
        if (rest.length > 0 && rest.some((b) => b !== 0)) {
          yield problem(blockStart + base + pos, 'warning', 'wandb/truncated', `The file ends ${rest.length} bytes into a chunk header: the run was stopped while writing (or is still running). Records before it are read.`);
        } else if (pending) {
          yield problem(pending.offset, 'warning', 'wandb/truncated', 'The file ends inside a record split across blocks: the run was stopped while writing (or is still running). Records before it are read.');
        }
        return;
      }
      if (rest.some((b) => b !== 0)) {
        yield problem(blockStart + base + pos, 'error', 'wandb/bad-trailer', `The ${rest.length} bytes at the end of a block should be zero padding; they are not. Skipped.`);
      }
      blockStart += BLOCK_SIZE;
      base = 0;
      block = await reader.read(BLOCK_SIZE);
      pos = 0;
      if (block.length === 0) {
        if (pending) yield problem(pending.offset, 'warning', 'wandb/truncated', 'The file ends inside a record split across blocks: the run was stopped while writing (or is still running). Records before it are read.');
        return;
      }
      await checkpoint.tick(source.size ? blockStart / source.size : 0, `Reading ${source.name}`);
      continue;
    }
    const at = blockStart + base + pos;
    const checksum = readUint32LE(block, pos);
    const length = readUint16LE(block, pos + 4);
    const type = block[pos + 6];
    if (checksum === 0 && length === 0 && type === 0) {
      // Zeroed space (preallocated or never written): the rest of this block carries nothing.
      if (block.subarray(pos).some((b) => b !== 0)) {
        yield problem(at, 'error', 'wandb/bad-chunk', `A zero chunk header is followed by non-zero bytes at byte ${at}; the rest of the block is skipped.`);
        recovering = true;
        pending = null;
      }
      pos = block.length;
      continue;
    }
    const end = pos + CHUNK_HEADER + length;
    if (end > block.length) {
      // Short of a full block, a chunk that would still fit in one was cut by the end of the file.
      if (base + block.length < BLOCK_SIZE && base + end <= BLOCK_SIZE) {
        yield problem(at, 'warning', 'wandb/truncated', `The file ends inside a record (byte ${at}, ${length} bytes announced, ${block.length - pos - CHUNK_HEADER} present): the run was stopped while writing (or is still running). Records before it are read.`);
        return;
      }
      yield problem(at, 'error', 'wandb/bad-length', `A chunk at byte ${at} announces ${length} bytes, more than its block holds: the data is corrupt. Reading resumes at the next block.`);
      pending = null;
      recovering = true;
      pos = block.length;
      continue;
    }
    if (type < FULL || type > LAST) {
      yield problem(at, 'error', 'wandb/bad-chunk-type', `Unknown chunk type ${type} at byte ${at}: the data is corrupt. Reading resumes at the next block.`);
      pending = null;
      recovering = true;
      pos = block.length;
      continue;
    }
    const payload = block.subarray(pos + CHUNK_HEADER, end);
    if (crc32(block, TYPE_CRC[type], pos + CHUNK_HEADER, end) !== checksum) {
      yield problem(at, 'error', 'wandb/bad-checksum', `Checksum mismatch in the chunk at byte ${at} (CRC-32 of type and payload): the data is corrupt. ${pending ? 'The record it belonged to is lost; r' : 'R'}eading resumes at the next block.`);
      pending = null;
      recovering = true;
      pos = block.length;
      continue;
    }
    pos = end;
    if (type === FULL || type === FIRST) {
      if (pending) {
        yield problem(pending.offset, 'error', 'wandb/incomplete-record', `A record split across blocks (from byte ${pending.offset}) never got its last part; it is dropped.`);
      }
      recovering = false;
      if (type === FULL) {
        yield { record: { index: ++index, offset: at, data: payload } };
        pending = null;
      } else pending = { offset: at, parts: [payload], length: payload.length };
      continue;
    }
    if (!pending) {
      if (!recovering) yield problem(at, 'error', 'wandb/orphan-chunk', `A ${type === MIDDLE ? 'middle' : 'last'} chunk at byte ${at} has no first chunk before it; skipped.`);
      continue;
    }
    pending.parts.push(payload);
    pending.length += payload.length;
    if (type === LAST) {
      const data = new Uint8Array(pending.length);
      let o = 0;
      for (const p of pending.parts) {
        data.set(p, o);
        o += p.length;
      }
      yield { record: { index: ++index, offset: pending.offset, data } };
      pending = null;
    }
  }
}
