/** One problem in a configuration: the path of the bad field, a message, and where it is. */
export interface ConfigIssue {
  /** The field, e.g. `agents[1].connections[0].scopes`; empty for the whole document. */
  path: string;
  message: string;
  /** 1-based line in the configuration file, when it was read from one. */
  line?: number;
}

/**
 * Thrown by `loadConfig`, `parseConfig` and `startLocalOrg` for an invalid configuration. The
 * message lists every problem as `path: message` (with `(file:line)` for files).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[], source?: string, options?: ErrorOptions) {
    const lines = issues.map((issue) => {
      const where =
        source !== undefined && issue.line !== undefined ? ` (${source}:${issue.line})` : '';
      return `${issue.path || '(root)'}: ${issue.message}${where}`;
    });
    super(`Invalid local-org configuration:\n  ${lines.join('\n  ')}`, options);
    this.issues = issues;
  }
}

/** Formats a zod-style path as `agents[1].connections[0].scopes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
