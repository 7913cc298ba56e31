import { writeFile } from 'node:fs/promises';

/** Whether a figure met its target; `reported` for figures that have none. */
export type Verdict = 'yes' | 'no' | 'reported';

/** One row of the results table. */
export interface Row {
  readonly figure: string;
  /** Our measurement, formatted with its unit. */
  readonly ours: string;
  /** The baseline measured in the same run, or `–`. */
  readonly baseline: string;
  /** ours ÷ baseline (or the figure's own ratio), or `–`. */
  readonly ratio: string;
  readonly target: string;
  readonly met: Verdict;
  /** Raw numbers behind the row, for the JSON file. */
  readonly values: Readonly<Record<string, number | string | boolean>>;
  /** What the row measured exactly, and anything that limits it. */
  readonly notes?: string;
}

/** Counts and verdicts of the load soak. */
export interface SoakReport {
  readonly durationMs: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly badInputs: ReadonlyArray<{
    readonly name: string;
    readonly expected: string;
    readonly sent: number;
    readonly asExpected: number;
    /** Skew controls whose answer came too late to judge. */
    readonly late: number;
    readonly got: string;
  }>;
  readonly checks: ReadonlyArray<{ readonly check: string; readonly passed: boolean }>;
  readonly passed: boolean;
}

/** Everything one run produced, as written to `bench/results.json`. */
export interface Results {
  readonly profile: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly rows: readonly Row[];
  readonly soak: SoakReport | undefined;
  readonly failures: readonly string[];
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
}

/** A ratio with two decimals. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '–';
}

/** The results table in Markdown. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| figure | ours | baseline | ratio | target | met? |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.figure} | ${row.ours} | ${row.baseline} | ${row.ratio} | ${row.target} | ${row.met} |`,
    );
  }
  return lines.join('\n');
}

/** The notes of every row that has some, as a Markdown list. */
export function markdownNotes(rows: readonly Row[]): string {
  return rows
    .filter((row) => row.notes !== undefined)
    .map((row) => `- **${row.figure}**: ${row.notes}`)
    .join('\n');
}

/** The soak counts, bad inputs and checks in Markdown. */
export function markdownSoak(soak: SoakReport): string {
  const counts = Object.entries(soak.counts)
    .map(([name, value]) => `| ${name} | ${num(value)} |`)
    .join('\n');
  const bad = soak.badInputs
    .map(
      (b) => `| ${b.name} | ${b.expected} | ${b.sent} | ${b.asExpected} | ${b.late} | ${b.got} |`,
    )
    .join('\n');
  const checks = soak.checks
    .map((c) => `| ${c.check} | ${c.passed ? 'pass' : 'FAIL'} |`)
    .join('\n');
  return [
    `Load soak, ${num(soak.durationMs / 1000, 1)} s: ${soak.passed ? 'PASSED' : 'FAILED'}`,
    '',
    '| count | value |',
    '| --- | --- |',
    counts,
    '',
    '| bad input | expected | sent | as expected | too late to judge | answers seen |',
    '| --- | --- | --- | --- | --- | --- |',
    bad,
    '',
    '| check | result |',
    '| --- | --- |',
    checks,
  ].join('\n');
}

/** Writes the results as pretty JSON. */
export async function writeResults(path: string, results: Results): Promise<void> {
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
