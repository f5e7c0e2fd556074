/**
 * The playground in real Chromium (Debian's, headless, WebGL2 on SwiftShader):
 * it loads under a strict CSP, shows a misspelled layer type where it is,
 * trains a limited MLP and CNN on cpu, wasm and webgl in a Web Worker with the
 * same results as Node (cpu bit for bit, wasm and webgpu within 1e-5, webgl
 * within 1e-2 relative), stops mid-epoch keeping the last complete epoch,
 * passes the conformance kit's backend suite and its engine suite on webgpu
 * (SwiftShader), and leaves a screenshot of a finished run.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, startServer, type StartedServer } from '../serve.js';
import { CHROMIUM, launch } from './browser.js';
import { compare, trainInNode, type TrainSettings, type TrainedRun } from './node-runs.js';

const root = join(__dirname, '../../..');
const out = join(__dirname, '../test-output');
const available = existsSync(CHROMIUM) && existsSync(join(__dirname, '../dist/index.html')) && existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

// Short runs: a limited MLP and CNN, the same job in the page and in Node.
const MLP: TrainSettings = { spec: 'specs/e-shallow.yaml', seed: 1, epochs: 2, limit: 512, testLimit: 200 };
const CNN: TrainSettings = { spec: 'apps/playground/test/fixtures/small-cnn.yaml', seed: 1, epochs: 2, limit: 256, testLimit: 200 };
/** The screenshot's run: the published CNN, briefly (wasm). */
const SIMPLE_CNN: TrainSettings = { spec: 'specs/e-simple-cnn.yaml', seed: 1, epochs: 2, limit: 320, testLimit: 200 };

