import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createHash } from 'node:crypto';
import type { Backend, DataSource } from '../src/index.js';

/**
 * A synthetic Kaggle-layout CSV: class c has a bright 4-pixel-wide vertical bar
 * at column 2 + 2c plus noise, so a small model learns it in a couple of epochs.
 */
export function syntheticCsv(rows: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['label,' + Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`).join(',')];
  for (let r = 0; r < rows; r++) {
    const label = r % 10;
    const px = Array.from({ length: 784 }, (_, i) => {
      const col = i % 28;
      const bar = col >= 2 + 2 * label && col < 6 + 2 * label;
      return Math.min(255, Math.floor((bar ? 160 : 0) + rand() * 80));
    });
    lines.push(`${label},${px.join(',')}`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

export function memorySource(files: Record<string, Uint8Array>): DataSource {
  return {
    async readRaw(_dataset, _params, request) {
      const key = request.path ?? request.name;
      const bytes = files[key];
      if (!bytes) throw Object.assign(new Error(`${key}: not found`), { code: 'not-found' });
      return { bytes, location: `memory:${key}` };
    },
    async sha256(bytes) {
      return createHash('sha256').update(bytes).digest('hex');
    },
  };
}

/** A backend on tfjs's cpu engine over in-memory files. */
export function testBackend(files: Record<string, Uint8Array>): Backend {
  const status = { name: 'cpu', description: 'tfjs cpu', available: true };
  return {
    name: 'test',
    engines: async () => [status],
    prepare: async () => {
      await tf.setBackend('cpu');
      return status;
    },
    engine: () => undefined,
    data: memorySource(files),
    saveModel: async () => {
      throw new Error('not in this test');
    },
    loadModel: async () => {
      throw new Error('not in this test');
    },
  };
}
