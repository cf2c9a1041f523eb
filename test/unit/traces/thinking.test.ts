import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarkerMatcher } from '../../../src/core/traces/markers';
import { firstAnswerPoint } from '../../../src/core/traces/overthinking';
import { analyzeWords, sketchSimilarity } from '../../../src/core/traces/repetition';
import { countSteps, segmentSteps } from '../../../src/core/traces/steps';

test('steps: paragraphs, numbered steps and headed sections', () => {
  const text = 'First idea.\nStill first.\n\nSecond paragraph.\nStep 3: compute.\n1. one\n2. two\n\n## Check\nDone.';
  const steps = segmentSteps(text);
  assert.deepEqual(steps.map((s) => [text.slice(s.start, s.end), s.kind]), [
    ['First idea.\nStill first.', 'paragraph'],
    ['Second paragraph.', 'paragraph'],
    ['Step 3: compute.', 'section'],
    ['1. one', 'numbered'],
    ['2. two', 'numbered'],
    ['## Check\nDone.', 'section'],
  ]);
  assert.deepEqual(segmentSteps(''), []);
});

test('countSteps agrees with segmentSteps on any text', () => {
  const parts = ['word ', 'Step 2: ', '1. ', '## H', '\n', '\n\n', '   ', '**Case 1**', 'Sx', '3) ', 'plain.'];
  let seed = 3;
  for (let i = 0; i < 500; i++) {
    let t = '';
    for (let k = 0; k < 12; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      t += parts[seed % parts.length];
    }
    assert.equal(countSteps(t), segmentSteps(t).length, JSON.stringify(t));
  }
});

test('markers: case-insensitive, whole words, longest phrase first, never counted twice', () => {
  const m = new MarkerMatcher();
  const text = "Wait, that's wrong. But wait — hmm. Let me double-check. Alternatively... awaiting the waitress; I'm not sure. let  me   verify";
  const hits = m.find(text).map((h) => [h.phrase, h.kind]);
  assert.deepEqual(hits, [
    ['wait', 'backtrack'],
    ["that's wrong", 'backtrack'],
    ['but wait', 'backtrack'],
    ['hmm', 'hedge'],
    ['let me double-check', 'verify'],
    ['alternatively', 'alternative'],
    ["i'm not sure", 'hedge'],
    ['let me verify', 'verify'],
  ]);
  const custom = new MarkerMatcher([{ phrase: 'on reflection', kind: 'mine' }]);
  assert.deepEqual(custom.find('On reflection, no.').map((h) => h.kind), ['mine']);
  assert.equal(m.find('It’s not right? That’s not right.').length, 1, 'typographic apostrophes match too');
});

test('markers: phrases grouped by first letter match exactly as one flat alternation would', () => {
  // The reference: every phrase in one alternation, longest first, as the matcher was first written.
  const flat = (specs: { phrase: string; kind: string }[], text: string): string[] => {
    const keyOf = (s: string): string => s.toLowerCase().replace(/’/g, "'").split(/\s+/).filter((w) => w !== '').join(' ');
    const keys = [...new Set([...specs].sort((a, b) => b.phrase.length - a.phrase.length).map((s) => keyOf(s.phrase)))];
    // \b only where the phrase has an ASCII word character on that side (it means nothing elsewhere).
    const b = (c: string): string => (/\w/.test(c) ? '\\b' : '');
    const alts = keys.map((k) => b(k[0]) + k.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]")).join('\\s+') + b(k[k.length - 1]));
    const re = new RegExp(`(?:${alts.join('|')})`, 'gi');
    // A letter's combining marks are part of its word; a phrase rejected for its neighbours does
    // not hide one starting inside it.
    const word = (c: number): boolean => !Number.isNaN(c) && /[\p{L}\p{M}\p{N}_]/u.test(String.fromCharCode(c));
    const out: string[] = [];
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (word(text.charCodeAt(m.index - 1)) || word(text.charCodeAt(m.index + m[0].length))) {
        re.lastIndex = m.index + 1;
        continue;
      }
      // The phrase it came from (lower-casing `Σ` does not say whether the list wrote `σ` or `ς`).
      out.push(`${m.index}:${keys[alts.findIndex((a) => new RegExp(`^(?:${a})$`, 'i').test(m![0]))]}`);
    }
    return out;
  };
  const specs = [
    { phrase: 'a', kind: 'x' },
    { phrase: 'a b', kind: 'x' },
    { phrase: 'a-b', kind: 'x' },
    { phrase: "'tis", kind: 'x' },
    { phrase: 'σa', kind: 'x' },
    { phrase: 'ςb', kind: 'x' },
    { phrase: 'wait', kind: 'x' },
    { phrase: 'but wait', kind: 'x' },
  ];
  const texts = ['a b, a-b, a  b a; ’tis ΣA Σb σb ςa', 'éwait waitá _wait wait_ 3wait but\u00a0wait BUT WAIT-but wait ébut wait e\u0301wait', "Wait—no wait. Hmm… Let me\tdouble-check; I’M NOT SURE. I think, that’s wrong."];
  for (const list of [specs, undefined]) {
    const m = new MarkerMatcher(list);
    for (const t of texts) assert.deepEqual(m.find(t).map((h) => `${h.start}:${h.phrase.toLowerCase().replace(/’/g, "'")}`), flat(list ?? [...m.specs], t), t);
  }
});

