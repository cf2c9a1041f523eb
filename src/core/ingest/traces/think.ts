/**
 * Reasoning inside text: `<think>…</think>` blocks (DeepSeek-R1, Qwen3, QwQ and their distills)
 * and the other delimiters reasoning text is stored with, and the chat-template special tokens
 * that raw generations keep around them.
 */

/**
 * Chat-template markers of the common open-model templates: DeepSeek's full-width-bar tokens,
 * ChatML (`<|im_start|>assistant`), Llama 3 headers, Gemma turns, and end-of-text markers.
 */
const TEMPLATE_TOKEN =
  /<｜[^｜\n<>]{1,60}｜>|<\|im_start\|>(?:assistant|user|system)?\n?|<\|start_header_id\|>[a-z_]*<\|end_header_id\|>\n{0,2}|<\|(?:im_end|im_sep|endoftext|end_of_text|begin_of_text|eot_id|eom_id|endofprompt|begin_of_solution|end_of_solution)\|>|<start_of_turn>(?:model|user)?\n?|<end_of_turn>/g;

/**
 * Where reasoning starts and ends in text, by the conventions in use: `<think>` (DeepSeek-R1,
 * Qwen3, QwQ, their distills; `<thinking>` in prompted models), `<|begin_of_thought|>` with
 * `<|begin_of_solution|>` around the answer (Sky-T1, Bespoke-Stratos and OpenThoughts
 * datasets, as their system prompt asks), `<seed:think>` (ByteDance Seed-OSS), `[THINK]`
 * (Mistral's Magistral) and `◁think▷` (Kimi). A file mixing them is taken as it comes.
 */
const OPEN_SOURCE = '<think(?:ing)?>|<\\|begin_of_thought\\|>|<seed:think>|\\[THINK\\]|◁think▷';
const CLOSE_SOURCE = '<\\/think(?:ing)?>|<\\|end_of_thought\\|>|<\\/seed:think>|\\[\\/THINK\\]|◁\\/think▷';
/** One reasoning opening tag, any convention (not global: safe to `test` from anywhere). */
export const THINK_OPEN = new RegExp(OPEN_SOURCE);
/** One reasoning closing tag, any convention. */
export const THINK_CLOSE = new RegExp(CLOSE_SOURCE);

/** Any reasoning tag (for short heads; long texts go through `findThinkTag`). */
export const THINK_TAG = new RegExp(`${OPEN_SOURCE}|${CLOSE_SOURCE}`);

export interface ThinkSplit {
  thinking: string;
  answer: string;
  /** A `<think>` was opened and never closed: the output stopped mid-thought. */
  unclosed: boolean;
  /** Whether any think tag was seen. */
  tagged: boolean;
  /** Template tokens removed from the text, in order. */
  templateTokens: string[];
  /** Character offsets of the first thinking block in the text with template tokens removed. */
  thinkStart?: number;
  thinkEnd?: number;
}

export function stripTemplateTokens(text: string, found: string[]): string {
  // Native substring scans first: long reasoning with a stray "<" should not pay for the regex.
  if (text.indexOf('<|') < 0 && text.indexOf('<｜') < 0 && text.indexOf('_of_turn>') < 0) return text;
  return text.replace(TEMPLATE_TOKEN, (m) => {
    found.push(m.trimEnd());
    return '';
  });
}

/** Which tags a search wants: opening, closing, or either. */
const OPENING = 1;
const CLOSING = 2;

/**
 * Every delimiter of `OPEN_SOURCE` / `CLOSE_SOURCE` by its first character. Tags are found with
 * native `indexOf` scans for those three characters, checking each hit: on reasoning text, where
 * `<`, `[` and `◁` are rare, that took half the time of the alternation regex (7.7 against 16 ms
 * on 21.6 M characters of the bench's traces), which tries the alternatives at every position.
 */
const TAGS_BY_LEAD: readonly (readonly [string, readonly (readonly [string, number])[]])[] = [
  [
    '<',
    [
      ['<think>', OPENING],
      ['<thinking>', OPENING],
      ['<|begin_of_thought|>', OPENING],
      ['<seed:think>', OPENING],
      ['</think>', CLOSING],
      ['</thinking>', CLOSING],
      ['<|end_of_thought|>', CLOSING],
      ['</seed:think>', CLOSING],
    ],
  ],
  [
    '[',
    [
      ['[THINK]', OPENING],
      ['[/THINK]', CLOSING],
    ],
  ],
  [
    '◁',
    [
      ['◁think▷', OPENING],
      ['◁/think▷', CLOSING],
    ],
  ],
];

/** The first reasoning tag of the wanted kinds at or after `from`: what the regexes above find. */
export function findThinkTag(s: string, from: number, kinds = OPENING | CLOSING): Match | undefined {
  let best: Match | undefined;
  for (const [lead, tags] of TAGS_BY_LEAD) {
    for (let i = s.indexOf(lead, from); i >= 0 && (best === undefined || i < best.index); i = s.indexOf(lead, i + 1)) {
      const tag = tags.find(([t, k]) => (k & kinds) !== 0 && s.startsWith(t, i));
      if (tag) {
        best = { index: i, length: tag[0].length };
        break;
      }
    }
  }
  return best;
}

