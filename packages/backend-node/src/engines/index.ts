import type { EngineStatus } from '@modelspec/core';
import type { Engine } from './engine.js';
import { cpuEngine } from './cpu.js';
import { wasmEngine } from './wasm.js';
import { tensorflowEngine } from './tensorflow.js';
import { nativeEngine } from './native.js';

/** Best first: the default is the first available one. */
export const nodeEngines: readonly Engine[] = [tensorflowEngine, nativeEngine, wasmEngine, cpuEngine];

export async function engineStatuses(engines: readonly Engine[]): Promise<EngineStatus[]> {
  return Promise.all(
    engines.map(async (e) => {
      const p = await e.probe();
      return p.available
        ? { name: e.name, description: e.description, available: true, ...(p.detail ? { detail: p.detail } : {}) }
        : { name: e.name, description: e.description, available: false, reason: p.reason, ...(p.fix ? { fix: p.fix } : {}) };
    }),
  );
}

export type { Engine };
