import { issue, type Issue } from '../errors.js';
import { suggest } from '../registry/registry.js';
import { FORBIDDEN_SEGMENTS, stepProblem } from '../spec/overrides.js';
import type { ResolvedModelSpec } from '../spec/schema.js';

/**
 * What is wrong with the spec once `path` is set to `value` (the validator's
 * own words), or undefined when it stays valid. The validator supplies it, so
 * a search value is held to exactly the schema its field has.
 */
export type FieldCheck = (path: string, value: unknown) => string | undefined;

/** Each listed value costs one validation of the whole spec; real searches list a handful. */
export const MAX_SEARCH_VALUES = 256;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Why `path` does not name one value of the resolved spec (every default is explicit there), or undefined. */
export function searchPathProblem(spec: ResolvedModelSpec, path: string): { message: string; hint?: string } | undefined {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) return { message: `"${path}" is not a spec path`, hint: 'fields and list indices joined by single dots, e.g. model.layers.3.filters' };
  const bad = parts.find((p) => FORBIDDEN_SEGMENTS.has(p));
  if (bad) return { message: `"${path}" is not a spec field: no field is named "${bad}"` };
  if (parts[0] === 'search') return { message: 'a search cannot vary its own settings' };
  let node: unknown = spec;
  for (let i = 0; i < parts.length; i++) {
    const problem = stepProblem(node, parts, i);
    if (problem) return { message: `"${path}" is not in this spec: ${problem}` };
    const key = parts[i]!;
    if (isObj(node) && !Object.prototype.hasOwnProperty.call(node, key)) {
      const here = parts.slice(0, i).join('.') || 'the spec';
      const close = suggest(key, Object.keys(node));
      return { message: `"${path}" is not in this spec: ${here} has no field "${key}"`, ...(close ? { hint: `did you mean ${[...parts.slice(0, i), close].join('.')}?` } : {}) };
    }
    node = Array.isArray(node) ? node[Number(key)] : (node as Record<string, unknown>)[key];
  }
  if (node !== null && typeof node === 'object') {
    const leaf = isObj(node) ? Object.keys(node).find((k) => k !== 'type' && (node as Record<string, unknown>)[k] !== null && typeof (node as Record<string, unknown>)[k] !== 'object') : undefined;
    return { message: `"${path}" is ${Array.isArray(node) ? 'a list' : 'a mapping'}; a search varies one value`, ...(leaf ? { hint: `e.g. ${path}.${leaf}` } : {}) };
  }
  return undefined;
}

type Distribution = { type: string; low: number; high: number };

/** Bounds a distribution can be sampled from: [field, message] when they are impossible. */
function boundsProblem(d: Distribution): [field: 'low' | 'high', message: string] | undefined {
  if (!Number.isFinite(d.low)) return ['low', `low must be a finite number, got ${d.low}`];
  if (!Number.isFinite(d.high)) return ['high', `high must be a finite number, got ${d.high}`];
  if (d.type === 'logUniform' && !(d.low > 0)) return ['low', `logUniform samples the logarithm, so it needs 0 < low < high; got low ${d.low}`];
  if (d.type === 'intUniform') {
    if (!Number.isInteger(d.low)) return ['low', `intUniform draws integers between integer bounds; got low ${d.low}`];
    if (!Number.isInteger(d.high)) return ['high', `intUniform draws integers between integer bounds; got high ${d.high}`];
    if (d.low > d.high) return ['low', `intUniform needs low <= high; got low ${d.low} and high ${d.high}`];
  } else if (!(d.low < d.high)) return ['low', `${d.type} needs low < high; got low ${d.low} and high ${d.high}`];
  return undefined;
}

/**
 * The search section, checked when the spec is: each parameter names one
 * existing value of the spec, has values or a distribution (one of them),
 * and everything it can produce is a valid value of its field. Without this
 * an impossible search passes validation and fails only when it runs.
 */
export function checkSearch(spec: ResolvedModelSpec, check: FieldCheck): Issue[] {
  const search = spec.search;
  if (!search) {
    return spec.reproduce?.search
      ? [issue('search-missing', 'reproduce.search', 'reproduce.search is true, but the spec has no search section to reproduce through', { hint: 'add a search section, or set reproduce.search: false' })]
      : [];
  }
  const issues: Issue[] = [];
  const listed = search.parameters.reduce((a, p) => a + (p.values?.length ?? 0), 0);
  if (listed > MAX_SEARCH_VALUES) {
    return [issue('search-values', 'search.parameters', `the search lists ${listed} values; at most ${MAX_SEARCH_VALUES} in all`, { hint: 'a randomized search samples `candidates` points; use a distribution for a wide range' })];
  }
  search.parameters.forEach((p, i) => {
    const at = `search.parameters.${i}`;
    const pathProblem = searchPathProblem(spec, p.path);
    if (pathProblem) {
      issues.push(issue('search-path', `${at}.path`, pathProblem.message, pathProblem.hint ? { hint: pathProblem.hint } : {}));
      return;
    }
    if ((p.values == null) === (p.distribution == null)) {
      issues.push(issue('search-values', at, p.values == null ? 'a search parameter needs values (a list) or a distribution' : 'a search parameter takes values or a distribution, not both'));
      return;
    }
    if (p.values) {
      const seen = new Set<string>();
      for (const [j, v] of p.values.entries()) {
        const key = `${typeof v}:${String(v)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const bad = check(p.path, v);
        if (bad) {
          // One bad value per parameter: the rest are usually wrong the same way.
          issues.push(issue('search-values', `${at}.values.${j}`, `${p.path} cannot be ${show(v)}: ${bad}`));
          break;
        }
      }
      return;
    }
    const d = p.distribution as unknown as Distribution;
    const bounds = boundsProblem(d);
    if (bounds) {
      issues.push(issue('search-bounds', `${at}.distribution.${bounds[0]}`, bounds[1]));
      return;
    }
    for (const field of ['low', 'high'] as const) {
      const bad = check(p.path, d[field]);
      if (bad) {
        issues.push(issue('search-values', `${at}.distribution.${field}`, `${p.path} cannot be ${d[field]}: ${bad}`));
        return;
      }
    }
    if (d.type !== 'intUniform') {
      // A continuous draw on an integer field fails on the first candidate: probe with a fraction inside the bounds.
      const probe = d.type === 'logUniform' ? Math.sqrt(d.low * d.high) * 1.0000001 : d.low + (d.high - d.low) / Math.PI;
      const bad = Number.isInteger(probe) ? undefined : check(p.path, probe);
      if (bad) {
        issues.push(issue('search-values', `${at}.distribution.type`, `${d.type} draws fractions such as ${Number(probe.toPrecision(4))}, which ${p.path} cannot be: ${bad}`, { hint: 'use intUniform for an integer field, or values for a list of choices' }));
      }
    }
  });
  return issues;
}