/** The first opening and the first closing tag, in one scan per lead character; `noLt` when the text has no `<`. */
function firstThinkTags(s: string, noLt: boolean): { open?: Match; close?: Match } {
  let open: Match | undefined;
  let close: Match | undefined;
  for (const [lead, tags] of TAGS_BY_LEAD) {
    if (noLt && lead === '<') continue;
    for (let i = s.indexOf(lead); i >= 0; i = s.indexOf(lead, i + 1)) {
      if (open && close && i >= open.index && i >= close.index) break;
      const tag = tags.find(([t]) => s.startsWith(t, i));
      if (!tag) continue;
      if (tag[1] === OPENING) {
        if (!open || i < open.index) open = { index: i, length: tag[0].length };
      } else if (!close || i < close.index) close = { index: i, length: tag[0].length };
    }
  }
  return { open, close };
}

/**
 * Splits a generation into thinking and answer. Handles every shape seen in practice: a closed
 * block, several blocks, an opening tag with no close (cut off by the length limit), and a lone
 * closing tag (R1's template puts `<think>` in the prompt, so the output starts inside it).
 */
export function splitThink(text: string): ThinkSplit {
  if (text.indexOf('<|channel|>') >= 0 || (text.startsWith('analysis') && text.indexOf('assistantfinal') > 0)) {
    const harmony = splitHarmony(text);
    if (harmony) return harmony;
  }
  const templateTokens: string[] = [];
  // Every template token and most tags start with '<': text without one (most reasoning prose)
  // skips those scans.
  const noLt = text.indexOf('<') < 0;
  const clean = noLt ? text : stripTemplateTokens(text, templateTokens);
  const { open: firstOpen, close: firstClose } = firstThinkTags(clean, noLt);
  if (!firstOpen && !firstClose) {
    return { thinking: '', answer: clean.trim(), unclosed: false, tagged: false, templateTokens };
  }
  const thinking: string[] = [];
  const answer: string[] = [];
  let unclosed = false;
  let thinkStart: number | undefined;
  let thinkEnd: number | undefined;
  let pos = 0;
  if (firstClose && (!firstOpen || firstClose.index < firstOpen.index)) {
    // Output began inside the thinking.
    thinking.push(clean.slice(0, firstClose.index));
    thinkStart = 0;
    thinkEnd = firstClose.index;
    pos = firstClose.index + firstClose.length;
  }
  // The first matches found above are reused when they lie ahead: a close tag at the end of a
  // long thinking block would otherwise be searched for over the whole block twice.
  const openFrom = (from: number): Match | undefined => (firstOpen && firstOpen.index >= from ? firstOpen : firstOpen ? findThinkTag(clean, from, OPENING) : undefined);
  const closeFrom = (from: number): Match | undefined => (firstClose && firstClose.index >= from ? firstClose : firstClose ? findThinkTag(clean, from, CLOSING) : undefined);
  for (;;) {
    const open = openFrom(pos);
    if (!open) {
      answer.push(clean.slice(pos));
      break;
    }
    answer.push(clean.slice(pos, open.index));
    const bodyStart = open.index + open.length;
    const close = closeFrom(bodyStart);
    if (thinkStart === undefined) thinkStart = bodyStart;
    if (!close) {
      thinking.push(clean.slice(bodyStart));
      unclosed = true;
      thinkEnd = clean.length;
      break;
    }
    thinking.push(clean.slice(bodyStart, close.index));
    if (thinkEnd === undefined) thinkEnd = close.index;
    pos = close.index + close.length;
  }
  return {
    thinking: thinking.map((t) => t.trim()).filter((t) => t !== '').join('\n\n'),
    answer: answer.join('').trim(),
    unclosed,
    tagged: true,
    templateTokens,
    thinkStart,
    thinkEnd,
  };
}

interface Match {
  index: number;
  length: number;
}

/** A message of OpenAI's harmony format: its channel, and where its text starts and ends. */
const HARMONY_MESSAGE = /<\|channel\|>(\w+)[^<]*(?:<\|constrain\|>[^<]*)?<\|message\|>/g;
const HARMONY_END = /<\|(?:end|return|call)\|>|<\|start\|>/g;

/**
 * gpt-oss output in OpenAI's harmony format, as raw generations keep it: messages on channels,
 * `<|channel|>analysis<|message|>…<|end|>` the reasoning, `final` (and `commentary`, tool calls
 * and preambles) what the user sees. Servers that drop special tokens leave `analysis…
 * assistantfinal…`, which is split the same way. A last analysis message without its end is a
 * trace cut off mid-thought. Undefined when the text has no harmony messages after all.
 */
function splitHarmony(text: string): ThinkSplit | undefined {
  const thinking: string[] = [];
  const answer: string[] = [];
  const templateTokens: string[] = [];
  let unclosed = false;
  if (text.indexOf('<|channel|>') < 0) {
    // Special tokens dropped: "analysis<reasoning>assistantfinal<answer>".
    const cut = text.indexOf('assistantfinal');
    return { thinking: text.slice('analysis'.length, cut).trim(), answer: text.slice(cut + 'assistantfinal'.length).trim(), unclosed: false, tagged: true, templateTokens: ['analysis', 'assistantfinal'] };
  }
  HARMONY_MESSAGE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let found = false;
  while ((m = HARMONY_MESSAGE.exec(text)) !== null) {
    found = true;
    templateTokens.push(m[0]);
    const start = m.index + m[0].length;
    HARMONY_END.lastIndex = start;
    const end = HARMONY_END.exec(text);
    const body = text.slice(start, end ? end.index : text.length).trim();
    if (m[1] === 'analysis') {
      if (body !== '') thinking.push(body);
      if (!end) unclosed = true;
    } else if (body !== '') answer.push(body);
    HARMONY_MESSAGE.lastIndex = end ? end.index : text.length;
  }
  if (!found) return undefined;
  return { thinking: thinking.join('\n\n'), answer: answer.join('\n\n'), unclosed, tagged: true, templateTokens };
}
