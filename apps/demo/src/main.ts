import { formatResult, formatValue } from '@onbehalf/sample-kit';
import { runDemo } from './run-demo.js';

const report = await runDemo();

console.log(`Local org: ${report.issuer}`);
console.log('The demo user signed in (Authorization Code + PKCE, sign-in form over HTTP).');

const seen = new Set<string>();
console.log(`ID token handed to the agents: ${formatValue(report.idToken, seen).join('\n  ')}`);
for (const result of report.results) console.log(`\n${formatResult(result, seen)}`);

console.log('\nSummary');
for (const result of report.results) {
  console.log(`${result.ok ? '✔' : '✘'} ${result.path.padEnd(16)} ${result.summary}`);
}

const failed = report.results.filter((result) => !result.ok).length;
console.log(failed === 0 ? '\nAll three paths worked.' : `\n${failed} path(s) failed.`);
process.exitCode = failed === 0 ? 0 : 1;
