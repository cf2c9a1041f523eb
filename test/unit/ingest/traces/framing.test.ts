import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemSink } from '../../../../src/core/ingest/problem';
import { textSource } from '../../../../src/core/ingest/source';
import { byteLength, LineDecoder, readJsonItems, readRawLines, sampleHead } from '../../../../src/core/ingest/traces/framing';
import { splitThink, stripTemplateTokens } from '../../../../src/core/ingest/traces/think';

async function items(text: string) {
  const sink = new ProblemSink('t');
  const out = [];
  for await (const i of readJsonItems(textSource('t', text), sink)) out.push(i);
  return { items: out, problems: sink.finish() };
}

test('line byte offsets are exact with CRLF, multi-byte text and a BOM', async () => {
  const text = '\ufeff{"a":"é"}\r\n{"b":"中文😀"}\n\nlast';
  const lines = [];
  for await (const l of readRawLines(textSource('t', text))) lines.push(l);
  const bytes = Buffer.from(text, 'utf8');
  assert.deepEqual(lines.map((l) => l.text), ['{"a":"é"}', '{"b":"中文😀"}', '', 'last']);
  for (const l of lines) assert.equal(bytes.subarray(l.byteStart, l.byteEnd).toString('utf8'), l.text);
  assert.equal(byteLength('a\ud800b'), 5);
});

test('chunk boundaries anywhere give the same lines', async () => {
  const text = '{"x": 1}\n{"y": "ü"}\n'.repeat(50);
  const whole = [];
  for await (const l of readRawLines(textSource('t', text))) whole.push(l);
  const chunked = { name: 't', async *chunks() {
    for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
  } };
  const parts = [];
  for await (const l of readRawLines(chunked)) parts.push(l);
  assert.deepEqual(parts, whole);
});

test('JSON array and concatenated pretty-printed documents are cut into records', async () => {
  const arr = await items('[\n  {"a": 1},\n  {"b": "x]}\\"y"},\n  {"c": [1, {"d": 2}]}\n]\n');
  assert.deepEqual(arr.items.map((i) => i.value), [{ a: 1 }, { b: 'x]}"y' }, { c: [1, { d: 2 }] }]);
  assert.deepEqual(arr.items.map((i) => [i.line, i.endLine]), [[2, 2], [3, 3], [4, 4]]);
  const docs = await items('{\n  "a": 1\n}\n{\n  "b": 2\n}\n');
  assert.deepEqual(docs.items.map((i) => [i.value, i.line, i.endLine]), [[{ a: 1 }, 1, 3], [{ b: 2 }, 4, 6]]);
});

test('a bad record inside an array is located and the rest is read', async () => {
  const r = await items('[\n  {"a": 1},\n  {"b": tru},\n  {"c": 3}\n]');
  assert.deepEqual(r.items.map((i) => i.value), [{ a: 1 }, { c: 3 }]);
  assert.deepEqual(r.problems.map((p) => [p.line, p.code]), [[3, 'trace/bad-json']]);
});

test('server-sent events: data lines parsed, event/comment lines and [DONE] skipped', async () => {
  const r = await items('event: x\ndata: {"a": 1}\n\n: comment\ndata: [DONE]\n');
  assert.deepEqual(r.items.map((i) => [i.value, i.line]), [[{ a: 1 }, 2]]);
  assert.deepEqual(r.problems, []);
});

