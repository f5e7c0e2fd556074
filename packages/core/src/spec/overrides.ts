import { issue, type Issue } from '../errors.js';

/** Path segments that could reach Object.prototype; never a spec field. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const INDEX = /^(0|[1-9]\d*)$/;
type Container = Record<string, unknown> | unknown[];
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const items = (n: number) => (n === 0 ? 'an empty list' : `a list of ${n} item${n === 1 ? '' : 's'} (indices 0 to ${n - 1})`);

/**
 * Why `parts[i]` cannot be a step into `node` (a list or a mapping), or
 * undefined when it can. A list takes only an existing index: a name or an
 * index past the end is a mistake to report, not a key to add.
 */
export function stepProblem(node: unknown, parts: readonly string[], i: number): string | undefined {
  const key = parts[i]!;
  const here = parts.slice(0, i).join('.') || 'the spec';
  if (Array.isArray(node)) {
    if (!INDEX.test(key)) return `${here} is ${items(node.length)}, and "${key}" is not an index`;
    if (Number(key) >= node.length) return `${here} is ${items(node.length)}: there is no item ${key}`;
    return undefined;
  }
  if (!isObj(node)) return `${here} is ${JSON.stringify(node)}, not a mapping or a list`;
  return undefined;
}

/**
 * Applies `path=value` overrides (`training.epochs=3`, `model.layers.3.units=64`)
 * to raw spec data before validation, so overridden values are validated like
 * any other. A missing mapping on the way is created (`training.earlyStopping.patience`
 * when earlyStopping is unset); a list is never grown or given named keys.
 * Returns a new object; the input is not modified.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: Record<string, unknown>): { data: Record<string, unknown>; issues: Issue[] } {
  const out = structuredClone(data);
  const issues: Issue[] = [];
  for (const [path, value] of Object.entries(overrides)) {
    const parts = path.split('.');
    if (parts.some((p) => p === '' || FORBIDDEN_SEGMENTS.has(p))) {
      issues.push(issue('bad-override', path, `cannot set "${path}": not a spec field`));
      continue;
    }
    let node: Container = out;
    let problem: string | undefined;
    for (let i = 0; i < parts.length && !problem; i++) {
      problem = stepProblem(node, parts, i);
      if (problem) break;
      const key = parts[i]!;
      const last = i === parts.length - 1;
      if (Array.isArray(node)) {
        if (last) node[Number(key)] = value;
        else node = node[Number(key)] as Container;
      } else if (last) node[key] = value;
      else {
        const next = node[key];
        if (next === undefined || next === null) {
          if (INDEX.test(parts[i + 1]!)) {
            problem = `${parts.slice(0, i + 1).join('.')} is not set, so it has no item ${parts[i + 1]}`;
            break;
          }
          node = node[key] = {};
        } else node = next as Container;
      }
    }
    if (problem) issues.push(issue('bad-override', path, `cannot set "${path}": ${problem}`));
  }
  return { data: out, issues };
}
