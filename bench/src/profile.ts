/** How big each figure's run is: `full` for the published table, `quick` to prove it works. */
export interface Profile {
  readonly name: 'full' | 'quick';
  /** Milliseconds tinybench spends on each task per round. */
  readonly benchTimeMs: number;
  /** How many times ours and the baseline alternate; medians are reported. */
  readonly rounds: number;
  /** Concurrent callers in the single-flight figure. */
  readonly singleFlightCallers: number;
  /** Users (and so concurrent exchanges) in the fan-out figure. */
  readonly fanOutUsers: number;
  /** Seconds one measured HTTP run aims at; counts are sized from a warm-up run's pace. */
  readonly runSeconds: number;
  /** Most HTTP requests per side and round in the local-org throughput figure. */
  readonly throughputRequests: number;
  /** Concurrent connections of the HTTP load generator. */
  readonly connections: number;
  /** Most requests per side and round in the full XAA path figure. */
  readonly xaaRequests: number;
  /** Credentials cached in the cache memory figure (100,000 in the full run). */
  readonly cachedCredentials: number;
  /** Exchanges before the first and the second local-org RSS reading. */
  readonly orgMemoryExchanges: readonly [number, number];
  /** Length of the load soak, in milliseconds. */
  readonly soakMs: number;
  /** Concurrent agents in the soak. */
  readonly soakAgents: number;
}

const full: Profile = {
  name: 'full',
  benchTimeMs: 1500,
  rounds: 3,
  singleFlightCallers: 1000,
  fanOutUsers: 1000,
  runSeconds: 5,
  throughputRequests: 20_000,
  connections: 16,
  xaaRequests: 10_000,
  cachedCredentials: 100_000,
  orgMemoryExchanges: [10_000, 20_000],
  soakMs: 60_000,
  soakAgents: 50,
};

const quick: Profile = {
  name: 'quick',
  benchTimeMs: 100,
  rounds: 1,
  singleFlightCallers: 1000,
  fanOutUsers: 100,
  runSeconds: 0.5,
  throughputRequests: 200,
  connections: 8,
  xaaRequests: 100,
  cachedCredentials: 2000,
  orgMemoryExchanges: [300, 600],
  soakMs: 5000,
  soakAgents: 50,
};

/** The profile the command line asks for: `--quick`, else the full run. */
export function profileFromArgs(args: readonly string[]): Profile {
  return args.includes('--quick') ? quick : full;
}
