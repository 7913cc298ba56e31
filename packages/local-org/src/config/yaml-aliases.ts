import { type Alias, type Document, isPair, isScalar, isSeq, type LineCounter, visit } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import { formatPath } from './config-error.js';

/** The configuration path of `node`, from the ancestors `visit` passes (maps, pairs, sequences). */
function pathOf(ancestors: readonly unknown[], node: unknown): (string | number)[] {
  const chain = [...ancestors, node];
  const path: (string | number)[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    else if (isPair(parent) && parent.value === child) {
      path.push(isScalar(parent.key) ? String(parent.key.value) : '?');
    }
  }
  return path;
}

/**
 * Every YAML alias that cannot be expanded: one with no anchor of its name before it, and one
 * inside the very value its anchor names (`a: &a [*a]`), which would make a value that contains
 * itself. Neither message quotes the alias: its name is whatever the file says, a secret included.
 */
export function aliasIssues(doc: Document, counter: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Alias(_key, node: Alias, ancestors) {
      const source = node.resolve(doc);
      const message =
        source === undefined
          ? 'an unknown YAML alias: no anchor of that name comes before it'
          : ancestors.includes(source as never)
            ? 'a recursive YAML alias: it is inside the value its anchor names'
            : undefined;
      if (message === undefined) return;
      issues.push({
        path: formatPath(pathOf(ancestors, node)),
        message,
        ...(node.range ? { line: counter.linePos(node.range[0]).line } : {}),
      });
    },
  });
  return issues;
}