test('markers found from the pieces a tokenizer cuts are the regex pass\'s, for every bundled tokenizer', async () => {
  const { counterFor } = await import('../../../src/core/tokens/counters');
  const parts = [
    'wait', 'Wait', 'WAIT', 'WaIt', 'waiting', 'but', 'BUT', 'no', 'hold on', 'a', 'an', 'another way', 'I', "I'm", 'I’m', 'i', 'not sure', 'that', "that's", 'that’s', 'wrong',
    'let', 'me', 'double', '-check', 'double-check', 'maybe', "'maybe", "x'maybe", 'perhaps', 'hmm', 'to verify', 'it seems', 'what if', 'sanity check', 'on second thought',
    ' ', '  ', '\n', '\n\n', '\t', '\u00a0', '\u3000', ',', '.', '—', '(', '"', "'", '’', '_', '3', '42', 'é', 'e\u0301', '\u0301', 'ß', '中文', 'した', '😀', 'x', 'Xy',
    '<think>', '</think>', '<|endoftext|>', '<｜end▁of▁sentence｜>', '<|im_end|>',
  ];
  let seed = 11;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const texts: string[] = [];
  for (let n = 0; n < 1500; n++) {
    let t = '';
    for (let k = 1 + rand(40); k > 0; k--) t += parts[rand(parts.length)];
    texts.push(t);
  }
  const lists = [undefined, [{ phrase: 'on reflection', kind: 'mine' }, { phrase: 'I’d say', kind: 'mine' }, { phrase: 'x', kind: 'x' }]];
  let compared = 0;
  for (const list of lists) {
    const m = new MarkerMatcher(list);
    for (const id of ['o200k_base', 'cl100k_base', 'deepseek_r1', 'qwen3', 'llama3', 'estimate:claude']) {
      const counter = counterFor(id);
      for (const specials of ['tokens', 'text'] as const) {
        for (const t of texts) {
          const watch = m.watchPieces();
          assert.ok(watch, 'an ASCII list is found from pieces');
          const tokens = counter.countAt(t, [], new Int32Array(0), { specials }, { watch });
          assert.equal(tokens, counter.count(t, { specials }), 'watching does not change the count');
          assert.deepEqual(m.findWatched(t), m.find(t), JSON.stringify([id, specials, t]));
          compared += m.find(t).length;
        }
      }
    }
  }
  assert.ok(compared > 10_000, `the texts hold markers (${compared})`);
  // Phrases of other scripts are not found from pieces: the regex pass runs instead.
  const cyrillic = new MarkerMatcher([{ phrase: 'подожди', kind: 'backtrack' }]);
  assert.equal(cyrillic.watchPieces(), undefined);
  assert.deepEqual(cyrillic.findWatched('Подожди, нет.').map((h) => h.start), [0]);
  // A watch no tokenizer took says so, and the regex pass runs.
  const m = new MarkerMatcher();
  m.watchPieces();
  assert.deepEqual(m.findWatched('Wait, hmm.').map((h) => h.phrase), ['wait', 'hmm']);
});

test('first answer point: a result cue wins; mentions in the problem statement do not count', () => {
  const thinking = 'We need 91 × 36 + 236.\n\nFirst 91 × 36 = 3276.\n\nThen 3276 + 236 = 3512.\n\nCheck: 3512. Yes, 3512.';
  const p = firstAnswerPoint(thinking, '3512', 'Compute 91 × 36 + 236.')!;
  assert.equal(thinking.slice(p.start, p.end), '3512');
  assert.equal(p.start, thinking.indexOf('3512'));
  assert.equal(p.rule, 'result-cue');
  // 236 appears in the prompt: its bare mention in the restatement is not the answer.
  assert.equal(firstAnswerPoint('We need 91 × 36 + 236. Hmm.', '236', 'Compute 91 × 36 + 236.'), undefined);
  // Numbers stand alone: 35120 does not contain the answer 3512; 3,512 does.
  const q = firstAnswerPoint('Maybe 35120? No: the total is 3,512.', '3512')!;
  assert.equal(q.rule, 'result-cue');
  assert.equal('Maybe 35120? No: the total is 3,512.'.slice(q.start, q.end), '3,512');
  // A result cue anywhere beats an earlier bare mention (which may be a coincidence)...
  assert.equal(firstAnswerPoint('Paris is nice. So the capital is Paris.', 'Paris')?.start, 33);
  // ...and without any cue, the first mention counts.
  assert.deepEqual(firstAnswerPoint('Paris or Lyon? Paris, I think.', 'Paris'), { start: 0, end: 5, rule: 'first-mention' });
});

