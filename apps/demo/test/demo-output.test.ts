import { demo } from '@onbehalf/local-org';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoOutput } from '../src/demo-output.js';
import { type DemoReport, runDemo } from '../src/run-demo.js';

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

/** The lines after "Summary" that start with a tick or a cross: one per path. */
function summaryLines(text: string): string[] {
  const after = text.slice(text.indexOf('\nSummary\n'));
  return after.split('\n').filter((line) => /^[✔✘] /.test(line));
}

let report: DemoReport;
beforeAll(async () => {
  report = await runDemo();
}, 60_000);

describe('what pnpm demo prints', () => {
  it('each path with the decoded ID-JAG, the granted scopes, masked secrets and the answers', () => {
    const { text } = demoOutput(report);
    expect(text).toContain('(oauth-id-jag+jwt) decoded, not verified; signature not shown');
    expect(text).toMatch(/client_id +wlp-demo-agent/);
    expect(text).toMatch(/scopes granted +todo\.read todo\.write/);
    expect(text).toMatch(/vaulted_secret\.apiKey +•••••••• \(secret, masked\)/);
    expect(text).toMatch(/service_account\.password +•••••••• \(secret, masked\)/);
    expect(text).toContain('Book a room for the quarterly review');
    expect(text).toContain('LAP-14');
    expect(text).toContain(`"account": "${demo.serviceAccount.username}"`);
  });

  it('then one summary line per path, all ticked, and exit code 0', () => {
    const { text, exitCode } = demoOutput(report);
    expect(summaryLines(text)).toEqual([
      expect.stringMatching(/^✔ xaa +todo API listed 1 todo\(s\) with scopes todo\.read/),
      expect.stringMatching(/^✔ secret +inventory API listed 3 item\(s\)/),
      expect.stringMatching(/^✔ service-account +reports API answered the report to svc-reports/),
    ]);
    expect(text.trimEnd().endsWith('All three paths worked.')).toBe(true);
    expect(exitCode).toBe(0);
  });

  it('prints no secret and no raw token', () => {
    const { text } = demoOutput(report);
    expect(text).not.toContain(demo.secretValue.apiKey);
    expect(text).not.toContain(demo.serviceAccount.password);
    expect(text).not.toContain(demo.agentPrivateJwk.d);
    expect(text).not.toMatch(JWT);
  });

  it('exits 1 when one path is refused, saying which, why and what to do', async () => {
    const refused = await runDemo({
      configureOrg: (config) => {
        for (const agent of config.agents ?? []) {
          agent.connections = agent.connections?.filter((link) => link.type !== 'secret');
        }
      },
    });
    const { text, exitCode } = demoOutput(refused);

    expect(exitCode).toBe(1);
    expect(summaryLines(text)).toEqual([
      expect.stringMatching(/^✔ xaa /),
      '✘ secret           failed: policy_refused (invalid_target)',
      expect.stringMatching(/^✔ service-account /),
    ]);
    expect(text).toContain('FAILED: policy_refused (invalid_target)');
    expect(text).toMatch(/what to do: .*managed connection/);
    expect(text.trimEnd().endsWith('1 path(s) failed.')).toBe(true);
  });
});
