import { Checkpoint, type WorkOptions } from '../../work';
import { ByteReader, readUint32LE, type ByteSource } from './bytes';
import { crc32c, maskCrc32c } from './crc32';
import type { BinaryProblem } from './runLog';

/**
 * TFRecord framing, as TensorFlow's RecordWriter writes event files:
 *   uint64 length (LE) · uint32 masked CRC-32C of the 8 length bytes · data · uint32 masked CRC-32C of data.
 *
 * A data checksum mismatch costs that record only (its length is trusted, having passed its
 * own checksum). A length checksum mismatch means the framing is lost: the reader slides one
 * byte at a time until 12 bytes again form a length with a valid checksum. A file that ends
 * inside a record (still being written, or the writer was killed) yields every record before it.
 */
export interface TfRecord {
  /** 1-based number of the record in the file. */
  index: number;
  offset: number;
  data: Uint8Array;
}

export type TfRecordItem = { record: TfRecord } | { problem: BinaryProblem };

/** Records longer than this are taken for corruption even when the length checksum passes by chance. */
const MAX_RECORD = 1 << 30;

export function lengthChecksumOk(header: Uint8Array): boolean {
  return maskCrc32c(crc32c(header, 0, 0, 8)) === readUint32LE(header, 8);
}

function lengthOf(header: Uint8Array): number {
  return readUint32LE(header, 0) + readUint32LE(header, 4) * 2 ** 32;
}

export async function* readTfRecords(source: ByteSource, work: WorkOptions = {}): AsyncGenerator<TfRecordItem> {
  const reader = new ByteReader(source.chunks());
  const checkpoint = new Checkpoint(work);
  let index = 0;
  const problem = (offset: number, severity: BinaryProblem['severity'], code: string, message: string): TfRecordItem => ({
    problem: { record: index + 1, offset, severity, code, message },
  });
  for (;;) {
    const at = reader.offset;
    const header = await reader.peek(12);
    if (header.length === 0) return;
    if (header.length < 12) {
      yield problem(at, 'warning', 'tfrecord/truncated', `The file ends ${header.length} bytes into a record header at byte ${at}: it was still being written, or the writer was stopped. Records before it are read.`);
      return;
    }
    const length = lengthOf(header);
    if (!lengthChecksumOk(header) || length > MAX_RECORD) {
      const skipped = await resync(reader);
      yield problem(at, 'error', 'tfrecord/bad-length-checksum', `The record header at byte ${at} fails its checksum: the data is corrupt. ${skipped.found ? `Reading resumes at byte ${at + skipped.bytes}, the next valid record header` : `No valid record header follows; the last ${skipped.bytes} bytes are skipped`}.`);
      continue;
    }
    await reader.skip(12);
    const body = await reader.read(length + 4);
    if (body.length < length + 4) {
      yield problem(at, 'warning', 'tfrecord/truncated', `The file ends inside a record (byte ${at}, ${length} bytes announced, ${Math.max(0, body.length - 4)} present): it was still being written, or the writer was stopped. Records before it are read.`);
      return;
    }
    index++;
    if (maskCrc32c(crc32c(body, 0, 0, length)) !== readUint32LE(body, length)) {
      yield { problem: { record: index, offset: at, severity: 'error', code: 'tfrecord/bad-checksum', message: `Record ${index} (byte ${at}, ${length} bytes) fails its data checksum: the data is corrupt. The record is skipped.` } };
      continue;
    }
    yield { record: { index, offset: at, data: body.subarray(0, length) } };
    if ((index & 1023) === 0) await checkpoint.tick(source.size ? reader.offset / source.size : 0, `Reading ${source.name}`);
  }
}

/** Slides forward until a 12-byte window is a valid record header; the window is left unread. */
async function resync(reader: ByteReader): Promise<{ found: boolean; bytes: number }> {
  let bytes = 0;
  for (;;) {
    await reader.skip(1);
    bytes++;
    const window = await reader.peek(12);
    if (window.length < 12) {
      bytes += await reader.skip(window.length);
      return { found: false, bytes };
    }
    if (lengthChecksumOk(window) && lengthOf(window) <= MAX_RECORD) return { found: true, bytes };
  }
}
