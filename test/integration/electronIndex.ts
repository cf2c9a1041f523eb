// Entry point for @vscode/test-electron's `extensionTestsPath`: throws if any test failed.
import { run as runSuite } from './suite';

export async function run(): Promise<void> {
  const outcomes = await runSuite();
  for (const o of outcomes) console.log(`${o.ok ? 'ok' : 'FAIL'} ${o.name} (${o.ms} ms)${o.error ? `\n${o.error}` : ''}`);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) throw new Error(`${failed.length} integration test(s) failed`);
}
