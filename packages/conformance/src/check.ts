/**
 * The kit is a list of checks as data; thin adapters run them under vitest
 * (`@modelspec/conformance/vitest`) or from the CLI (`runChecks`).
 */
export interface Check {
  /** What part of the contract it checks: `tfjs-core tests`, `kernel parity`, `training`, `run store`… */
  group: string;
  /** What it checks, unique in its group (a kernel name, `mlp matches cpu`). */
  name: string;
  /** Why it cannot run here, when it cannot (reported as skipped, never as passed). */
  skip?: string;
  /** Throws an Error whose message names what failed (the kernel, the spec, the weight). */
  run(): Promise<void>;
  /** A longer time limit than a test runner's default, in milliseconds. */
  timeoutMs?: number;
}

export interface CheckResult {
  group: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure's message, or why the check was skipped. */
  message?: string;
  seconds: number;
}

/** Runs checks one after another (tfjs state is global), reporting each as it ends. */
export async function runChecks(checks: readonly Check[], onResult?: (r: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const c of checks) {
    const t0 = performance.now();
    let r: CheckResult;
    if (c.skip !== undefined) {
      r = { group: c.group, name: c.name, status: 'skipped', message: c.skip, seconds: 0 };
    } else {
      try {
        await c.run();
        r = { group: c.group, name: c.name, status: 'passed', seconds: (performance.now() - t0) / 1000 };
      } catch (e) {
        r = { group: c.group, name: c.name, status: 'failed', message: e instanceof Error ? e.message : String(e), seconds: (performance.now() - t0) / 1000 };
      }
    }
    results.push(r);
    onResult?.(r);
  }
  return results;
}

