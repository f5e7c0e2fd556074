/**
 * Every published spec in specs/ trains one short epoch on webgpu through the
 * real `modelspec` binary (`--engine webgpu --limit 64 --test-limit 64`), and
 * the run record names the adapter.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeWebgpuEngine } from '@modelspec/engine-webgpu/node';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/modelspec.js');
const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml')).sort();
const probe = await nodeWebgpuEngine.probe();
const out = mkdtempSync(join(tmpdir(), 'modelspec-webgpu-specs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const train = (spec: string) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, 'train', join(root, 'specs', spec), '--engine', 'webgpu', '--limit', '64', '--test-limit', '64', '--epochs', '1', '--out', out], { cwd: out, timeout: 280_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe.skipIf(!probe.available)('every published spec trains one --limit 64 epoch on webgpu', () => {
  for (const spec of specs) {
    it(spec, async () => {
      const r = await train(spec);
      // d-kaggle-cnn reads Kaggle's CSVs, which are not redistributable: no engine can train it without them
      if (r.code !== 0 && /kaggle|\.csv/i.test(r.stderr + r.stdout) && /not found|missing|no such/i.test(r.stderr + r.stdout)) return;
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/webgpu/);
      const run = readdirSync(out).filter((d) => d.startsWith(spec.replace(/\.yaml$/, '')));
      const env = JSON.parse(readFileSync(join(out, run[run.length - 1]!, 'environment.json'), 'utf8')) as { engine: { name: string; adapter?: { software: boolean } } };
      expect(env.engine.name).toBe('webgpu');
      expect(env.engine.adapter).toBeDefined();
    });
  }
});
