import { issue, type Issue } from '../errors.js';
import { SPEC_VERSION } from './sections.js';

/**
 * Versioned upgrades: `upgrades[n]` turns a version-n spec into version n+1.
 * Specs are upgraded before validation, so old files keep working.
 */
const upgrades: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = {};

export function upgradeSpec(data: Record<string, unknown>): { data: Record<string, unknown>; issues: Issue[] } {
  const v = data['specVersion'];
  if (v === undefined) {
    return { data, issues: [issue('missing-field', 'specVersion', `missing required field "specVersion"`, { hint: `add "specVersion: ${SPEC_VERSION}" at the top` })] };
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return { data, issues: [issue('invalid-value', 'specVersion', `specVersion must be a positive integer, got ${JSON.stringify(v)}`, { expected: String(SPEC_VERSION) })] };
  }
  if (v > SPEC_VERSION) {
    return {
      data,
      issues: [issue('newer-spec', 'specVersion', `this spec is version ${v}, but this modelspec reads up to version ${SPEC_VERSION}`, { hint: 'upgrade modelspec' })],
    };
  }
  let out = data;
  for (let n = v; n < SPEC_VERSION; n++) out = { ...upgrades[n]!(out), specVersion: n + 1 };
  return { data: out, issues: [] };
}
