import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendChecks, engineChecks, runChecks, type Check, type CheckResult } from '@modelspec/conformance';
import { ModelspecError } from '@modelspec/core';
import { compose, composed } from '../compose.js';
import type { Io } from '../io.js';

export interface ConformanceOptions {
  engine?: string[];
  tfjsTests?: boolean;
  json?: boolean;
}

/**
 * The conformance kit from the command line: every engine and backend a
 * plugin contributes (modelspec's own Node ones when no plugin is named)
 * against tfjs-core's own tests, kernel parity with tfjs cpu, seeded
 * training, determinism, model round trips and the run store's guarantees.
 */
export async function conformanceCommand(plugin: string | undefined, o: ConformanceOptions, io: Io): Promise<number> {
  const c = plugin ? await compose({ plugins: [...(composed().host.plugins.filter((p) => p.source).map((p) => p.source!)), plugin] }) : composed();
  const target = plugin ? c.host.plugins[c.host.plugins.length - 1]! : c.host.plugins.find((p) => p.name === '@modelspec/backend-node')!;
  const engines = (target.adds.engines ?? []).filter((e) => !o.engine?.length || o.engine.includes(e));
  if (o.engine?.length && !engines.length) throw new ModelspecError('unknown-engine', `${target.name} has no engine ${o.engine.join(', ')}; it adds ${(target.adds.engines ?? []).join(', ') || 'no engines'}`);
  const scratch = await mkdtemp(join(tmpdir(), 'modelspec-conformance-'));
  try {
    const checks: { subject: string; checks: Check[] }[] = [];
    for (const name of engines) {
      const engine = c.host.engines.get(name)!;
      const probe = await engine.probe();
      if (!probe.available) {
        io.err(`engine ${name}: not available here (${probe.reason}); skipped`);
        continue;
      }
      checks.push({ subject: `engine ${name}`, checks: engineChecks({ engine, ...(o.tfjsTests === false ? { tfjsTests: false as const } : {}) }) });
    }
    if (!o.engine?.length) {
      for (const name of target.adds.backends ?? []) {
        const kind = c.host.backends.get(name)!;
        let n = 0;
        checks.push({
          subject: `backend ${name}`,
          checks: backendChecks({
            backend: kind.create({ engines: c.host.engineList() }),
            modelLocation: (label) => join(scratch, `model-${++n}-${label.replace(/[^A-Za-z0-9]+/g, '-')}`),
            ...(kind.store ? { store: () => kind.store!(join(scratch, `runs-${++n}`)) } : {}),
          }),
        });
      }
    }
    if (!checks.length) throw new ModelspecError('nothing-to-check', `${target.name} adds no engine or backend that can run here`);
    const all: (CheckResult & { subject: string })[] = [];
    for (const { subject, checks: list } of checks) {
      await runChecks(list, (r) => {
        all.push({ subject, ...r });
        if (!o.json) io.out(`${r.status === 'passed' ? 'ok  ' : r.status === 'skipped' ? 'skip' : 'FAIL'} ${subject} › ${r.group} › ${r.name}${r.message ? `: ${r.message}` : ''}`);
      });
    }
    const count = (s: CheckResult['status']) => all.filter((r) => r.status === s).length;
    if (o.json) io.out(JSON.stringify({ plugin: `${target.name}@${target.version}`, results: all }, null, 2));
    else io.out(`${target.name}@${target.version}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
    return count('failed') ? 1 : 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