test('detectors sample complete values from a head cut at any point', () => {
  assert.deepEqual(sampleHead('{"a":1}\n{"b":2}\n{"c":'), [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(sampleHead('[{"a":1},{"b":2},{"c":'), [{ a: 1 }, { b: 2 }]);
  assert.deepEqual(sampleHead('{\n "a": {"b": 1}\n}\n'), [{ a: { b: 1 } }]);
});

test('think splitting and template tokens', () => {
  const s = splitThink('<｜Assistant｜><think>\nA\n</think>\n\nB<｜end▁of▁sentence｜>');
  assert.deepEqual([s.thinking, s.answer, s.unclosed, s.templateTokens], ['A', 'B', false, ['<｜Assistant｜>', '<｜end▁of▁sentence｜>']]);
  assert.deepEqual(splitThink('<think>one</think>x<think>two</think>y').thinking, 'one\n\ntwo');
  assert.equal(splitThink('<think>never closed').unclosed, true);
  const found: string[] = [];
  assert.equal(stripTemplateTokens('<|im_start|>assistant\nHi<|im_end|>', found), 'Hi');
  assert.deepEqual(found, ['<|im_start|>assistant', '<|im_end|>']);
});

test('reasoning delimited by the other conventions in use', () => {
  const pick = (t: string) => { const s = splitThink(t); return [s.thinking, s.answer, s.unclosed, s.tagged]; };
  // Sky-T1 / Bespoke-Stratos / OpenThoughts: the solution markers are dropped from the answer.
  assert.deepEqual(pick('<|begin_of_thought|>\n\nA\n\n<|end_of_thought|>\n\n<|begin_of_solution|>\n\nB\n\n<|end_of_solution|>'), ['A', 'B', false, true]);
  assert.deepEqual(pick('<seed:think>A</seed:think>B'), ['A', 'B', false, true]);
  assert.deepEqual(pick('[THINK]A[/THINK]B'), ['A', 'B', false, true]);
  assert.deepEqual(pick('◁think▷A◁/think▷B'), ['A', 'B', false, true]);
  assert.deepEqual(pick('<|begin_of_thought|>A, still going'), ['A, still going', '', true, true]);
  // gpt-oss in OpenAI's harmony format, raw and with special tokens dropped by the server.
  assert.deepEqual(pick('<|start|>assistant<|channel|>analysis<|message|>We need 2+2. It is 4.<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>'), ['We need 2+2. It is 4.', '4', false, true]);
  assert.deepEqual(pick('<|channel|>analysis<|message|>Still thinking about'), ['Still thinking about', '', true, true]);
  assert.deepEqual(pick('analysisWe need 2+2. It is 4.assistantfinal4'), ['We need 2+2. It is 4.', '4', false, true]);
  assert.deepEqual(pick('<|channel|>commentary to=functions.add <|constrain|>json<|message|>{"a":2}<|call|>'), ['', '{"a":2}', false, true]);
  // The words alone are not tags.
  assert.deepEqual(pick('I think the answer is 4; THINK again. <think'), ['', 'I think the answer is 4; THINK again. <think', false, false]);
});

test('files read as bytes give the same lines and offsets as text, across chunk boundaries', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { traceFileSource } = await import('../../../../src/core/ingest/traces/framing');
  const long = 'é'.repeat(700_000);
  const text = `\ufeff{"a":"x"}\r\n${long}\n\n{"b":"中文😀"}\r\nlast line`;
  const path = join(mkdtempSync(join(tmpdir(), 'lines-')), 'f.jsonl');
  writeFileSync(path, text);
  const viaText = [];
  for await (const l of readRawLines(textSource('t', text))) viaText.push(l);
  const viaBytes = [];
  for await (const l of readRawLines(traceFileSource(path))) viaBytes.push(l);
  assert.deepEqual(viaBytes, viaText);
  assert.equal(viaBytes[1].text.length, 700_000);
  // Blocking reads into one reused buffer: the unfinished line's bytes must survive the next read.
  const viaBlocking = [];
  for await (const l of readRawLines(traceFileSource(path, path, 0, undefined, true))) viaBlocking.push(l);
  assert.deepEqual(viaBlocking, viaText);
});

test('blocking reads of byte ranges give the lines of those ranges, whatever falls on a read boundary', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { traceFileSource } = await import('../../../../src/core/ingest/traces/framing');
  // Lines of 0–300 KB mixing one-, two-, three- and four-byte characters, so the 1 MB reads end
  // inside lines and inside characters.
  const alphabet = ['a', 'é', '中', '😀', ' ', '"'];
  const lines: string[] = [];
  let seed = 3;
  for (let i = 0; i < 40; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const len = (seed >>> 8) % 300_000;
    lines.push(alphabet[(seed >>> 4) % alphabet.length].repeat(len));
  }
  const text = lines.join('\n') + '\n';
  const bytes = Buffer.from(text);
  const path = join(mkdtempSync(join(tmpdir(), 'lines-')), 'f.jsonl');
  writeFileSync(path, bytes);
  const starts = [0];
  for (const l of lines) starts.push(starts[starts.length - 1] + Buffer.byteLength(l) + 1);
  for (const [a, b] of [[0, starts.length - 1], [3, 17], [10, 11], [20, starts.length - 1], [5, 5]]) {
    const expected = [];
    for await (const l of readRawLines(textSource('t', bytes.subarray(starts[a], starts[b]).toString('utf8')))) expected.push(l);
    const got = [];
    for await (const l of readRawLines(traceFileSource(path, path, starts[a], starts[b], true))) got.push(l);
    assert.deepEqual(got, expected, `lines ${a}–${b}`);
  }
});

