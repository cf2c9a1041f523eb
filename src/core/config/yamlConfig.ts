import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigKey, ConfigLeafValue, ConfigScalar, ConfigSyntaxProblem, LineIndex } from './document';

/**
 * YAML and JSON configs through the `yaml` package, which keeps each node's source range
 * ([start, end of value, end of node with its comment]). JSON is parsed as YAML 1.2: the same
 * ranges, and a half-typed file still yields the keys around the error.
 */
export function parseYamlConfig(text: string, lines: LineIndex): { keys: ConfigKey[]; problems: ConfigSyntaxProblem[] } {
  const doc = parseDocument(text, { prettyErrors: false });
  const keys: ConfigKey[] = [];
  const problems: ConfigSyntaxProblem[] = doc.errors.map((e) => ({
    message: e.message.split('\n')[0],
    range: lines.range(e.pos[0], Math.max(e.pos[0], e.pos[1])),
  }));
  walk(doc, doc.contents as Node | null, [], keys, text, lines);
  return { keys, problems };
}

function walk(doc: Document, node: Node | null, segments: string[], out: ConfigKey[], text: string, lines: LineIndex): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || !key.range) continue;
      const name = String(key.value);
      const value = pair.value as Node | null;
      const path = [...segments, name];
      if (isMap(value) || (isSeq(value) && value.items.some((i) => isMap(i) || isSeq(i)))) {
        walk(doc, value, path, out, text, lines);
        continue;
      }
      const keyEnd = key.range[1];
      const start = value?.range ? value.range[0] : keyEnd;
      const end = value?.range ? value.range[1] : keyEnd;
      out.push({
        path: path.join('.'),
        segments: path,
        value: leafValue(doc, value),
        raw: text.slice(start, end),
        keyRange: lines.range(key.range[0], keyEnd),
        valueRange: lines.range(start, end),
      });
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const path = [...segments, String(i)];
      if (isMap(item) || isSeq(item)) walk(doc, item as Node, path, out, text, lines);
    });
  }
}

function leafValue(doc: Document, node: Node | null): ConfigLeafValue {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target ? leafValue(doc, target as Node) : null;
  }
  if (isScalar(node)) return scalar(node.value);
  if (isSeq(node)) return node.items.map((i) => (isScalar(i) ? scalar(i.value) : null));
  return null;
}

function scalar(v: unknown): ConfigScalar {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}
