/**
 * Runs the integration suite in desktop VS Code with @vscode/test-electron, on machines where
 * a VS Code build can be downloaded (not this sandbox: there, the code-server e2e suite runs
 * the same suite). Usage: npm run build && node --import tsx test/integration/runTestElectron.ts
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main() {
  const repo = join(__dirname, '..', '..');
  const out = join(repo, 'out', 'integration', 'index.js');
  await build({ entryPoints: [join(__dirname, 'electronIndex.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', external: ['vscode'] });
  for (const version of ['1.91.0', 'stable']) {
    await runTests({ version, extensionDevelopmentPath: repo, extensionTestsPath: out, launchArgs: [join(repo, 'examples'), '--disable-extensions'] });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
