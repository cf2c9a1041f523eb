import type { ProblemSink } from '../problem';
import type { TextSource } from '../source';
import type { WorkOptions } from '../../work';

/**
 * One model output with its reasoning, as every trace reader yields it, whatever the file's
 * format. Text fields hold the model's words with chat-template tokens and `<think>` tags taken
 * out (they are listed in `templateTokens` / flagged, so counts can add them back).
 */
export interface TraceRecord {
  /** Id of the reader that produced it (`openai`, `anthropic`, ...). */
  format: string;
  /** 0-based position among the file's records. */
  index: number;
  /** The record's own id (`id`, `custom_id`, ...) or `#<index + 1>`; with `#<choice>` for n > 1. */
  id: string;
  /** Groups several traces of one problem (`problem_id`, `question_id`, the prompt's hash, ...). */
  problemId?: string;
  model?: string;
  /** 1-based first and last line, and byte offsets [byteStart, byteEnd) in the file. */
  line: number;
  endLine: number;
  byteStart: number;
  byteEnd: number;
  prompt?: string;
  /** Visible reasoning text, '' when there is none. */
  thinking: string;
  /**
   * `raw`: the model's own chain of thought. `summary`: a provider's summary of it (OpenAI
   * reasoning summaries, Claude 4 thinking), so its length is not what was billed. `none`.
   */
  thinkingKind: 'raw' | 'summary' | 'none';
  /** Anthropic `redacted_thinking` blocks: thinking happened, its content is not available. */
  redactedThinkingBlocks: number;
  /** OpenAI `encrypted_content` reasoning items: present, not readable. */
  encryptedReasoning: boolean;
  answer: string;
  toolCalls: ToolCall[];
  /** The provider's stop reason, normalized: `stop`, `length`, `tool_calls`, `content_filter`, or as given. */
  finishReason?: string;
  /** The output hit a length limit (finish reason `length`/`max_tokens`, or a `<think>` never closed). */
  truncated: boolean;
  /** A `<think>` opened and never closed: the budget ran out mid-thought. */
  unclosedThink: boolean;
  /** Chat-template special tokens found around the text and removed from it. */
  templateTokens: string[];
  usage?: ReportedUsage;
  /** Gold answer when the file carries one. */
  reference?: string;
  /** Correctness when the file says (`correct`, `is_correct`, `score`, ...). */
  correct?: boolean;
  /** For plain-text records: the line range of the thinking block, for folding. */
  thinkingLines?: { line: number; endLine: number };
}

export interface ToolCall {
  name: string;
  /** Arguments as the model wrote them (JSON text). */
  input: string;
}

/** Token usage as the file reports it; field names differ by provider, meanings are these. */
export interface ReportedUsage {
  /** Prompt tokens, cached ones included. */
  input?: number;
  /** Of `input`, how many were cache hits. */
  cachedInput?: number;
  /** Completion tokens, reasoning included. */
  output?: number;
  /** Of `output`, how many were reasoning. */
  reasoning?: number;
  total?: number;
}

/** How a trace format is recognised and read. Adding a format is adding a module with one of these. */
export interface TraceReader {
  id: string;
  title: string;
  /** 0 when the file is not this format, up to 1 when sure. `head` is the file's first 8 KiB. */
  detect(name: string, head: string): number;
  /** Streams records; problems (malformed lines, unknown shapes) go to `sink` and reading goes on. */
  read(source: TextSource, sink: ProblemSink, work?: WorkOptions): AsyncIterable<TraceRecord>;
  /** True when every record lies on one line, so a file can be cut at line boundaries and read in parallel. */
  lineIndependent?: boolean;
}

export function emptyRecord(format: string, index: number): TraceRecord {
  return {
    format,
    index,
    id: `#${index + 1}`,
    line: 1,
    endLine: 1,
    byteStart: 0,
    byteEnd: 0,
    thinking: '',
    thinkingKind: 'none',
    redactedThinkingBlocks: 0,
    encryptedReasoning: false,
    answer: '',
    toolCalls: [],
    truncated: false,
    unclosedThink: false,
    templateTokens: [],
  };
}
