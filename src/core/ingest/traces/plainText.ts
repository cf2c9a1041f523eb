import type { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import type { WorkOptions } from '../../work';
import { byteLength, readRawLines } from './framing';
import { emptyRecord, type TraceReader, type TraceRecord } from './record';
import { splitThink, THINK_CLOSE, THINK_OPEN } from './think';

/**
 * Plain text or Markdown holding generations with `<think>` blocks, or reasoning in another of
 * the conventions think.ts knows (copied from a chat UI, printed by a script, saved raw from a
 * server). Each opening tag starts a record that runs to the next one;
 * text before the first is that record's prompt, unless it closes a thinking block itself (output
 * that began inside the thinking). A file without tags is one record, all answer.
 */

/** Preamble kept as a prompt only up to this size; beyond it, it is a record of its own. */
const MAX_BUFFER = 64 * 1024 * 1024;

interface Pending {
  lines: string[];
  chars: number;
  line: number;
  byteStart: number;
  endLine: number;
  byteEnd: number;
  openLine?: number;
  closeLine?: number;
}

export const plainTextReader: TraceReader = {
  id: 'plain-text',
  title: 'Plain text / Markdown with <think> blocks',
  detect(name, head) {
    const t = head.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) return 0;
    const tagged = THINK_OPEN.test(head) || THINK_CLOSE.test(head);
    if (/\.(txt|md|markdown|log|text)$/i.test(name)) return tagged ? 0.8 : 0.2;
    return tagged ? 0.4 : 0;
  },
  async *read(source: TextSource, _sink: ProblemSink, work?: WorkOptions): AsyncGenerator<TraceRecord> {
    let index = 0;
    let prompt: string | undefined;
    let cur: Pending | undefined;
    const make = (p: Pending): TraceRecord => {
      const text = p.lines.join('\n');
      const split = splitThink(text);
      const r = emptyRecord('plain-text', index);
      r.id = `#${index + 1}`;
      index++;
      r.line = p.line;
      r.endLine = p.endLine;
      r.byteStart = p.byteStart;
      r.byteEnd = p.byteEnd;
      r.thinking = split.thinking;
      r.thinkingKind = split.thinking !== '' ? 'raw' : 'none';
      r.answer = split.answer;
      r.unclosedThink = split.unclosed;
      r.truncated = split.unclosed;
      r.templateTokens = split.templateTokens;
      r.prompt = prompt;
      prompt = undefined;
      if (p.openLine !== undefined || p.closeLine !== undefined) r.thinkingLines = { line: p.openLine ?? p.line, endLine: p.closeLine ?? p.endLine };
      return r;
    };
    const start = (line: number, byteStart: number): Pending => ({ lines: [], chars: 0, line, byteStart, endLine: line, byteEnd: byteStart });
    for await (const l of readRawLines(source, work)) {
      let text = l.text;
      let byteStart = l.byteStart;
      const open = THINK_OPEN.exec(text);
      if (open && cur && (cur.openLine !== undefined || cur.closeLine !== undefined || cur.chars > 0)) {
        // A new generation starts here; text before the tag on this line ends the previous one.
        if (open.index > 0) {
          const before = text.slice(0, open.index);
          cur.lines.push(before);
          cur.endLine = l.line;
          cur.byteEnd = l.byteStart + byteLength(before);
          byteStart = cur.byteEnd;
          text = text.slice(open.index);
        }
        if (cur.openLine !== undefined || cur.closeLine !== undefined || cur.chars > MAX_BUFFER) yield make(cur);
        else prompt = cur.lines.join('\n').trim() || undefined;
        cur = undefined;
      }
      if (!cur) cur = start(l.line, byteStart);
      cur.lines.push(text);
      cur.chars += text.length + 1;
      cur.endLine = l.line;
      cur.byteEnd = l.byteEnd;
      if (THINK_OPEN.test(text) && cur.openLine === undefined) cur.openLine = l.line;
      if (THINK_CLOSE.test(text) && cur.closeLine === undefined) cur.closeLine = l.line;
    }
    if (cur && (cur.chars > 0 || index === 0)) yield make(cur);
  },
};
