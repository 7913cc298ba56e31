import type { ReferenceIssue } from './cross-references.js';

/** Deepest nesting a configuration may have; the deepest real one is under ten levels. */
const MAX_DEPTH = 32;

/**
 * What is wrong with the shape of a parsed document before a schema may look at it, found in one
 * walk that never recurses without bound:
 * - an own `__proto__` key: zod drops one silently where a schema allows any key (a secret's
 *   value, a JWK), so they are refused everywhere instead;
 * - a value that contains itself (an object built in code; a recursive YAML alias is refused
 *   before, with its line);
 * - nesting deeper than any configuration needs.
 */
export function shapeIssues(value: unknown): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const ancestors = new Set<object>();

  const walk = (node: unknown, path: (string | number)[]): void => {
    if (typeof node !== 'object' || node === null) return;
    if (ancestors.has(node)) {
      issues.push({ path, message: 'contains itself: a value cannot hold one that holds it' });
      return;
    }
    if (path.length >= MAX_DEPTH) {
      issues.push({ path, message: `nested too deeply (at most ${MAX_DEPTH} levels)` });
      return;
    }
    if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) {
      issues.push({ path: [...path, '__proto__'], message: '"__proto__" is not allowed as a key' });
    }
    ancestors.add(node);
    for (const [key, child] of Object.entries(node)) {
      walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
    }
    ancestors.delete(node);
  };

  walk(value, []);
  return issues;
}
