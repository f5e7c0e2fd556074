/**
 * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set, pick
 * OpenBLAS's kernels and blocking when the library loads. The benchmark
 * measures what a user without them gets: when either is set, it runs itself
 * again without them (OpenBLAS reads them only at load) and records what it
 * took away. `--keep-openblas-env` measures with them instead.
 */
import { spawnSync } from 'node:child_process';

export const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;
const CARRIED = 'MODELSPEC_BENCH_OPENBLAS_UNSET';

/** Re-runs this process without the variables when they are set (and exits with its status); else says what this run has. */
export function openblasEnvironment(argv: readonly string[]): string {
  const set = OPENBLAS_VARS.filter((v) => process.env[v] !== undefined);
  if (argv.includes('--keep-openblas-env')) {
    return set.length ? `${set.map((v) => `${v}=${process.env[v]}`).join(', ')}, kept (--keep-openblas-env)` : `${OPENBLAS_VARS.join(' and ')} not set`;
  }
  if (set.length) {
    const env: NodeJS.ProcessEnv = { ...process.env, [CARRIED]: JSON.stringify(Object.fromEntries(set.map((v) => [v, process.env[v]]))) };
    for (const v of set) delete env[v];
    console.log(`unsetting ${set.map((v) => `${v}=${process.env[v]}`).join(', ')} for this benchmark's run (what a user without them gets)`);
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], { env, stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const carried = process.env[CARRIED];
  if (carried) {
    const was = JSON.parse(carried) as Record<string, string>;
    const other = OPENBLAS_VARS.filter((v) => !(v in was));
    return `${Object.entries(was).map(([k, v]) => `${k} (was ${v})`).join(' and ')} unset by the benchmark for its own run${other.length ? `; ${other.join(' and ')} not set` : ''}`;
  }
  return `${OPENBLAS_VARS.join(' and ')} not set`;
}
