import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileByteSource } from './bytes';
import { lightningCsvReader } from './lightningCsv';
import { mlflowRunReader } from './mlflow';
import { diskTextSource, type BinaryLogReader, type DirEntry, type FolderLogReader, type LogReadOptions, type LogReader, type RunLog, type TextLogReader } from './runLog';
import { tensorboardFileReader, tensorboardFolderReader } from './tensorboard';
import { trainerFolderReader, trainerStateReader } from './trainerState';
import { wandbCsvReader } from './wandbCsv';
import { wandbOfflineReader } from './wandbOffline';

/**
 * The experiment-log formats: files (text or binary) that a detector claims from their name and
 * first bytes, and run folders recognised from their entries. Adding a format is adding a
 * module and a line here.
 */
export const textLogReaders: TextLogReader[] = [wandbCsvReader, lightningCsvReader, trainerStateReader];
export const binaryLogReaders: BinaryLogReader[] = [tensorboardFileReader];
export const folderLogReaders: FolderLogReader[] = [wandbOfflineReader, mlflowRunReader, tensorboardFolderReader, trainerFolderReader];
export const logReaders: LogReader[] = [...textLogReaders, ...binaryLogReaders, ...folderLogReaders];

export const HEAD_BYTES = 8192;

function best<R>(items: readonly R[], score: (r: R) => number): R | undefined {
  let found: R | undefined;
  let top = 0;
  for (const r of items) {
    const s = score(r);
    if (s > top) {
      top = s;
      found = r;
    }
  }
  return found;
}

export function detectTextLog(name: string, head: string): TextLogReader | undefined {
  return best(textLogReaders, (r) => r.detect(name, head));
}

export function detectBinaryLog(name: string, head: Uint8Array): BinaryLogReader | undefined {
  return best(binaryLogReaders, (r) => r.detect(name, head));
}

export async function recogniseRunFolder(dir: string, entries: readonly DirEntry[]): Promise<FolderLogReader | undefined> {
  let found: FolderLogReader | undefined;
  let top = 0;
  for (const r of folderLogReaders) {
    const s = await r.recognise(dir, entries);
    if (s > top) {
      top = s;
      found = r;
    }
  }
  return found;
}

/** The first bytes of a file on disk. */
export async function readFileHead(path: string, bytes = HEAD_BYTES): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The reader for a file on disk, or undefined when no experiment-log format claims it. */
export async function detectLogFile(path: string): Promise<TextLogReader | BinaryLogReader | undefined> {
  const name = basename(path);
  const head = await readFileHead(path);
  return detectBinaryLog(name, head) ?? detectTextLog(name, new TextDecoder().decode(head));
}

/** Reads a file on disk with the given reader, companion files from its folder. */
export async function readLogFile(path: string, reader: TextLogReader | BinaryLogReader, options: LogReadOptions = {}): Promise<RunLog> {
  const name = options.displayName ? options.displayName(path) : path;
  const opts = { ...options, dir: options.dir ?? dirname(path) };
  if (reader.kind === 'binary-file') return reader.read(fileByteSource(path, name), opts);
  return reader.read(await diskTextSource(path, name), opts);
}

export type { RunLog, RunInfo, LogReader, TextLogReader, BinaryLogReader, FolderLogReader, LogReadOptions, DirEntry, ConfigValue } from './runLog';
