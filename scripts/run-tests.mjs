// Runs node's test runner over every *.test.ts under the given folders (Node 20 has no globs).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const dirs = args.filter((a) => !a.startsWith('--'));
const files = [];
const walk = (p) => {
  if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
  else if (p.endsWith('.test.ts')) files.push(p);
};
for (const d of dirs) walk(d);
if (files.length === 0) {
  console.error(`no *.test.ts files under ${dirs.join(', ')}`);
  process.exit(1);
}
// Tokenizer tables built by tests (some from vocabularies in temporary folders) go to a cache of
// the test runs' own rather than the user's ~/.cache/scaling-lens; a folder set in the
// environment wins.
const env = { ...process.env, SCALING_LENS_CACHE_DIR: process.env.SCALING_LENS_CACHE_DIR ?? join(tmpdir(), 'scaling-lens-test-cache') };
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
