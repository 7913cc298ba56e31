import { readFile } from 'node:fs/promises';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from './config-error.js';
import { crossReferenceIssues } from './cross-references.js';
import { shapeIssues } from './document-shape.js';
import { type OrgConfig, type OrgConfigInput, orgConfigSchema } from './schema.js';
import { aliasIssues } from './yaml-aliases.js';

/** Most alias uses a configuration may make; a configuration needs few, an attack needs many. */
const MAX_ALIAS_COUNT = 50;

type Locate = (path: readonly PropertyKey[]) => number | undefined;

function zodIssues(error: z.ZodError, locate?: Locate): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    ...lineOf(issue.path, locate),
  }));
}

function lineOf(path: readonly PropertyKey[], locate?: Locate): { line?: number } {
  const line = locate?.(path);
  return line === undefined ? {} : { line };
}

function validate(input: unknown, locate?: Locate, source?: string): OrgConfig {
  const shape = shapeIssues(input);
  if (shape.length > 0) {
    throw new ConfigError(
      shape.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
        ...lineOf(issue.path, locate),
      })),
      source,
    );
  }
  const parsed = orgConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, locate), source);

  const references = crossReferenceIssues(parsed.data);
  if (references.length > 0) {
    throw new ConfigError(
      references.map((r) => ({
        path: formatPath(r.path),
        message: r.message,
        ...lineOf(r.path, locate),
      })),
      source,
    );
  }
  return parsed.data;
}

/**
 * Validates a configuration object (as `startLocalOrg` accepts it), filling in defaults.
 *
 * @throws {ConfigError} naming the path of every bad field, e.g. `agents[1].connections[0].scopes`.
 */
export function validateConfig(input: OrgConfigInput | unknown): OrgConfig {
  return validate(input);
}

function locator(doc: Document, counter: LineCounter): Locate {
  return (path) => {
    // A missing field has no node: point at the nearest enclosing one instead.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/**
 * Parses and validates configuration text, JSON or YAML (JSON is read as YAML 1.2, so both give
 * line numbers). `source` names the file in messages.
 *
 * @throws {ConfigError} for a syntax error or an invalid field, with its path and line.
 */
export function parseConfig(text: string, source = 'config'): OrgConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: '',
        message: e.message.split('\n')[0] ?? 'syntax error',
        line: counter.linePos(e.pos[0]).line,
      })),
      source,
    );
  }
  const aliases = aliasIssues(doc, counter);
  if (aliases.length > 0) throw new ConfigError(aliases, source);
  let value: unknown;
  try {
    // Bounds alias expansion ("billion laughs"): yaml throws past this many alias uses.
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    throw new ConfigError(
      [{ path: '', message: `too many YAML aliases (at most ${MAX_ALIAS_COUNT} uses)` }],
      source,
      { cause },
    );
  }
  return validate(value, locator(doc, counter), source);
}

/**
 * Reads a JSON or YAML configuration file and validates it.
 *
 * @example const org = await startLocalOrg(await loadConfig('org.yaml'));
 * @throws {ConfigError} naming the path and the line of every bad field.
 */
export async function loadConfig(file: string): Promise<OrgConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([{ path: '', message: `cannot read ${file}` }], file, { cause });
  }
  return parseConfig(text, file);
}