const t0 = Date.now();
/** Progress in the test log, with the time since the file started. */
const log = (what: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

/**
 * A test page's script: `entry` bundled for the browser. node:fs is shimmed
 * with the kit's specs; jasmine's browser build gets the page's global
 * object; the kit's Node runner of tfjs-core's tests is left out (the page
 * brings its own); `ignoreAnnotations` keeps tfjs-core's test files, which
 * its `sideEffects` list would drop.
 */
async function pageBundle(entry: string): Promise<string> {
  const specs = Object.fromEntries(['mlp', 'cnn', 'run'].map((w) => [`conformance-${w}.yaml`, readFileSync(join(root, `packages/conformance/specs/conformance-${w}.yaml`), 'utf8')]));
  const result = await build({
    entryPoints: [join(__dirname, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    conditions: ['@modelspec/source'],
    ignoreAnnotations: true,
    logLevel: 'error',
    plugins: [
      {
        name: 'kit-specs',
        setup(b) {
          b.onResolve({ filter: /^node:fs$/ }, () => ({ path: 'fs', namespace: 'kit-specs' }));
          b.onLoad({ filter: /.*/, namespace: 'kit-specs' }, () => ({
            contents: `const files = ${JSON.stringify(specs)};\nexport function readFileSync(u) { const n = String(u.href ?? u).split('/').pop(); if (!(n in files)) throw new Error('no kit file ' + n); return files[n]; }`,
            loader: 'js',
          }));
          // loaded as a CommonJS module, jasmine's browser build would take `global` (absent) for the page's global object
          b.onLoad({ filter: /jasmine-core[\\/]lib[\\/]jasmine-core[\\/]jasmine\.js$/ }, (a) => ({ contents: `var global = globalThis;\n${readFileSync(a.path, 'utf8')}`, loader: 'js' }));
          b.onResolve({ filter: /[\\/]tfjs-tests[\\/]run\.js$/ }, () => ({ path: 'run', namespace: 'node-runner' }));
          b.onLoad({ filter: /.*/, namespace: 'node-runner' }, () => ({ contents: `export function runTfjsTests() { throw new Error("the kit's Node runner of tfjs-core's tests is not in the page"); }`, loader: 'js' }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

interface PageRun {
  status: string;
  engine: string;
  seconds: number;
  error: string | null;
  run: TrainedRun;
}

async function openPlayground(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => 'playground' in window, null, { timeout: 60_000 });
  await page.evaluate(() => (window as any).playground.enginesReady);
}

/** Trains through the page's controls, as a user does, and reads what the page received. */
async function trainInPage(page: Page, s: TrainSettings, engine: string, stopAt?: { epoch: number; batch: number }): Promise<PageRun> {
  if (s.spec.startsWith('specs/')) await page.selectOption('#spec-select', s.spec);
  else await page.evaluate(([f, t]) => (window as any).playground.openSpec(f, t), [s.spec, readFileSync(join(root, s.spec), 'utf8')] as const);
  await page.selectOption('#engine-select', engine);
  await page.fill('#seed', String(s.seed));
  await page.fill('#epochs', String(s.epochs));
  await page.fill('#limit', String(s.limit));
  await page.fill('#test-limit', String(s.testLimit));
  const started = Date.now();
  log(`page: ${s.spec} on ${engine}`);
  await page.click('#train');
  await page.waitForFunction(() => document.body.dataset['state'] === 'running');
  if (stopAt) {
    await page.waitForFunction(([e, b]) => (window as any).playground.state.batches.some((p: any) => p.epoch === e && p.batch >= b), [stopAt.epoch, stopAt.batch] as const, { timeout: 120_000, polling: 20 });
    await page.click('#stop');
  }
  await page.waitForFunction(() => document.body.dataset['state'] !== 'running', null, { timeout: 240_000 });
  const got = await page.evaluate(() => {
    const st = (window as any).playground.state;
    return { status: st.status, error: st.error, batches: st.batches, outcome: st.outcome, events: st.events.filter((e: any) => e.type !== 'batch').map((e: any) => e.type) };
  });
  return { status: got.status, engine: got.outcome?.engine.name ?? '', seconds: (Date.now() - started) / 1000, error: got.error, run: { status: got.outcome?.status, engine: got.outcome?.engine.name, batches: got.batches, outcome: got.outcome } };
}

describe.skipIf(!available)('the playground in Chromium', () => {
  let strict: StartedServer;
  let server: StartedServer;
  let withEval: StartedServer;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  const node = new Map<string, Promise<TrainedRun>>();
  const nodeRun = (s: TrainSettings, engine: 'cpu' | 'wasm') => {
    const key = `${s.spec}:${engine}`;
    if (!node.has(key)) {
      log(`node: ${s.spec} on ${engine}`);
      node.set(key, trainInNode(root, s, engine));
    }
    return node.get(key)!;
  };
  const parity: string[] = [];

  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
    const routes = {
      '/conformance.html': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>conformance</title><script type="module" src="/conformance.js"></script>' },
      '/conformance.js': { type: 'text/javascript', body: await pageBundle('conformance-entry.ts') },
      '/webgpu-conformance.html': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>webgpu conformance</title><script type="module" src="/webgpu-conformance.js"></script>' },
      '/webgpu-conformance.js': { type: 'text/javascript', body: await pageBundle('webgpu-entry.ts') },
      ...Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [`/tfjs/${f}`, join(wasmDir, f)])),
    };
    strict = await startServer({ csp: { wasm: false } });
    server = await startServer({ routes });
    // the kit loads a plugin with a dataset kind: its schema is not the precompiled one, so that page compiles at run time (eval allowed there)
    // (and tfjs-core's own tests download models through blob: URLs)
    withEval = await startServer({ routes, csp: contentSecurityPolicy().replace("script-src 'self'", "script-src 'self' 'unsafe-eval'").replace("connect-src 'self'", "connect-src 'self' blob: data:") });
    browser = await launch();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await strict?.close();
    await server?.close();
    await withEval?.close();
    if (parity.length) console.log(['parity, Node against Chromium (same spec, seed, limit):', ...parity].join('\n  '));
  });

  it("loads under script-src 'self' (no eval) and shows a misspelled layer type at its line and column", async () => {
    const strictPage = await browser.context.newPage();
    // every CSP violation the page meets, as the browser reports it
    await strictPage.addInitScript(() => {
      (window as any).violations = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).violations.push({ directive: e.violatedDirective, blocked: e.blockedURI }));
    });
    await openPlayground(strictPage, strict.url);
    const text = readFileSync(join(root, 'specs/e-shallow.yaml'), 'utf8').replace(/type: dense\n(\s+)units: 128/, 'type: dnese\n$1units: 128');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('dnese')) + 1;
    const col = lines[line - 1]!.indexOf('dnese') + 1;
    await strictPage.evaluate((t) => (window as any).playground.openSpec('specs/e-shallow.yaml', t), text);
    const problem = strictPage.locator('#problems .problem.error').first();
    await expect.poll(() => problem.textContent()).toMatch(new RegExp(`^specs/e-shallow\\.yaml:${line}:${col}\\b.*unknown type "dnese"`));
    expect(await problem.textContent()).toContain('did you mean "dense"?');
    // and in the editor, underlined where it is
    await expect.poll(() => strictPage.locator('.cm-lintRange-error').first().textContent()).toBe('dnese');
    // wasm cannot compile under script-src 'self' (no 'wasm-unsafe-eval'): the engine says so instead of failing a run
    const engines = await strictPage.evaluate(() => (window as any).playground.state.engines.map((e: any) => ({ name: e.name, available: e.available, reason: e.reason ?? null })));
    expect(engines.find((e: any) => e.name === 'wasm')).toMatchObject({ available: false, reason: expect.stringMatching(/may not compile WebAssembly/) });
    // the cpu runs of the parity check train on this page: the whole pipeline (Ajv, tfjs, Vega) without eval
    for (const s of [MLP, CNN]) {
      const r = await trainInPage(strictPage, s, 'cpu');
      expect(r.error).toBeNull();
      expect(r.status).toBe('completed');
      const n = await nodeRun(s, 'cpu');
      const c = compare(n, r.run);
      parity.push(`cpu   ${s.spec.padEnd(44)} ${c.values} values, bit-equal ${c.bitEqual}, same weights ${c.sameWeights}, max |diff| ${c.maxAbs.toExponential(2)} (browser ${r.seconds.toFixed(1)} s)`);
      expect(c.bitEqual, `cpu ${s.spec}: Node and Chromium differ (max |diff| ${c.maxAbs})`).toBe(true);
      expect(c.sameWeights).toBe(true);
    }
    const violations = await strictPage.evaluate(() => (window as any).violations as { directive: string; blocked: string }[]);
    // the only refusal is the wasm probe's own test compile
    expect(violations.filter((v) => v.blocked !== 'wasm-eval')).toEqual([]);
    await strictPage.close();
  });

  it('trains the MLP and the CNN on wasm (with modelspec training kernels) within 1e-5 of Node', async () => {
    await openPlayground(page, server.url);
    for (const s of [MLP, CNN]) {
      const r = await trainInPage(page, s, 'wasm');
      expect(r.error).toBeNull();
      expect([r.status, r.engine]).toEqual(['completed', 'wasm']);
      const c = compare(await nodeRun(s, 'wasm'), r.run);
      parity.push(`wasm  ${s.spec.padEnd(44)} ${c.values} values, bit-equal ${c.bitEqual}, max relative diff ${c.maxRel.toExponential(2)} (browser ${r.seconds.toFixed(1)} s)`);
      expect(c.maxRel).toBeLessThanOrEqual(1e-5);
    }
  });

  it('trains the MLP and the CNN on webgl within 1e-2 relative of Node cpu; a screenshot of specs/e-simple-cnn.yaml trained', async () => {
    for (const s of [MLP, CNN]) {
      const r = await trainInPage(page, s, 'webgl');
      expect(r.error).toBeNull();
      expect([r.status, r.engine]).toEqual(['completed', 'webgl']);
      const c = compare(await nodeRun(s, 'cpu'), r.run);
      parity.push(`webgl ${s.spec.padEnd(44)} ${c.values} values, max relative diff ${c.maxRel.toExponential(2)} against Node cpu (browser ${r.seconds.toFixed(1)} s)`);
      expect(c.maxRel).toBeLessThanOrEqual(1e-2);
    }
    // the published CNN, briefly: live curves, confusion matrix, prediction grid, published vs measured
    const shot = await trainInPage(page, SIMPLE_CNN, 'wasm');
    expect([shot.status, shot.error]).toEqual(['completed', null]);
    for (const id of ['#chart-live svg', '#chart-curves svg', '#chart-confusion svg', '#chart-figures svg', '#prediction-grid canvas', '#class-report table']) expect(await page.locator(id).count(), id).toBeGreaterThan(0);
    await page.screenshot({ path: join(out, 'e-simple-cnn.png'), fullPage: true });
  });

  it('stops mid-epoch from the Stop button and keeps the last complete epoch, in the page and in IndexedDB', async () => {
    const s: TrainSettings = { spec: 'specs/e-shallow.yaml', seed: 2, epochs: 3, limit: 4000, testLimit: 100 };
    const r = await trainInPage(page, s, 'wasm', { epoch: 2, batch: 30 });
    expect(r.status).toBe('interrupted');
    const summary = r.run.outcome.summary!;
    expect(summary.history.map((h) => h.epoch)).toEqual([1]);
    expect(r.run.batches.some((b) => b.epoch === 2 && b.batch < b.batches)).toBe(true);
    const stored = await page.evaluate(async (loc) => {
      const st = await (window as any).playground.store.load(loc);
      return { status: st.status, epochs: st.history.length, checkpoint: st.checkpoint?.epoch, from: st.checkpoint?.weightsFromEpoch };
    }, r.run.outcome.location);
    expect(stored).toEqual({ status: 'interrupted', epochs: 1, checkpoint: 1, from: 1 });
    // the page stayed responsive: the Train button is back
    expect(await page.locator('#train').isEnabled()).toBe(true);
  });

  it("passes the conformance kit's backend suite in the page", async () => {
    const p = await browser.context.newPage();
    await p.goto(`${withEval.url}conformance.html`);
    const got = await p.waitForFunction(() => (window as any).conformance, null, { timeout: 120_000 }).then((h) => h.jsonValue() as Promise<{ engine: string; results: { group: string; name: string; status: string; message?: string }[] }>);
    console.log(`conformance backend suite in Chromium (engine ${got.engine}): ${got.results.map((r) => `${r.status} ${r.group}: ${r.name}${r.message ? ` (${r.message})` : ''}`).join('; ')}`);
    expect(got.results.length).toBeGreaterThan(5);
    expect(got.results.filter((r) => r.status !== 'passed')).toEqual([]);
    await p.close();
  });
  it("passes the conformance kit's engine suite on webgpu (SwiftShader) in the page, tfjs-core's own tests with the declared exclusions; the software adapter is listed, never taken unless named", async () => {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => console.error('webgpu conformance page error:', e.message));
    await p.goto(`${withEval.url}webgpu-conformance.html`);
    const got = await p
      .waitForFunction(() => (window as any).conformance, null, { timeout: 540_000, polling: 1000 })
      .then((h) => h.jsonValue() as Promise<{ probe: { available: boolean; detail?: string; adapter?: { software: boolean } }; results: { group: string; name: string; status: string; message?: string; seconds: number }[]; tfjs: { passed: number; failed: unknown[]; excluded: number; excused: number; pending: number; stale: unknown[]; seconds: number } | null; engines: { name: string; available: boolean; adapter?: { software: boolean } }[]; chosen: string }>);
    await p.close();
    log(`webgpu engine suite in Chromium on ${got.probe.detail}: ${got.results.map((r) => `${r.status} ${r.group}: ${r.name} (${r.seconds.toFixed(1)} s)${r.message ? ` ${r.message}` : ''}`).join('; ')}`);
    if (got.tfjs) log(`tfjs-core's own tests on webgpu in Chromium: ${got.tfjs.passed} passed, ${got.tfjs.failed.length} failed, ${got.tfjs.excluded} excluded, ${got.tfjs.excused} excused (missing kernels), ${got.tfjs.pending} pending, in ${got.tfjs.seconds.toFixed(0)} s`);
    expect(got.probe).toMatchObject({ available: true, adapter: { software: true } });
    expect(got.probe.detail).toMatch(/swiftshader/i);
    expect([...new Set(got.results.map((r) => r.group))].sort()).toEqual(['determinism', 'engine', 'kernel parity', 'model', "tfjs-core's own tests", 'training']);
    expect(got.results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(got.tfjs!.passed).toBeGreaterThan(4000);
    expect(got.tfjs!.stale).toEqual([]);
    // listed as available on a software adapter, and not what the backend takes when no engine is named
    expect(got.engines.find((e) => e.name === 'webgpu')).toMatchObject({ available: true, adapter: { software: true } });
    expect(got.chosen).not.toBe('webgpu');
  }, 600_000);

  it('trains the MLP and the CNN on webgpu, named (its adapter is software), within 1e-5 relative of Node cpu, and the run names the adapter', async () => {
    const listed = await page.evaluate(() => [...(document.getElementById('engine-select') as HTMLSelectElement).options].map((o) => o.textContent));
    expect(listed).toContain('webgpu (software GPU)');
    for (const s of [MLP, CNN]) {
      const r = await trainInPage(page, s, 'webgpu');
      expect(r.error).toBeNull();
      expect([r.status, r.engine]).toEqual(['completed', 'webgpu']);
      expect(r.run.outcome.engine.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
      const c = compare(await nodeRun(s, 'cpu'), r.run);
      parity.push(`webgpu ${s.spec.padEnd(43)} ${c.values} values, max relative diff ${c.maxRel.toExponential(2)} against Node cpu (browser ${r.seconds.toFixed(1)} s, ${r.run.outcome.engine.detail})`);
      expect(c.maxRel).toBeLessThanOrEqual(1e-5);
    }
  });
});
