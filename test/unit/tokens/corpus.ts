import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A varied corpus for checking counts against the reference tokenizers: hand-picked hard cases
 * (code, maths, CJK, emoji, whitespace runs, text that looks like special tokens, contractions,
 * digit runs, combining marks), real prose and code from installed packages' docs, localized
 * TypeScript messages (ja, ko, zh, ru, de, ...), and seeded random strings mixing every
 * character class the pre-tokenizers distinguish.
 *
 * U+0085 and U+FEFF are left out on purpose: the JavaScript reference ports read `\s` as
 * JavaScript does, the real tokenizers as Unicode White_Space, and we follow the real ones
 * (see `divergence` below and pretokenize.ts).
 */

export interface Sample {
  name: string;
  text: string;
}

const root = join(__dirname, '..', '..', '..');

export const hardCases: Sample[] = [
  { name: 'empty', text: '' },
  { name: 'ascii sentence', text: 'The quick brown fox jumps over the lazy dog.' },
  { name: 'contractions', text: "I'm sure you'll see they've said it's what we'd do. DON'T, I'LL, WE'VE, she'S" },
  { name: 'python', text: 'def fib(n: int) -> int:\n    """Return the n-th Fibonacci number."""\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n\nprint([fib(i) for i in range(10)])\n' },
  { name: 'typescript', text: "export function clamp(x: number, lo = 0, hi = 1): number {\n\treturn Math.min(hi, Math.max(lo, x)); // keep in [lo, hi]\n}\nconst re = /^[a-z_$][\\w$]*$/i;\n" },
  { name: 'json', text: '{"id":"chatcmpl-123","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"}}],"usage":{"prompt_tokens":9}}' },
  { name: 'latex', text: 'Let $f(x) = \\frac{x^2 - 1}{x + 1}$. Then $\\lim_{x \\to -1} f(x) = -2$ and $\\boxed{\\sqrt{2}\\,\\pi}$; $\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n+1)}{6}$.' },
  { name: 'arithmetic', text: '91 × 36 = 2730 + 546 = 3276; 3276 + 236 = 3512. 1234567890123 / 7 ≈ 176366841446.14 and −42, +0.5e-10, 1,234,567.' },
  { name: 'chinese', text: '我们需要计算这个多项式的所有根。首先，使用有理根定理：候选根为 ±1、±2、±3、±6。验证：f(1)=0。' },
  { name: 'japanese', text: 'こんにちは、世界！カタカナとひらがなと漢字が混ざった文章です。ｶﾀｶﾅ（半角）もあります。' },
  { name: 'korean', text: '안녕하세요, 세상! 오늘 기분이 어때요? 한국어 텍스트를 토큰화합니다.' },
  { name: 'arabic and hebrew', text: 'مرحبا بالعالم! كيف حالك اليوم؟ ١٢٣٤٥ — שלום עולם' },
  { name: 'cyrillic and greek', text: 'Привет, мир! Как дела? Αλφα, Βήτα, γάμμα — ΣΊΣΥΦΟΣ.' },
  { name: 'hindi and thai', text: 'नमस्ते दुनिया, आप कैसे हैं? สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่าง' },
  { name: 'emoji', text: '😀😃😄 👍🏽👍🏿 🇪🇸🇯🇵 👨‍👩‍👧‍👦 ❤️‍🔥 🏳️‍🌈 ✅❌ 🤔💭 1️⃣#️⃣' },
  { name: 'whitespace runs', text: `a${' '.repeat(300)}b\n\n\n\n\t\t\t  \n${' '.repeat(17)}\r\n\r\n   c   \t \u00a0\u3000 d${'\n'.repeat(40)}e${' '.repeat(64)}` },
  { name: 'trailing whitespace', text: 'line with trailing spaces   \n   \n' },
  { name: 'only whitespace', text: ' \n \t\n\n  ' },
  { name: 'special-token-looking', text: 'Text <|endoftext|> more <|im_start|>assistant\nHi<|im_end|> <|fim_prefix|> <|eot_id|><|start_header_id|>user<|end_header_id|> <｜Assistant｜><think>\nplan\n</think>\n<｜end▁of▁sentence｜> <tool_call>{"x":1}</tool_call> <|reserved_special_token_5|> <|not_a_token|>' },
  { name: 'html', text: '<div class="card"><p>Hello &amp; welcome</p><br/><img src="a.png" alt=""></div><!-- comment -->' },
  { name: 'urls and paths', text: 'See https://example.com/a/b?c=1&d=2#frag and C:\\Users\\me\\file.txt or ./src/core/tokens/bpe.ts:42:7' },
  { name: 'punctuation runs', text: '!!!??? ... --- === *** ~~~ ^^^ $$$ ### ((([[[{{{}}}]]]))) :::;;; ,,,, \'\'\' """ ```' },
  { name: 'mixed case', text: 'CamelCaseWord HTTPServerError XMLHttpRequest iPhone McDonald ALLCAPS lowercase Title Case' },
  { name: 'combining marks', text: 'e\u0301 vs é, n\u0303 vs ñ, a\u0308\u0301 stacked, \u0301 alone, Å vs A\u030a, ﬁ ligature, ① ② ③, Ⅻ, ½' },
  { name: 'digits unicode', text: '٠١٢٣٤٥٦٧٨٩ ０１２３４５ ۱۲۳ 𝟘𝟙𝟚 123456789012345' },
  { name: 'math symbols', text: '∀x ∈ ℝ: x² ≥ 0 ⇒ √(x²) = |x|; ∫₀^∞ e^{-x²} dx = √π/2; ∑ ∏ ∂ ∇ ≠ ≤ ≥ ∞ ℵ₀' },
  { name: 'astral letters', text: '𝐀𝐁𝐂 𝒶𝒷𝒸 𝔄𝔅 𠀀𠀁 𪚥 — math bold and CJK extension B' },
  { name: 'control characters', text: 'a\u0000b\u0001c\u0007d\u001be\u007ff\u200bg\u200dh\u2060i' },
  { name: 'long word', text: 'Pneumonoultramicroscopicsilicovolcanoconiosis '.repeat(3) + 'x'.repeat(500) + ' ' + 'ab'.repeat(400) },
  { name: 'long digit run', text: '3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798214808651328230664709384460955058223172535940812848111745028410270193852110555964462294895493038196' },
  { name: 'reasoning trace', text: "Okay, so I need to find 17 × 23. Let me think.\n\n17 × 20 = 340, and 17 × 3 = 51, so 340 + 51 = 391.\n\nWait, let me double-check that. 23 × 17: 20 × 17 = 340, 3 × 17 = 51. Yes, 391.\n\nHmm, alternatively I could compute (20 - 3)(20 + 3) = 400 - 9 = 391. That matches!\n\nSo the answer is \\boxed{391}." },
  { name: 'lone surrogates', text: 'a\ud83db\udc00c \ud800' },
  { name: 'crlf text', text: 'first line\r\nsecond line\r\n\r\nthird\rline\r' },
  { name: 'apostrophes', text: "rock 'n' roll, ’tis, l’été, O'Neil's, 'quoted', ''double''" },
];

