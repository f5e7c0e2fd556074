import { issue, type Issue } from '../errors.js';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Applies `path=value` overrides (`training.epochs=3`, `model.layers.3.units=64`)
 * to raw spec data before validation, so overridden values are validated like
 * any other. Returns a new object; the input is not modified.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: Record<string, unknown>): { data: Record<string, unknown>; issues: Issue[] } {
  const out = structuredClone(data);
  const issues: Issue[] = [];
  for (const [path, value] of Object.entries(overrides)) {
    const parts = path.split('.');
    if (parts.some((p) => p === '' || FORBIDDEN.has(p))) {
      issues.push(issue('bad-override', path, `cannot set "${path}"`));
      continue;
    }
    let node: Record<string, unknown> | unknown[] = out;
    let ok = true;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i]!;
      const next: unknown = Array.isArray(node) ? node[Number(key)] : node[key];
      if (next === undefined || next === null) {
        const created = /^\d+$/.test(parts[i + 1]!) ? [] : {};
        if (Array.isArray(node)) node[Number(key)] = created;
        else node[key] = created;
        node = created;
      } else if (typeof next === 'object') node = next as Record<string, unknown>;
      else {
        issues.push(issue('bad-override', path, `cannot set "${path}": "${parts.slice(0, i + 1).join('.')}" is ${JSON.stringify(next)}, not a mapping or list`));
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const last = parts[parts.length - 1]!;
    if (Array.isArray(node)) node[Number(last)] = value;
    else node[last] = value;
  }
  return { data: out, issues };
}
