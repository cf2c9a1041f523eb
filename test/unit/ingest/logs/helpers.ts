import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunLog } from '../../../../src/core/ingest/logs/runLog';

export const FIXTURES = join(__dirname, '../../../fixtures/logs');
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
export const fixtureBytes = (...parts: string[]) => new Uint8Array(readFileSync(fixture(...parts)));

/** The values of one column, in row order, keyed by step. */
export function series(log: RunLog, column: string, step = log.stepColumn ?? 'step'): Map<number, number | string | null> {
  const out = new Map<number, number | string | null>();
  for (const r of log.rows) if (column in r.values) out.set(r.values[step] as number, r.values[column]);
  return out;
}

export const codes = (log: { problems: { code: string }[] }) => log.problems.map((p) => p.code);