/** Real prose and code: READMEs of installed packages, cut into sections. */
function packageDocs(limit: number): Sample[] {
  const out: Sample[] = [];
  const dirs = ['typescript', 'esbuild', 'yaml', 'chart.js', 'vscode-languageserver', 'csv-parse', 'smol-toml', 'fflate', 'gpt-tokenizer', 'tsx'];
  for (const d of dirs) {
    let text: string;
    try {
      text = readFileSync(join(root, 'node_modules', d, 'README.md'), 'utf8');
    } catch {
      continue;
    }
    for (const [k, part] of text.split(/\n(?=#)/).entries()) {
      if (part.trim() === '') continue;
      out.push({ name: `${d} README §${k}`, text: part.slice(0, 6000) });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** Localized TypeScript diagnostics: natural sentences in many scripts. */
function localizedMessages(perLanguage: number): Sample[] {
  const out: Sample[] = [];
  const base = join(root, 'node_modules', 'typescript', 'lib');
  let langs: string[] = [];
  try {
    langs = readdirSync(base).filter((d) => /^(ja|ko|zh-cn|zh-tw|ru|de|fr|pl|tr|cs|pt-br|es|it)$/.test(d));
  } catch {
    return out;
  }
  for (const lang of langs) {
    const messages = Object.values(JSON.parse(readFileSync(join(base, lang, 'diagnosticMessages.generated.json'), 'utf8')) as Record<string, string>);
    for (let i = 0; i < perLanguage; i++) {
      const chunk = messages.slice(i * 40, i * 40 + 40).join('\n');
      if (chunk) out.push({ name: `typescript ${lang} messages ${i}`, text: chunk });
    }
  }
  return out;
}

/** Deterministic random strings over the character classes pre-tokenizers treat differently. */
function fuzz(count: number, seed = 7): Sample[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const pools = [
    'abcdefghijklmnopqrstuvwxyz',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '0123456789',
    '          ',
    '\n\n\r\t',
    ".,;:!?'\"()[]{}<>/\\-_=+*&^%$#@~`|",
    'éèüößçñÅØĲǅʰˇ',
    '中文字符测试汉字日本語ひらがなカタカナ한국어',
    'ـ٠١٢αβγДЖЯ',
    '\u0301\u0308\u20dd\u0903',
    '😀👍🏽🇪🇸👨‍👩‍👧❤️',
    '\u00a0\u2009\u3000\u200b\u2028',
    "'s't're've'm'll'd",
    '<|>｜▁think/',
  ];
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(rand() * (i % 10 === 0 ? 400 : 60));
    let t = '';
    while (t.length < len) {
      const pool = [...pools[Math.floor(rand() * pools.length)]];
      const run = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < run; k++) t += pool[Math.floor(rand() * pool.length)];
    }
    out.push({ name: `fuzz ${i}`, text: t });
  }
  return out;
}

let cached: Sample[] | undefined;

/** The full corpus (a few hundred samples, about 200 KB). */
export function corpus(): Sample[] {
  cached ??= [...hardCases, ...packageDocs(60), ...localizedMessages(2), ...fuzz(300)];
  return cached;
}

/** Where the real tokenizers (Unicode White_Space) and the JS ports (JavaScript `\s`) part ways. */
export const divergence: Sample[] = [
  { name: 'NEL between words', text: 'a\u0085  b' },
  { name: 'BOM inside text', text: 'x \ufeff\ufeff y' },
];
