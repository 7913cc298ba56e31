import { open } from 'node:fs/promises';
import type { AuditRecord } from './audit.js';

/** An audit log file the CLI appends one JSON line per record to. */
export interface AuditFile {
  write(record: AuditRecord): void;
  /** Flushes what is buffered and closes the file. */
  close(): Promise<void>;
}

function codeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * Opens `path` for appending (created with mode 0600), so that a path that cannot be written is
 * an error before the org starts. A write that fails later (a full disk, a removed mount) must not
 * stop a running org: `onFailure` is told once, with the error code, and later records are
 * dropped from the file (the org still keeps them in memory).
 *
 * @throws {Error} naming the path and the error code when the file cannot be opened.
 */
export async function openAuditFile(
  path: string,
  onFailure: (message: string) => void,
): Promise<AuditFile> {
  const handle = await open(path, 'a', 0o600).catch((error: unknown) => {
    throw new Error(`--audit-log: cannot open ${path} (${codeOf(error)})`, { cause: error });
  });
  const stream = handle.createWriteStream();
  let failed = false;
  stream.on('error', (error) => {
    if (failed) return;
    failed = true;
    onFailure(`cannot write the audit log ${path} (${codeOf(error)}): no more records go to it`);
  });
  return {
    write(record) {
      if (!failed) stream.write(`${JSON.stringify(record)}\n`);
    },
    close: () => new Promise((resolve) => stream.end(() => resolve())),
  };
}
