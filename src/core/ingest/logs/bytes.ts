import { createReadStream, statSync } from 'node:fs';

/**
 * A binary input read in chunks, the counterpart of `TextSource` for formats that are not text
 * (W&B's `.wandb` transaction log, TensorBoard event files). Readers never hold the whole file.
 */
export interface ByteSource {
  /** What problems name: a path relative to the workspace, or the file's path. */
  readonly name: string;
  /** Length in bytes, for progress; may be unknown. */
  readonly size?: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export function fileByteSource(path: string, name = path): ByteSource {
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  return {
    name,
    size,
    async *chunks() {
      const stream = createReadStream(path, { highWaterMark: 1 << 20 });
      for await (const chunk of stream) yield chunk as Buffer;
    },
  };
}

/** In-memory bytes; `chunkSize` lets tests cut records at awkward places. */
export function bytesSource(name: string, bytes: Uint8Array, chunkSize = 1 << 20): ByteSource {
  return {
    name,
    size: bytes.length,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
    },
  };
}

/**
 * Pulls exact byte counts out of a stream of chunks. Reads inside one chunk are views (no copy);
 * only a read that straddles chunks is copied.
 */
export class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private done = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Makes `n` bytes available if the stream has them; false when it ends first. */
  async ensure(n: number): Promise<boolean> {
    let avail = this.chunk.length - this.pos;
    if (avail >= n) return true;
    if (this.done) return false;
    const pieces: Uint8Array[] = [this.chunk.subarray(this.pos)];
    while (avail < n) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        break;
      }
      pieces.push(r.value);
      avail += r.value.length;
    }
    if (pieces.length === 2 && pieces[0].length === 0) this.chunk = pieces[1];
    else {
      const joined = new Uint8Array(avail);
      let at = 0;
      for (const p of pieces) {
        joined.set(p, at);
        at += p.length;
      }
      this.chunk = joined;
    }
    this.pos = 0;
    return avail >= n;
  }

  /** Up to `n` bytes without consuming them; fewer only at the end of the stream. */
  async peek(n: number): Promise<Uint8Array> {
    await this.ensure(n);
    return this.chunk.subarray(this.pos, Math.min(this.chunk.length, this.pos + n));
  }

  /** Up to `n` bytes; fewer only at the end of the stream. */
  async read(n: number): Promise<Uint8Array> {
    const out = await this.peek(n);
    this.pos += out.length;
    this.offset += out.length;
    return out;
  }

  /** Skips up to `n` bytes; returns how many were skipped. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const avail = this.chunk.length - this.pos;
      if (avail === 0 && !(await this.ensure(1))) break;
      const k = Math.min(left, this.chunk.length - this.pos);
      this.pos += k;
      this.offset += k;
      left -= k;
    }
    return n - left;
  }

  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }
}

export function readUint32LE(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function readUint16LE(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
