/**
 * A test-runner extension for code-server, where @vscode/test-electron cannot launch a desktop
 * VS Code: installed beside Scaling Lens, it runs the integration suite in the extension host
 * when SCALING_LENS_IT_RESULTS names a file, and writes the outcomes there. Otherwise inert.
 */
import { writeFileSync } from 'node:fs';
import { run } from '../suite';

export async function activate(): Promise<void> {
  const out = process.env.SCALING_LENS_IT_RESULTS;
  if (!out) return;
  try {
    const outcomes = await run();
    writeFileSync(out, JSON.stringify({ outcomes }, null, 2));
  } catch (e) {
    writeFileSync(out, JSON.stringify({ outcomes: [{ name: 'suite', ok: false, ms: 0, error: e instanceof Error ? e.stack : String(e) }] }, null, 2));
  }
}
