import { Bench } from 'tinybench';

/** A task measured by {@link interleave}. */
export interface MeasuredTask {
  readonly name: string;
  readonly fn: () => unknown;
}

/** What {@link interleave} reports per task: medians over the rounds. */
export interface TaskFigures {
  /** Operations per second (1000 ÷ mean latency in ms). */
  readonly opsPerSecond: number;
  /** 99th percentile latency in microseconds. */
  readonly p99Micros: number;
  /** Mean latency in microseconds. */
  readonly meanMicros: number;
  /** Iterations measured over every round. */
  readonly samples: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * Runs every task for `timeMs` per round, `rounds` times, reversing the order each round so
 * neither side always runs first (warm caches, turbo frequency, a neighbour's load), and returns
 * the median of each task's rounds. A task that throws fails the whole measurement.
 */
export async function interleave(
  tasks: readonly MeasuredTask[],
  options: { readonly rounds: number; readonly timeMs: number },
): Promise<Map<string, TaskFigures>> {
  const perTask = new Map<string, { ops: number[]; p99: number[]; mean: number[]; n: number }>();
  for (const task of tasks) perTask.set(task.name, { ops: [], p99: [], mean: [], n: 0 });

  for (let round = 0; round < options.rounds; round += 1) {
    const ordered = inRoundOrder(tasks, round);
    const bench = new Bench({
      time: options.timeMs,
      warmupTime: Math.min(200, options.timeMs),
      throws: true,
    });
    for (const task of ordered) bench.add(task.name, task.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (!('latency' in result)) {
        throw new Error(`benchmark task "${task.name}" did not complete (${result.state})`);
      }
      const entry = perTask.get(task.name);
      if (entry === undefined) continue;
      entry.ops.push(1000 / result.period);
      entry.p99.push(result.latency.p99 * 1000);
      entry.mean.push(result.latency.mean * 1000);
      entry.n += result.latency.samplesCount;
    }
  }

  const figures = new Map<string, TaskFigures>();
  for (const [name, entry] of perTask) {
    figures.set(name, {
      opsPerSecond: median(entry.ops),
      p99Micros: median(entry.p99),
      meanMicros: median(entry.mean),
      samples: entry.n,
    });
  }
  return figures;
}

/** Looks a task's figures (of {@link interleave} or {@link cpuCost}) up, failing loudly. */
export function figuresOf<F>(figures: Map<string, F>, name: string): F {
  const found = figures.get(name);
  if (found === undefined) throw new Error(`no figures for task "${name}"`);
  return found;
}

/** The tasks in the order of round `round`: reversed every other round. */
function inRoundOrder(tasks: readonly MeasuredTask[], round: number): readonly MeasuredTask[] {
  return round % 2 === 0 ? tasks : [...tasks].reverse();
}

/** What {@link cpuCost} reports per task: medians over the rounds. */
export interface CostFigures {
  /** Process CPU time (user + system, every thread) per call, in microseconds. */
  readonly cpuMicros: number;
  /** Wall time per call with `concurrency` calls in flight, in microseconds. */
  readonly wallMicros: number;
  /** Calls measured over every round. */
  readonly calls: number;
}

/**
 * The CPU cost of each task: for `timeMs` per round, `concurrency` calls kept in flight (as a
 * server under load meets them), process CPU time divided by the calls made, reversing the order
 * each round; the median of the rounds. Unlike the latency of one awaited call at a time, this
 * leaves out the time a call only waits (a Web Crypto job handed to the thread pool and back) and
 * the time the machine gives to other processes, and counts the thread pool's work.
 */
export async function cpuCost(
  tasks: readonly MeasuredTask[],
  options: { readonly rounds: number; readonly timeMs: number; readonly concurrency: number },
): Promise<Map<string, CostFigures>> {
  const perTask = new Map<string, { cpu: number[]; wall: number[]; calls: number }>();
  for (const task of tasks) perTask.set(task.name, { cpu: [], wall: [], calls: 0 });

  const run = async (task: MeasuredTask, timeMs: number) => {
    let calls = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const worker = async () => {
      while (performance.now() - started < timeMs) {
        await task.fn();
        calls += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const used = process.cpuUsage(cpu);
    const wall = (performance.now() - started) * 1000;
    return { cpuMicros: (used.user + used.system) / calls, wallMicros: wall / calls, calls };
  };

  for (const task of tasks) await run(task, Math.min(200, options.timeMs));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const task of inRoundOrder(tasks, round)) {
      const result = await run(task, options.timeMs);
      const entry = perTask.get(task.name);
      if (entry === undefined) continue;
      entry.cpu.push(result.cpuMicros);
      entry.wall.push(result.wallMicros);
      entry.calls += result.calls;
    }
  }

  const figures = new Map<string, CostFigures>();
  for (const [name, entry] of perTask) {
    figures.set(name, {
      cpuMicros: median(entry.cpu),
      wallMicros: median(entry.wall),
      calls: entry.calls,
    });
  }
  return figures;
}
