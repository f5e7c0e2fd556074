import * as tf from '@tensorflow/tfjs-core';
import { ModelspecError } from '../errors.js';
import type { EngineStatus } from '../backend/backend.js';
import { sortEngines, type EngineKind } from './engine.js';

/** Probes an engine: what it is, whether it can run here, and if not, why and how to fix that. */
export async function engineStatus(e: EngineKind): Promise<EngineStatus> {
  const base = { name: e.type, description: e.description, priority: e.priority, determinism: e.capabilities.determinism };
  let p;
  try {
    p = await e.probe();
  } catch (err) {
    p = { available: false as const, reason: `its probe failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!p.available) return { ...base, available: false, reason: p.reason, ...(p.fix ? { fix: p.fix } : {}) };
  return { ...base, available: true, ...(p.detail ? { detail: p.detail } : {}), ...(p.adapter ? { adapter: p.adapter } : {}) };
}

/**
 * Engine choice as every backend does it: engines best first (priority, as
 * tfjs orders its backends), the named one or the first available, and
 * activation, the one place tfjs's global backend changes. A software GPU
 * adapter (for tests) never outranks a CPU engine unless named.
 */
export function engineChooser(engines: readonly EngineKind[]) {
  const sorted = sortEngines(engines);
  const statuses = async () => {
    const all = await Promise.all(sorted.map(engineStatus));
    // a software adapter drops below every engine that runs on the CPU itself
    return [...all].sort((a, b) => Number(!!b.adapter && !b.adapter.software) - Number(!!a.adapter && !a.adapter.software) || Number(!!a.adapter?.software) - Number(!!b.adapter?.software) || b.priority! - a.priority!);
  };
  return {
    engines: statuses,
    engine: (name: string) => sorted.find((e) => e.type === name),
    async prepare({ engine }: { engine?: string } = {}): Promise<EngineStatus> {
      let chosen: EngineStatus | undefined;
      if (engine) {
        const kind = sorted.find((e) => e.type === engine);
        if (!kind) throw new ModelspecError('unknown-engine', `unknown engine "${engine}"; the engines here are ${sorted.map((e) => e.type).join(', ')}`, 'a plugin engine is named with its namespace (--engine acme/fast), and needs --plugin');
        chosen = await engineStatus(kind);
        if (!chosen.available) throw new ModelspecError('engine-unavailable', `engine ${engine} is not available: ${chosen.reason}`, chosen.fix);
      } else {
        chosen = (await statuses()).find((s) => s.available);
        if (!chosen) throw new ModelspecError('no-engine', 'no tfjs engine is available');
      }
      await sorted.find((e) => e.type === chosen!.name)!.activate();
      await tf.ready();
      return chosen;
    },
  };
}
