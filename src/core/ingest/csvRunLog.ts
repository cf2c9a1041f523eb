import { parse as parseCsvSync } from 'csv-parse/sync';
import { ProblemSink } from './problem';
import { readLines, type TextSource } from './source';
import type { WorkOptions } from '../work';
import type { RunRow, RunTable } from './runTable';
import { parseNumber } from './value';

/**
 * CSV / TSV run logs: a header row, then one row per run or logged step.
 *
 * Lines without quotes are split directly (correct for RFC 4180 and much faster); lines with
 * quotes go to csv-parse, joined with following lines while a quoted field stays open, so a
 * broken quote costs one row rather than the rest of the file.
 */
export const MAX_JOINED_LINES = 50;

/** Rows examined before deciding which columns are numeric. */
const TYPE_SAMPLE = 200;

export function sniffDelimiter(file: string, headerLine: string): string {
  if (/\.tsv$/i.test(file)) return '\t';
  const counts = [',', '\t', ';', '|'].map((d) => [d, headerLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

interface Field {
  text: string;
  /** 1-based column of the field's first character in its line. */
  column: number;
}

function splitPlain(text: string, delimiter: string): Field[] {
  const out: Field[] = [];
  let start = 0;
  for (;;) {
    const i = text.indexOf(delimiter, start);
    if (i < 0) {
      out.push({ text: text.slice(start), column: start + 1 });
      return out;
    }
    out.push({ text: text.slice(start, i), column: start + 1 });
    start = i + delimiter.length;
  }
}

/** Column positions of fields in a quoted line; approximate only where a field spans lines. */
function fieldColumns(text: string, delimiter: string, n: number): number[] {
  const cols = [1];
  let inQuote = false;
  for (let i = 0; i < text.length && cols.length < n; i++) {
    const c = text[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && text.startsWith(delimiter, i)) cols.push(i + delimiter.length + 1);
  }
  while (cols.length < n) cols.push(cols[cols.length - 1]);
  return cols;
}

type Parsed = { fields: Field[] } | { open: true } | { error: string };

function splitQuoted(text: string, delimiter: string): Parsed {
  try {
    const records = parseCsvSync(text, { delimiter, relax_column_count: true, bom: false }) as string[][];
    const record = records[0] ?? [''];
    const cols = fieldColumns(text, delimiter, record.length);
    return { fields: record.map((t, i) => ({ text: t, column: cols[i] })) };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') return { open: true };
    return { error: String(err.message ?? e).replace(/\s+at line \d+.*$/, '') };
  }
}

export async function readCsvRunLog(source: TextSource, work: WorkOptions = {}): Promise<RunTable> {
  const sink = new ProblemSink(source.name);
  const rows: RunRow[] = [];
  let header: string[] | null = null;
  let delimiter = ',';
  let pending: { line: number; text: string; joined: number } | null = null;
  const buffered: { line: number; fields: Field[] }[] = [];
  /** Per column: numeric, text, or undecided (only empty cells so far, as in sparse Lightning logs). */
  let numeric: (boolean | undefined)[] | null = null;

  const emit = (line: number, fields: Field[]) => {
    if (!header) return;
    if (fields.length !== header.length) {
      sink.add({
        line,
        column: 1,
        severity: 'error',
        code: 'run-log/field-count',
        message: `Expected ${header.length} fields (${header.join(', ')}), found ${fields.length}; row skipped.`,
      });
      return;
    }
    if (!numeric) {
      buffered.push({ line, fields });
      if (buffered.length >= TYPE_SAMPLE) flushBuffered();
      return;
    }
    rows.push(toRow(line, fields));
  };

  const toRow = (line: number, fields: Field[]): RunRow => {
    const values: RunRow['values'] = {};
    for (let i = 0; i < fields.length; i++) {
      const name = header![i];
      const f = fields[i];
      const p = parseNumber(f.text);
      if (numeric![i] === undefined && p.kind !== 'empty') numeric![i] = p.kind !== 'text';
      if (numeric![i] === false) {
        values[name] = f.text;
        continue;
      }
      if (p.kind === 'number') values[name] = p.value;
      else {
        values[name] = null;
        if (p.kind !== 'empty') {
          sink.add({
            line,
            column: f.column,
            endColumn: f.column + f.text.length,
            severity: 'error',
            code: p.kind === 'non-finite' ? 'run-log/non-finite' : 'run-log/not-a-number',
            message:
              p.kind === 'non-finite'
                ? `Column '${name}' is ${p.text}: expected a finite number; the value is left out.`
                : `Column '${name}' expects a number, found '${p.text}'; the value is left out.`,
          });
        }
      }
    }
    return { line, values };
  };

  const flushBuffered = () => {
    numeric = header!.map((_, i) => {
      let nums = 0;
      let texts = 0;
      for (const r of buffered) {
        const p = parseNumber(r.fields[i].text);
        if (p.kind === 'number' || p.kind === 'non-finite') nums++;
        else if (p.kind === 'text') texts++;
      }
      return nums + texts === 0 ? undefined : nums > 0 && nums >= texts;
    });
    for (const r of buffered) rows.push(toRow(r.line, r.fields));
    buffered.length = 0;
  };

  for await (const { line, text } of readLines(source, work)) {
    if (pending) {
      pending.text += '\n' + text;
      pending.joined++;
    } else {
      if (text.trim() === '') continue;
      if (!header) delimiter = sniffDelimiter(source.name, text);
      pending = { line, text, joined: 1 };
    }
    let fields: Field[];
    if (pending.text.indexOf('"') < 0) fields = splitPlain(pending.text, delimiter);
    else {
      const parsed = splitQuoted(pending.text, delimiter);
      if ('open' in parsed) {
        if (pending.joined < MAX_JOINED_LINES) continue;
        sink.add({
          line: pending.line,
          column: 1,
          severity: 'error',
          code: 'run-log/unclosed-quote',
          message: `A quoted field opened here is not closed within ${MAX_JOINED_LINES} lines; row skipped.`,
        });
        pending = null;
        continue;
      }
      if ('error' in parsed) {
        sink.add({ line: pending.line, column: 1, severity: 'error', code: 'run-log/bad-quote', message: `${parsed.error}; row skipped.` });
        pending = null;
        continue;
      }
      fields = parsed.fields;
    }
    const start = pending.line;
    pending = null;
    if (!header) {
      header = dedupe(fields.map((f) => f.text.trim()));
      continue;
    }
    emit(start, fields);
  }
  if (pending) {
    sink.add({ line: pending.line, column: 1, severity: 'error', code: 'run-log/unclosed-quote', message: 'A quoted field is not closed before the end of the file; row skipped.' });
  }
  if (!header) {
    sink.add({ line: 1, column: 1, severity: 'error', code: 'run-log/empty', message: 'The file is empty: expected a header row naming the columns.' });
    header = [];
  }
  if (!numeric) flushBuffered();
  // Columns that never held a value count as numeric: empty metrics, not text.
  const numericColumns = header.filter((_, i) => numeric![i] !== false);
  return { file: source.name, format: delimiter === '\t' ? 'tsv' : 'csv', columns: header, numericColumns, rows, problems: sink.finish() };
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    const base = n === '' ? `column${i + 1}` : n;
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k === 0 ? base : `${base}_${k + 1}`;
  });
}