test('LineDecoder decodes every byte sequence as Buffer#toString does, invalid bytes and byte-order marks included', () => {
  const decoder = new LineDecoder();
  let seed = 11;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  // Valid sequences, their parts, overlong forms, surrogates, bytes that never occur in UTF-8.
  const pool = [0x41, 0x7d, 0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xff, 0xfe, 0xf4, 0x90, 0xe0, 0x7f, 0x00];
  let nonAscii = 0;
  for (let n = 0; n < 20_000; n++) {
    const bytes = Buffer.from(Array.from({ length: rand(14) }, () => (rand(3) === 0 ? rand(256) : pool[rand(pool.length)])));
    // Lines are decoded one after another from one decoder, at any offset of a bigger buffer.
    const pad = rand(3);
    const buf = Buffer.concat([Buffer.alloc(pad, 0x20), bytes, Buffer.from([0x0a])]);
    assert.equal(decoder.decode(buf, pad, pad + bytes.length), bytes.toString('utf8'), bytes.toString('hex'));
    if (bytes.some((b) => b >= 0x80)) nonAscii++;
  }
  assert.ok(nonAscii > 10_000);
  // All-ASCII lines take their own path: JSON as Python writes it by default (ensure_ascii).
  for (let n = 0; n < 2_000; n++) {
    const text = JSON.stringify({ t: String.fromCharCode(...Array.from({ length: rand(40) }, () => rand(0x7f))), u: '\\u00e9' });
    const buf = Buffer.from(`${text}\n`);
    assert.equal(decoder.decode(buf, 0, buf.length - 1), text);
  }
});

test('the tag scanner finds what the tag regexes find, on random tag soup', async () => {
  const { findThinkTag, THINK_OPEN, THINK_CLOSE, THINK_TAG } = await import('../../../../src/core/ingest/traces/think');
  const parts = ['<think>', '<thinking>', '</think>', '</thinking>', '<think', 'think>', '<|begin_of_thought|>', '<|end_of_thought|>', '<|begin_of', '<seed:think>', '</seed:think>', '<seed:', '[THINK]', '[/THINK]', '[think]', '[', '◁think▷', '◁/think▷', '◁', '<', '</', 'a', ' ', '中文', '😀', '\n'];
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const viaRegex = (re: RegExp, s: string, from: number) => {
    const g = new RegExp(re.source, 'g');
    g.lastIndex = from;
    const m = g.exec(s);
    return m ? { index: m.index, length: m[0].length } : undefined;
  };
  for (let n = 0; n < 20_000; n++) {
    let s = '';
    for (let k = rand(12); k > 0; k--) s += parts[rand(parts.length)];
    const from = rand(s.length + 1);
    assert.deepEqual(findThinkTag(s, from, 1), viaRegex(THINK_OPEN, s, from), JSON.stringify([s, from, 'open']));
    assert.deepEqual(findThinkTag(s, from, 2), viaRegex(THINK_CLOSE, s, from), JSON.stringify([s, from, 'close']));
    assert.deepEqual(findThinkTag(s, from), viaRegex(THINK_TAG, s, from), JSON.stringify([s, from, 'any']));
  }
});

test('splitThink on random tag soup splits as a regex-driven reference does', async () => {
  const { THINK_OPEN, THINK_CLOSE } = await import('../../../../src/core/ingest/traces/think');
  // The splitter as first written: regex searches for the next opening and closing tag.
  const reference = (clean: string) => {
    const find = (re: RegExp, from: number) => {
      const g = new RegExp(re.source, 'g');
      g.lastIndex = from;
      const m = g.exec(clean);
      return m ? { index: m.index, length: m[0].length } : undefined;
    };
    if (!find(THINK_OPEN, 0) && !find(THINK_CLOSE, 0)) return { thinking: '', answer: clean.trim(), unclosed: false, tagged: false };
    const thinking: string[] = [];
    const answer: string[] = [];
    let unclosed = false;
    let pos = 0;
    const firstOpen = find(THINK_OPEN, 0);
    const firstClose = find(THINK_CLOSE, 0);
    if (firstClose && (!firstOpen || firstClose.index < firstOpen.index)) {
      thinking.push(clean.slice(0, firstClose.index));
      pos = firstClose.index + firstClose.length;
    }
    for (;;) {
      const open = find(THINK_OPEN, pos);
      if (!open) {
        answer.push(clean.slice(pos));
        break;
      }
      answer.push(clean.slice(pos, open.index));
      const close = find(THINK_CLOSE, open.index + open.length);
      if (!close) {
        thinking.push(clean.slice(open.index + open.length));
        unclosed = true;
        break;
      }
      thinking.push(clean.slice(open.index + open.length, close.index));
      pos = close.index + close.length;
    }
    return { thinking: thinking.map((t) => t.trim()).filter((t) => t !== '').join('\n\n'), answer: answer.join('').trim(), unclosed, tagged: true };
  };
  const parts = ['<think>', '<thinking>', '</think>', '</thinking>', '<think', '<|begin_of_thought|>', '<|end_of_thought|>', '<seed:think>', '</seed:think>', '[THINK]', '[/THINK]', '[', '◁think▷', '◁/think▷', '◁', '<', 'a', 'b c', ' ', '\n', '中文'];
  let seed = 5;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  for (let n = 0; n < 20_000; n++) {
    let s = '';
    for (let k = rand(10); k > 0; k--) s += parts[rand(parts.length)];
    const got = splitThink(s);
    assert.deepEqual({ thinking: got.thinking, answer: got.answer, unclosed: got.unclosed, tagged: got.tagged }, reference(s), JSON.stringify(s));
  }
});
