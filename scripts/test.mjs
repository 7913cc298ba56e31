// Runs every check CI runs (format and lint, typecheck, tests, package checks) across the
// workspace, then prints one closing line with the test totals of all packages.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'apps']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, dir, entry.name)),
  );
const resultFile = (dir) => join(dir, '.vitest-results.json');

for (const dir of workspaces) rmSync(resultFile(dir), { force: true });

const run = (args) =>
  spawnSync('pnpm', ['exec', ...args], { cwd: root, stdio: 'inherit' }).status === 0;

const failedChecks = [];
if (!run(['biome', 'check', '.'])) failedChecks.push('lint');
if (!run(['turbo', 'run', 'typecheck', 'test', 'check-package', '--continue', '--concurrency=2']))
  failedChecks.push('typecheck, test or package checks');

let passed = 0;
let failed = 0;
for (const dir of workspaces) {
  if (!existsSync(resultFile(dir))) continue;
  const report = JSON.parse(readFileSync(resultFile(dir), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}

if (failedChecks.length > 0) console.log(`failed: ${failedChecks.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedChecks.length > 0 || failed > 0 ? 1 : 0);
