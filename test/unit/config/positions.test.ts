import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFormatOf, keyAt, parseConfig, type ConfigKey, type ParsedConfig } from '../../../src/core/config/document';
import { locateTomlKeys } from '../../../src/core/config/tomlLocator';
import { fixture, positionOf } from './support';

function key(config: ParsedConfig, path: string): ConfigKey {
  const k = config.byPath.get(path);
  assert.ok(k, `no key ${path}; have ${config.keys.map((x) => x.path).join(', ')}`);
  return k;
}

/**
 * The key's and value's ranges are exactly where the text has them: `context` is a unique
 * stretch of the text holding the key and then its value; positions are computed from the text.
 */
function assertAt(config: ParsedConfig, path: string, context: string, keyText: string, valueText: string) {
  const text = config.text;
  const at = text.indexOf(context);
  assert.ok(at >= 0 && text.indexOf(context, at + 1) < 0, `context '${context}' must occur once`);
  const keyShift = context.indexOf(keyText);
  const valueShift = context.indexOf(valueText, keyShift + keyText.length);
  const k = key(config, path);
  assert.deepEqual(k.keyRange.start, positionOf(text, context, 0, keyShift), `${path}: key start`);
  assert.deepEqual(k.keyRange.end, positionOf(text, context, 0, keyShift + keyText.length), `${path}: key end`);
  assert.deepEqual(k.valueRange.start, positionOf(text, context, 0, valueShift), `${path}: value start`);
  assert.deepEqual(k.valueRange.end, positionOf(text, context, 0, valueShift + valueText.length), `${path}: value end`);
  assert.equal(k.raw, valueText);
}

test('YAML: nested keys, comments, quotes and lists at exact 0-based offsets, lines and columns', () => {
  const text = ['# comment', 'model:', '  name: "lens-1.3b"   # why', '  n_layers: 24', 'training:', '  learning_rate: 3.0e-4', '  betas: [0.9, 0.95]', '  datasets:', '    - path: c4', '      weight: 0.5', 'empty:', 'last: x'].join('\n');
  const c = parseConfig(text, 'yaml');
  assert.deepEqual(c.problems, []);
  assertAt(c, 'model.name', 'name: "lens-1.3b"', 'name', '"lens-1.3b"');
  assert.equal(key(c, 'model.name').value, 'lens-1.3b');
  assertAt(c, 'model.n_layers', 'n_layers: 24', 'n_layers', '24');
  assertAt(c, 'training.learning_rate', 'learning_rate: 3.0e-4', 'learning_rate', '3.0e-4');
  assert.equal(key(c, 'training.learning_rate').value, 3e-4);
  assertAt(c, 'training.betas', 'betas: [0.9, 0.95]', 'betas', '[0.9, 0.95]');
  assert.deepEqual(key(c, 'training.betas').value, [0.9, 0.95]);
  assertAt(c, 'training.datasets.0.path', 'path: c4', 'path', 'c4');
  assertAt(c, 'training.datasets.0.weight', 'weight: 0.5', 'weight', '0.5');
  // A key with no value: an empty value range right after the key.
  const empty = key(c, 'empty');
  assert.equal(empty.value, null);
  assert.equal(empty.valueRange.start.offset, empty.valueRange.end.offset);
  assert.equal(empty.valueRange.start.offset, text.indexOf('empty:') + 'empty:'.length);
  assert.deepEqual(empty.keyRange.start, { offset: text.indexOf('empty:'), line: 10, column: 0 });
  assert.deepEqual(key(c, 'training.learning_rate').keyRange.start, { offset: text.indexOf('learning_rate'), line: 5, column: 2 });
});

test('JSON is read through the YAML parser with exact ranges, tabs and escapes included', () => {
  const text = '{\n\t"model": {"hidden_size": 2048, "name": "a\\"b"},\n\t"lr": 3e-4,\n\t"list": [1, 2]\n}\n';
  const c = parseConfig(text, 'json');
  assert.deepEqual(c.problems, []);
  assertAt(c, 'model.hidden_size', '"hidden_size": 2048', '"hidden_size"', '2048');
  assertAt(c, 'model.name', '"name": "a\\"b"', '"name"', '"a\\"b"');
  assert.equal(key(c, 'model.name').value, 'a"b');
  assertAt(c, 'lr', '"lr": 3e-4', '"lr"', '3e-4');
  assert.deepEqual(key(c, 'lr').keyRange.start, { offset: text.indexOf('"lr"'), line: 2, column: 1 });
  assert.deepEqual(key(c, 'list').value, [1, 2]);
});

