/**
 * `pnpm bench [--quick]`: every figure, ours and its baseline side by side in one run, then the
 * load soak; prints one Markdown table plus the soak counts and writes `bench/results.json`
 * (`bench/results.quick.json` for a quick run).
 * Exits non-zero when a figure could not be measured or the soak found a failure.
 */
import { fileURLToPath } from 'node:url';
import { defaultOrgConfig } from '@onbehalf/local-org';
import { cacheHitFigure } from './cache-hit.js';
import { idTokenIssuer } from './core-fixture.js';
import { demoAgentKey, demoIdToken } from './demo-org.js';
import { fanOutFigure } from './fan-out.js';
import { idJagVerifyFigure } from './id-jag-verify.js';
import { startInstantServer } from './instant-server.js';
import { cryptoFloorFigure, localOrgThroughputFigure } from './local-org-throughput.js';
import { machineInfo } from './machine.js';
import { cacheMemoryFigure, orgMemoryFigure } from './memory.js';
import { missOverheadFigure } from './miss-overhead.js';
import { startOrgProcess } from './org-process.js';
import { profileFromArgs } from './profile.js';
import {
  markdownNotes,
  markdownSoak,
  markdownTable,
  type Results,
  type Row,
  type SoakReport,
  writeResults,
} from './report.js';
import { singleFlightFigure } from './single-flight.js';
import { runSoak } from './soak.js';
import { xaaPathFigure } from './xaa-path.js';

const profile = profileFromArgs(process.argv.slice(2));
const started = Date.now();
const machine = machineInfo();
const rows: Row[] = [];
const failures: string[] = [];
let soak: SoakReport | undefined;

function log(message: string): void {
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

/** Runs one figure group (unless `--only=` leaves it out); a failure is recorded. */
async function group(name: string, run: () => Promise<void>): Promise<void> {
  if (only !== undefined && !only.some((word) => name.includes(word))) return;
  log(`${name}…`);
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`${name}: ${message}`);
    log(`${name} FAILED: ${message}`);
  }
}

log(`profile ${profile.name}; ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);

const instant = await startInstantServer();
const tokens = await idTokenIssuer();
try {
  await group('cache hit', async () => {
    rows.push(await cacheHitFigure(profile, instant, tokens));
  });
  await group('miss overhead', async () => {
    rows.push(await missOverheadFigure(profile, instant, tokens));
  });
  await group('single flight', async () => {
    rows.push(await singleFlightFigure(profile, instant, tokens));
  });
  await group('fan-out', async () => {
    rows.push(await fanOutFigure(profile, instant, tokens));
  });
} finally {
  await instant.close();
}

await group('cache memory', async () => {
  rows.push(await cacheMemoryFigure(profile));
});

await group('ID-JAG verification', async () => {
  rows.push(await idJagVerifyFigure(profile));
});

await group('local-org throughput and crypto floor', async () => {
  const org = await startOrgProcess(defaultOrgConfig(), { baseline: true });
  try {
    const key = await demoAgentKey();
    const idToken = await demoIdToken(org.issuer);
    const { row, ...throughput } = await localOrgThroughputFigure(profile, org, key, idToken);
    rows.push(row);
    rows.push(await cryptoFloorFigure(profile, org, key, idToken, throughput));
    rows.push(await xaaPathFigure(profile, org, idToken));
  } finally {
    await org.stop();
    await org.cleanUp();
  }
});

await group('local-org memory', async () => {
  rows.push(await orgMemoryFigure(profile));
});

await group('load soak', async () => {
  soak = await runSoak(profile);
});

/** The order of the figures in the table, as the performance goals list them. */
const ORDER = [
  'cache hit',
  'miss overhead',
  'single flight',
  'fan-out',
  'local-org throughput',
  'local-org vs the crypto floor',
  'ID-JAG verification',
  'full XAA path',
  'cache memory',
  'local-org memory',
];
const rank = (row: Row) => {
  const index = ORDER.findIndex((name) => row.figure.startsWith(name));
  return index === -1 ? ORDER.length : index;
};
rows.sort((a, b) => rank(a) - rank(b));

const results: Results = {
  profile: profile.name,
  startedAt: new Date(started).toISOString(),
  durationMs: Date.now() - started,
  machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverageAtStart ?? 'unknown' },
  rows,
  soak,
  failures,
};
// A quick run proves the harness works; it must not replace the figures of the last full run.
const resultFile = profile.name === 'quick' ? '../results.quick.json' : '../results.json';
const output = fileURLToPath(new URL(resultFile, import.meta.url));
await writeResults(output, results);

console.log(`## onbehalf benchmarks (${profile.name} run)\n`);
console.log(
  `${results.machine.cores} cores, ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, ` +
    `Node ${results.machine.node}; load average ${results.machine.loadAverageAtStart} at the ` +
    `start, ${results.machine.loadAverageAtEnd} at the end; ${Math.round(results.durationMs / 1000)} s.\n`,
);
console.log(markdownTable(rows));
console.log(`\n${markdownNotes(rows)}`);
if (soak !== undefined) console.log(`\n${markdownSoak(soak)}`);
if (failures.length > 0) {
  console.log('\nFailures:');
  for (const failure of failures) console.log(`- ${failure}`);
}
console.log(`\nWritten to ${output}`);
process.exitCode = failures.length > 0 || (soak !== undefined && !soak.passed) ? 1 : 0;
