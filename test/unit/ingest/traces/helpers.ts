import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSource, textSource } from '../../../../src/core/ingest/source';
import { readAllTraces, traceReaderById } from '../../../../src/core/ingest/traces/index';

export const fixtures = join(__dirname, '..', '..', '..', 'fixtures', 'traces');

export function fixture(name: string): string {
  return join(fixtures, name);
}

/** Reads a fixture as the real file (detected format), returning records, problems and the reader. */
export async function read(name: string, reader?: string) {
  return readAllTraces(fileSource(fixture(name), name), { reader: reader ? traceReaderById(reader) : undefined });
}

export async function readText(name: string, text: string, reader?: string) {
  return readAllTraces(textSource(name, text), { reader: reader ? traceReaderById(reader) : undefined });
}

/** The bytes a record's range covers, decoded, to check byte offsets against the file. */
export function bytesOf(name: string, start: number, end: number): string {
  return readFileSync(fixture(name)).subarray(start, end).toString('utf8');
}
