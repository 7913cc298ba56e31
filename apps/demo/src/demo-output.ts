import { formatResult, formatValue } from '@onbehalf/sample-kit';
import type { DemoReport } from './run-demo.js';

/** What `pnpm demo` prints for a report, and the exit code it ends with. */
export interface DemoOutput {
  readonly text: string;
  /** 0 only when every path worked, else 1. */
  readonly exitCode: 0 | 1;
}

/**
 * The demo's terminal output: the org and the signed-in user's ID token decoded, each path's
 * trace (every hop, tokens decoded, secrets masked, the resource's answer), then one summary
 * line per path. A token already shown is printed as a reference only.
 */
export function demoOutput(report: DemoReport): DemoOutput {
  const seen = new Set<string>();
  const lines = [
    `Local org: ${report.issuer}`,
    'The demo user signed in (Authorization Code + PKCE, sign-in form over HTTP).',
    `ID token handed to the agents: ${formatValue(report.idToken, seen).join('\n  ')}`,
  ];
  for (const result of report.results) lines.push('', formatResult(result, seen));

  lines.push('', 'Summary');
  for (const result of report.results) {
    lines.push(`${result.ok ? '✔' : '✘'} ${result.path.padEnd(16)} ${result.summary}`);
  }

  const failed = report.results.filter((result) => !result.ok).length;
  lines.push('', failed === 0 ? 'All three paths worked.' : `${failed} path(s) failed.`);
  return { text: lines.join('\n'), exitCode: failed === 0 ? 0 : 1 };
}
