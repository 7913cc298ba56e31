import { formatPath } from './config-error.js';
import type { ReferenceIssue } from './cross-references.js';
import type { OrgConfig } from './schema.js';

interface TargetName {
  /** The `resource` or `audience` value that names the target. */
  value: string;
  path: (string | number)[];
  /** The target it names: two names of one target do not collide. */
  target: string;
  /** Said after the path in a message, e.g. `(its issuer)`. */
  note?: string;
}

function names(config: OrgConfig, issuer: string | undefined): TargetName[] {
  const out: TargetName[] = [];
  config.customServers.forEach((server, i) => {
    const target = `server ${i}`;
    if (issuer !== undefined) {
      const value = `${issuer}/oauth2/${server.id}`;
      out.push({ value, path: ['customServers', i, 'id'], target, note: `(its issuer ${value})` });
    }
    out.push({ value: server.audience, path: ['customServers', i, 'audience'], target });
  });
  for (const [list, entries] of [
    ['secrets', config.vault.secrets],
    ['serviceAccounts', config.vault.serviceAccounts],
  ] as const) {
    entries.forEach((entry, i) => {
      const target = `${list} ${i}`;
      out.push({ value: entry.id, path: ['vault', list, i, 'id'], target });
      if (entry.resourceIndicator !== undefined) {
        out.push({
          value: entry.resourceIndicator,
          path: ['vault', list, i, 'resourceIndicator'],
          target,
        });
      }
    });
  }
  return out;
}

/**
 * Every name that one `resource` or `audience` value could read as two targets: a custom server's
 * audience (or, once the org listens, its issuer), a vault entry's ORN or `resourceIndicator`.
 * Lookups take the first match, so a second target with the same name would be shadowed. Names
 * are compared ignoring case, as the hex digits of an ORN's UUID are. Each issue is on the later
 * name and names the earlier one.
 *
 * @param issuer The org's issuer, when known, to include the custom servers' issuers.
 */
export function targetNameIssues(config: OrgConfig, issuer?: string): ReferenceIssue[] {
  const first = new Map<string, TargetName>();
  const issues: ReferenceIssue[] = [];
  for (const name of names(config, issuer)) {
    const key = name.value.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, name);
    else if (earlier.target !== name.target) {
      const other = [formatPath(earlier.path), earlier.note].filter(Boolean).join(' ');
      issues.push({
        path: name.path,
        message: `names the same target as ${other}; names are compared ignoring case`,
      });
    }
  }
  return issues;
}