test('repetition: repeated word n-grams form spans pointing at their first occurrence', () => {
  const loop = 'so we add the two numbers and carry the one over to the next column ';
  const text = `Start here. ${loop}then ${loop}and again ${loop}end`;
  const w = analyzeWords(text, { repeatN: 8 });
  assert.equal(w.repeated.length, 2);
  assert.equal(w.repeated[0].firstStart, text.indexOf('so we add'));
  assert.ok(w.repeatedShare > 0.5);
  assert.equal(analyzeWords('all different words in this short sentence here today friends', { repeatN: 3 }).repeated.length, 0);
});

test('similarity sketches: identical texts 1, unrelated texts near 0, related in between', () => {
  const a = analyzeWords('the quick brown fox jumps over the lazy dog and runs far away into the deep dark forest tonight').sketch;
  const b = analyzeWords('the quick brown fox jumps over the lazy dog and runs far away into the deep dark forest tonight').sketch;
  const c = analyzeWords('completely unrelated sentence about numbers seven eight nine ten eleven twelve thirteen fourteen').sketch;
  const d = analyzeWords('the quick brown fox jumps over the lazy cat and walks far away into the deep dark forest today').sketch;
  assert.equal(sketchSimilarity(a, b), 1);
  assert.equal(sketchSimilarity(a, c), 0);
  const s = sketchSimilarity(a, d);
  assert.ok(s > 0.1 && s < 0.9, String(s));
});

test('sketch similarity is the shared share of the bottom-k of the union, on random sketches', () => {
  // The estimator as defined: the k smallest of the union, and how many of them both hold.
  const reference = (a: number[], b: number[]): number => {
    if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
    const k = Math.min(Math.max(a.length, b.length), 64);
    const union = [...new Set([...a, ...b])].sort((x, y) => x - y).slice(0, k);
    const inA = new Set(a);
    const inB = new Set(b);
    return union.filter((x) => inA.has(x) && inB.has(x)).length / union.length;
  };
  let seed = 9;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  for (let t = 0; t < 5000; t++) {
    const range = 1 + rand(300);
    const make = (): Uint32Array => {
      const s = new Set<number>();
      for (let n = rand(70); n > 0; n--) s.add(rand(range));
      return Uint32Array.from([...s].sort((x, y) => x - y).slice(0, 64));
    };
    const a = make();
    const b = make();
    assert.ok(Math.abs(sketchSimilarity(a, b) - reference([...a], [...b])) < 1e-12, JSON.stringify([[...a], [...b]]));
  }
});

test('number occurrences found lazily are the ones an eager search of every form finds', async () => {
  const { numberOccurrences } = await import('../../../src/core/traces/overthinking');
  // The search as first written: every form's next occurrence over the whole text, in step.
  const eager = (text: string, forms: string[]): [number, number][] => {
    const out: [number, number][] = [];
    const next = forms.map((f) => text.indexOf(f));
    for (;;) {
      let k = -1;
      for (let i = 0; i < forms.length; i++) if (next[i] >= 0 && (k < 0 || next[i] < next[k])) k = i;
      if (k < 0) return out;
      const start = next[k];
      const end = start + forms[k].length;
      next[k] = text.indexOf(forms[k], start + 1);
      const digit = (c: number): boolean => c >= 48 && c <= 57;
      const before = text.charCodeAt(start - 1);
      const after = text.charCodeAt(end);
      if (digit(before) || before === 46 || before === 44) continue;
      if (digit(after) || ((after === 46 || after === 44) && digit(text.charCodeAt(end + 1)))) continue;
      out.push([start, end]);
    }
  };
  const formLists = [['3512', '3,512'], ['0.5', '.5'], ['1000', '1,000'], ['-1234', '-1,234'], ['7']];
  const parts = ['3512', '3,512', '35120', '13512', '3,5120', '0.5', '.5', '10.5', '1000', '1,000', '-1234', '-1,234', '7', ',', '.', ' ', '= ', 'x', '\n'];
  let seed = 17;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  let found = 0;
  for (let t = 0; t < 20_000; t++) {
    let text = '';
    for (let k = rand(30); k > 0; k--) text += parts[rand(parts.length)];
    const forms = formLists[rand(formLists.length)];
    const got = [...numberOccurrences(text, forms)];
    assert.deepEqual(got, eager(text, forms), JSON.stringify([text, forms]));
    found += got.length;
  }
  assert.ok(found > 1000, `occurrences were found (${found})`);
});
