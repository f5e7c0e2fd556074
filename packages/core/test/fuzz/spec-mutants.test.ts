import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistries, compileModel, createSpecLoader, formatIssues, ModelspecError, parseSpecText, type Issue, type LoadResult } from '../../src/index.js';
import { applyData, applyText, plan, render, type Plan } from './mutate.js';

/**
 * Fuzzing in CI: seeded, fixed-count mutants of every spec in specs/ (and of
 * the bad-spec corpus) go through parse, validate, check and, when accepted,
 * compile. Invariants: nothing throws (problems are issues), every rejection
 * is located (file:line:col inside the file), no spec takes a second, and
 * every accepted spec compiles to a tfjs model whose parameter count and
 * output shape are the ones the checker computed. A failure prints the
 * fast-check seed and the shrunk plan: replay it with `{ seed, path }`.
 */

/** Overridable to explore (`MODELSPEC_FUZZ_RUNS=20000 MODELSPEC_FUZZ_SEED=7`); CI runs the fixed count and seed. */
const RUNS = Number(process.env['MODELSPEC_FUZZ_RUNS'] ?? 2500);
const SEED = Number(process.env['MODELSPEC_FUZZ_SEED'] ?? 20261130);
/** Small, so that compiling an accepted mutant stays fast; the checker refuses larger ones with a located issue. */
const MEMORY_BUDGET = 128 * 1024 ** 2;
const SLOW_MS = 1000;

const root = join(__dirname, '../../../..');
const specsDir = join(root, 'specs');
const badDir = join(__dirname, '../bad-specs');
const reg = builtinRegistries();
const loader = createSpecLoader(reg);

