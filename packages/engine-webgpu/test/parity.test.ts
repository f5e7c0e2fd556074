/** Training parity with tfjs cpu on the benchmark's MLP and CNN: every step's loss within 1e-5 relative. */
import { nodeWebgpuEngine } from '@modelspec/engine-webgpu/node';
import { describe, expect, it } from 'vitest';
import { trainingParity } from '../bench/parity.js';

const probe = await nodeWebgpuEngine.probe();

describe.skipIf(!probe.available)('webgpu training parity with cpu (5 Adam steps, batch 32)', () => {
  for (const kind of ['mlp', 'cnn'] as const) {
    it(`${kind}: losses within 1e-5 relative`, async () => {
      const p = await trainingParity(nodeWebgpuEngine, kind);
      console.log(`webgpu parity ${kind}: worst relative loss difference ${p.worst.toExponential(2)} (cpu ${p.cpu.map((l) => l.toFixed(6)).join(' ')})`);
      expect(p.worst).toBeLessThanOrEqual(1e-5);
      // and it learns: the same descent as cpu
      expect(p.engine[4]!).toBeLessThan(p.engine[0]!);
    });
  }
});
