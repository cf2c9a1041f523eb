import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineStarts, sliceLines } from '../../../src/server/traces';

/** Lines [from, to) as TextDocument gives them: what the server's own line index must match. */
function reference(text: string, from: number, to: number): string {
  return TextDocument.create('file:///t.jsonl', 'jsonl', 1, text).getText({ start: { line: from, character: 0 }, end: { line: to, character: 0 } });
}

test('line starts found with indexOf give the same lines as TextDocument, LF or CRLF, with or without a last newline', () => {
  for (const text of ['{"a":1}\n{"b":2}\n{"c":3}\n', '{"a":1}\r\n{"b":"é😀"}\r\n{"c":3}', '\n\n{"a":1}\n', '', 'one line only']) {
    const starts = lineStarts(text);
    assert.ok(starts, JSON.stringify(text));
    const lines = text.split('\n').length;
    for (let from = 0; from <= lines + 1; from++) {
      for (let to = from; to <= lines + 2; to++) {
        assert.equal(sliceLines(text, starts, from, to), reference(text, from, to), `${JSON.stringify(text)} lines ${from}..${to}`);
      }
    }
  }
});

test('a lone CR, a line break to LSP but not to indexOf, makes the server defer to TextDocument', () => {
  assert.equal(lineStarts('{"a":1}\r{"b":2}\n'), null);
  assert.deepEqual(lineStarts('{"a":1}\r\n{"b":2}\n'), [0, 9, 17]);
});