test('TOML: tables, dotted and quoted keys, no-space `key=value`, multi-line arrays, comments — exact ranges', () => {
  const text = [
    '# header',
    '[model]',
    'name = "llama3"  # a comment',
    'flavor = "8B"',
    '',
    '[training]',
    'steps = 1_000',
    'seq_len=8192',
    'lr.peak = 3e-4',
    '"quoted key" = 2',
    'components = [',
    '  "model", # first',
    '  "loss",',
    ']',
    'opt = { name = "AdamW", eps = 1e-8 }',
    'after = true',
  ].join('\n');
  const c = parseConfig(text, 'toml');
  assert.deepEqual(c.problems, []);
  assertAt(c, 'model.name', 'name = "llama3"', 'name', '"llama3"');
  assert.equal(key(c, 'model.name').value, 'llama3');
  assertAt(c, 'training.steps', 'steps = 1_000', 'steps', '1_000');
  assert.equal(key(c, 'training.steps').value, 1000);
  assertAt(c, 'training.seq_len', 'seq_len=8192', 'seq_len', '8192');
  assertAt(c, 'training.lr.peak', 'lr.peak = 3e-4', 'lr.peak', '3e-4');
  assertAt(c, 'training.quoted key', '"quoted key" = 2', '"quoted key"', '2');
  assert.deepEqual(key(c, 'training.components').value, ['model', 'loss']);
  assert.equal(key(c, 'training.components').raw, '[\n  "model", # first\n  "loss",\n]');
  assertAt(c, 'training.opt.name', 'name = "AdamW"', 'name', '"AdamW"');
  assertAt(c, 'training.opt.eps', 'eps = 1e-8', 'eps', '1e-8');
  assert.equal(key(c, 'training.after').value, true);
  assert.deepEqual(key(c, 'training.steps').keyRange.start, { offset: text.indexOf('steps'), line: 6, column: 0 });
});

test('TOML locator: arrays of tables get indices, multi-line strings are skipped over, dates are text', () => {
  const text = [
    '[[runs]]',
    'lr = 1e-3',
    '[[runs]]',
    'lr = 2e-3',
    '[runs.opt]',
    'beta = 0.9',
    'notes = """',
    'lr = 99',
    '"""',
    "path = 'C:\\x'",
    'when = 1979-05-27 07:32:00Z',
    'hex = 0xff',
  ].join('\n');
  const scan = locateTomlKeys(text);
  assert.deepEqual(scan.problems, []);
  const paths = scan.keys.map((k) => k.segments.join('.'));
  assert.deepEqual(paths, ['runs.0.lr', 'runs.1.lr', 'runs.1.opt.beta', 'runs.1.opt.notes', 'runs.1.opt.path', 'runs.1.opt.when', 'runs.1.opt.hex']);
  const c = parseConfig(text, 'toml');
  assert.equal(c.byPath.get('runs.1.lr')?.value, 2e-3);
  assert.equal(c.byPath.get('runs.1.opt.notes')?.value, 'lr = 99\n');
  assert.equal(c.byPath.get('runs.1.opt.path')?.value, 'C:\\x');
  assert.equal(c.byPath.get('runs.1.opt.hex')?.value, 255);
  assert.equal(typeof c.byPath.get('runs.1.opt.when')?.value, 'string');
});

test('a half-typed file keeps its other keys and reports where it broke (YAML, JSON, TOML)', () => {
  const yaml = parseConfig('a: 1\nb: [1, 2\nc: 3\n', 'yaml');
  assert.ok(yaml.problems.length > 0);
  assert.equal(yaml.byPath.get('a')?.value, 1);
  // YAML reads `{"a": 1, "b": }` as b: null; a bracket left open is an error in both.
  const json = parseConfig('{"a": 1, "b": [1, 2}', 'json');
  assert.ok(json.problems.length > 0);
  assert.equal(json.byPath.get('a')?.value, 1);
  const toml = parseConfig('[training]\nsteps = 100\nlr = \nseq_len = 2048\n', 'toml');
  assert.equal(toml.problems.length, 1);
  assert.equal(toml.problems[0].range.start.line, 2);
  // Values still come from the scanner when smol-toml gives up on the file.
  assert.equal(toml.byPath.get('training.steps')?.value, 100);
  assert.equal(toml.byPath.get('training.seq_len')?.value, 2048);
  assert.equal(toml.byPath.has('training.lr'), false);
});

test('the torchtitan fixture: smol-toml and the locator agree on every value', () => {
  const c = parseConfig(fixture('torchtitan-llama3-8b.toml'), 'toml');
  assert.deepEqual(c.problems, []);
  const scan = locateTomlKeys(c.text);
  for (const k of scan.keys) {
    const parsed = c.byPath.get(k.segments.join('.'));
    assert.deepEqual(parsed?.value, k.value, k.segments.join('.'));
  }
  assert.equal(c.byPath.get('compile.enable')?.value, false);
  assert.equal(c.byPath.get('validation.steps')?.value, -1);
  assert.equal(c.byPath.get('activation_checkpoint.mode')?.value, 'selective');
});

test('keyAt finds the key under the cursor on its name or its value', () => {
  const text = 'model:\n  n_layers: 24\n  hidden_size: 2048\n';
  const c = parseConfig(text, 'yaml');
  assert.equal(keyAt(c, text.indexOf('n_layers') + 2)?.path, 'model.n_layers');
  assert.equal(keyAt(c, text.indexOf('2048') + 1)?.path, 'model.hidden_size');
  assert.equal(keyAt(c, 0), undefined);
  assert.equal(configFormatOf('a/train.YML'), 'yaml');
  assert.equal(configFormatOf('b.toml'), 'toml');
  assert.equal(configFormatOf('c.jsonl'), undefined);
});
