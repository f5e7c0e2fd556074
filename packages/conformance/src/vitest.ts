/**
 * The kit as vitest suites: one `describe` per group, one `it` per check.
 * Call at the top level of a test file (one engine or backend per file:
 * tfjs's state is per process).
 */
import { describe, it } from 'vitest';
import type { Check } from './check.js';
import { engineChecks, type EngineSuiteOptions } from './engine-suite.js';
import { backendChecks, type BackendSuiteOptions } from './backend-suite.js';

/** Registers checks as vitest tests, in order; a check that cannot run here is skipped with its reason in the name. */
export function registerChecks(title: string, checks: readonly Check[]): void {
  describe(title, () => {
    const groups = [...new Set(checks.map((c) => c.group))];
    for (const g of groups) {
      describe(g, () => {
        for (const c of checks.filter((x) => x.group === g)) {
          if (c.skip !== undefined) it.skip(`${c.name} (${c.skip})`, () => {});
          else it(c.name, () => c.run(), c.timeoutMs);
        }
      });
    }
  });
}

export function engineSuite(o: EngineSuiteOptions): void {
  registerChecks(`conformance: engine ${o.engine.type}`, engineChecks(o));
}

export function backendSuite(o: BackendSuiteOptions): void {
  registerChecks(`conformance: backend ${o.backend.name}`, backendChecks(o));
}