const specFiles = readdirSync(specsDir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const specText = new Map(specFiles.map((f) => [`specs/${f}`, readFileSync(join(specsDir, f), 'utf8')]));
const badFiles = readdirSync(badDir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

type Seed = { file: string; text: string; data: Record<string, unknown> | null };
// Real specs are mutated as data and as text; the bad-spec corpus (hostile YAML included) as text only.
// (A spec in specs/ that does not parse is left out here and fails the first test below.)
const realSeeds: Seed[] = specFiles.flatMap((f) => {
  const p = parseSpecText(specText.get(`specs/${f}`)!, `specs/${f}`);
  return p.ok ? [{ file: `specs/${f}`, text: specText.get(`specs/${f}`)!, data: p.source.data as Record<string, unknown> }] : [];
});
const badSeeds: Seed[] = badFiles.map((f) => ({ file: `bad-specs/${f}`, text: readFileSync(join(badDir, f), 'utf8'), data: null }));

/** Bases come from specs/ as they are; anything else is not there. */
const read = async (p: string) => {
  const file = `specs/${basename(p)}`;
  const text = specText.get(file);
  if (text === undefined || p.includes('/')) throw new ModelspecError('extends-unreadable', 'no such file');
  return { text, file };
};

function mutant(p: Plan): { file: string; text: string } {
  const seeds = p.bad ? badSeeds : realSeeds;
  const seed = seeds[p.seed % seeds.length]!;
  if (!seed.data) return { file: seed.file, text: applyText(seed.text, p.text) };
  const start = p.loose && seed.data['reference'] ? { ...seed.data, reference: { ...(seed.data['reference'] as object), parameters: null } } : seed.data;
  const data = applyData(start, p.data);
  const file = seed.file.replace(/\.ya?ml$/, p.json ? '.json' : '.yaml');
  return { file, text: applyText(render(data, p.json), p.text) };
}

const stats = { tried: 0, accepted: 0, rejected: 0, maxLoadMs: 0, maxCompileMs: 0, slowest: '' };

function checkRejection(r: LoadResult, files: Map<string, string>) {
  const errors = r.issues.filter((i: Issue) => i.severity === 'error');
  expect(errors.length, 'a rejection says why').toBeGreaterThan(0);
  for (const e of errors) {
    const at = JSON.stringify(e);
    expect(e.message.trim(), at).not.toBe('');
    expect(e.message, at).not.toMatch(/undefined|\[object Object\]|call stack/);
    // The depth pre-scan must refuse deep nesting before yaml recurses into it (an overflow there can abort Node).
    expect(e.message, `${at}: nesting hidden from the pre-scan`).not.toBe('nesting is too deep to read');
    expect(e.loc, at).toBeDefined();
    const text = files.get(e.loc!.file);
    expect(text, `${at}: located in a file of the spec`).toBeDefined();
    expect(e.loc!.line, at).toBeGreaterThanOrEqual(1);
    expect(e.loc!.col, at).toBeGreaterThanOrEqual(1);
    expect(e.loc!.line, at).toBeLessThanOrEqual(text!.split('\n').length);
  }
}

async function run(p: Plan) {
  const { file, text } = mutant(p);
  stats.tried++;
  const t0 = performance.now();
  let r: LoadResult;
  try {
    r = await loader.loadComposed(text, file, read, { memoryBudgetBytes: MEMORY_BUDGET });
  } catch (e) {
    throw new Error(`${file}: load threw ${(e as Error).stack}\n--- mutant ---\n${text.slice(0, 3000)}`);
  }
  const loadMs = performance.now() - t0;
  if (loadMs > stats.maxLoadMs) Object.assign(stats, { maxLoadMs: loadMs, slowest: file });
  expect(loadMs, `${file} took ${loadMs.toFixed(0)} ms to load`).toBeLessThan(SLOW_MS);
  if (!r.ok) {
    stats.rejected++;
    checkRejection(r, new Map([...specText, [file, text]]));
    return;
  }
  stats.accepted++;
  const t1 = performance.now();
  let model: ReturnType<typeof compileModel> | undefined;
  try {
    model = compileModel(r.spec, r.check.graph, reg);
    const last = r.check.layers.find((l) => l.name === r.check.graph.outputs[0]);
    expect(model.countParams(), `${file}: parameters, tfjs vs the checker`).toBe(r.check.totals.total);
    expect(model.outputs[0]!.shape.slice(1), `${file}: output shape, tfjs vs the checker`).toEqual(last?.outputShape);
  } catch (e) {
    throw new Error(`${file}: an accepted spec does not compile: ${(e as Error).message}\n--- mutant ---\n${text.slice(0, 3000)}\n--- check ---\n${formatIssues(r.issues)}`);
  } finally {
    model?.dispose();
  }
  const compileMs = performance.now() - t1;
  stats.maxCompileMs = Math.max(stats.maxCompileMs, compileMs);
  expect(loadMs + compileMs, `${file}: load and compile took ${(loadMs + compileMs).toFixed(0)} ms`).toBeLessThan(SLOW_MS);
}

describe('fuzz: spec mutants through parse, validate, check and compile', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('every seed is read: the real specs are accepted, the bad ones refused with located errors', async () => {
    for (const [file, text] of specText) {
      const r = await loader.loadComposed(text, file, read);
      expect(r.ok, `${file}: ${formatIssues(r.issues)}`).toBe(true);
    }
    for (const f of badFiles) {
      const text = readFileSync(join(badDir, f), 'utf8');
      const r = await loader.loadComposed(text, `bad-specs/${f}`, read);
      expect(r.ok).toBe(false);
      checkRejection(r, new Map([[`bad-specs/${f}`, text]]));
    }
  });

  it(`${RUNS} seeded mutants: no raw error, every rejection located, none slower than ${SLOW_MS} ms, every accepted one compiles as checked`, async () => {
    const t0 = performance.now();
    await fc.assert(fc.asyncProperty(plan, run), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    // The CI log shows what the fuzzer did.
    console.log(
      `fuzz: ${stats.tried} spec mutants tried (seed ${SEED}), ${stats.accepted} accepted and compiled, ${stats.rejected} rejected with located issues; ` +
        `max load ${stats.maxLoadMs.toFixed(1)} ms (${stats.slowest}), max compile ${stats.maxCompileMs.toFixed(1)} ms; ${s} s in all`,
    );
    expect(stats.tried).toBeGreaterThanOrEqual(RUNS);
    // A fuzzer that only ever hits parse errors tests nothing past the parser.
    expect(stats.accepted).toBeGreaterThan(RUNS / 20);
    expect(stats.rejected).toBeGreaterThan(RUNS / 4);
  }, 600_000);
});
