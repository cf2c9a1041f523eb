import { sniffDelimiter } from '../csvRunLog';
import { readLines } from '../source';
import { detectMapping } from './fields';
import { looksLikeSamples, RecordCollector } from './records';
import type { EvalSampleReader } from './types';

/**
 * Generic CSV / TSV eval samples: a header, then one row per sample. Quoted fields may span
 * lines (RFC 4180); a quote left open for more than MAX_JOINED_LINES lines costs that row only.
 */
const MAX_JOINED_LINES = 50;

interface Row {
  fields: string[];
  columns: number[];
}

/** Splits one logical row; `open` when a quoted field continues on the next line. */
function splitRow(text: string, delimiter: string): Row | { open: true } {
  const fields: string[] = [];
  const columns: number[] = [];
  let field = '';
  let start = 0;
  let i = 0;
  let quoted = false;
  const col = (offset: number) => offset - text.lastIndexOf('\n', offset - 1);
  while (i <= text.length) {
    if (quoted) {
      const q = text.indexOf('"', i);
      if (q < 0) return { open: true };
      field += text.slice(i, q);
      if (text[q + 1] === '"') {
        field += '"';
        i = q + 2;
      } else {
        quoted = false;
        i = q + 1;
      }
      continue;
    }
    if (i === text.length || text.startsWith(delimiter, i)) {
      fields.push(field);
      columns.push(col(start));
      field = '';
      i += delimiter.length;
      start = i;
      if (i > text.length) break;
      continue;
    }
    if (text[i] === '"' && field.trim() === '') {
      quoted = true;
      field = '';
      i++;
      continue;
    }
    field += text[i];
    i++;
  }
  return { fields, columns };
}

export const csvSamplesReader: EvalSampleReader = {
  id: 'csv-samples',
  title: 'CSV / TSV eval samples',
  detect(name, head) {
    if (!/\.(csv|tsv)$/i.test(name)) return 0;
    const first = head.split(/\r?\n/, 1)[0];
    const row = splitRow(first, sniffDelimiter(name, first));
    return 'fields' in row && looksLikeSamples(row.fields.map((f) => f.trim())) ? 0.6 : 0;
  },
  async read(source, options = {}) {
    const out = new RecordCollector(source.name, 'csv-samples', options);
    let header: string[] | undefined;
    let delimiter = ',';
    let pending: { line: number; text: string; joined: number } | null = null;
    for await (const { line, text } of readLines(source, options)) {
      if (pending) {
        pending.text += '\n' + text;
        pending.joined++;
      } else {
        if (text.trim() === '') continue;
        if (!header) delimiter = sniffDelimiter(source.name, text);
        pending = { line, text, joined: 1 };
      }
      const row = splitRow(pending.text, delimiter);
      if ('open' in row) {
        if (pending.joined < MAX_JOINED_LINES) continue;
        out.sink.add({ line: pending.line, column: 1, severity: 'error', code: 'eval/unclosed-quote', message: `A quoted field opened here is not closed within ${MAX_JOINED_LINES} lines; row skipped.` });
        pending = null;
        continue;
      }
      const at = pending.line;
      pending = null;
      if (!header) {
        header = row.fields.map((f, i) => f.trim() || `column${i + 1}`);
        continue;
      }
      if (row.fields.length !== header.length) {
        out.sink.add({ line: at, column: 1, severity: 'error', code: 'eval/field-count', message: `Expected ${header.length} fields (${header.join(', ')}), found ${row.fields.length}; row skipped.` });
        continue;
      }
      const record: Record<string, unknown> = {};
      header.forEach((h, i) => {
        record[h] = row.fields[i];
      });
      out.add(record, { line: at });
    }
    if (pending) out.sink.add({ line: pending.line, column: 1, severity: 'error', code: 'eval/unclosed-quote', message: 'A quoted field is not closed before the end of the file; row skipped.' });
    if (!header) out.sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/empty', message: 'The file is empty: expected a header row naming the columns.' });
    else if (detectMapping(header, options.mapping).problemId === undefined) {
      out.sink.add({ line: 1, column: 1, severity: 'error', code: 'eval/no-problem-id', message: `No column was recognised as the problem id among ${header.join(', ')}; name one with the mapping option (problemId).` });
    }
    return out.finish();
  },
};
