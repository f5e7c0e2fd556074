/**
 * The engine kit: what every tfjs engine modelspec trains on is held to,
 * against its own declared capabilities.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { compileModel, registerCustomLayers, type EngineKind } from '@modelspec/core';
import type { Check } from './check.js';
import { firstBitDifference, fmt, worstMismatch, type Tolerance } from './compare.js';
import { compareModels } from './models.js';
import { canCheckKernel, checkKernelParity } from './kernels/parity.js';
import { builtinTfjsExclusions, type TfjsExclusion } from './tfjs-tests/exclusions.js';
import { describeFailures, type TfjsTestsRunner } from './tfjs-tests/jasmine.js';
import { loadKitSpec, trainSpec, TRAINING_SPECS, type TrainingRun, type TrainingSpec } from './training.js';

export interface EngineSuiteOptions {
  engine: EngineKind;
  /**
   * tfjs-core's own test suite on the engine's backend; `false` leaves it out.
   * `exclude` defaults to the kit's list for Node's built-in engine of that
   * name (`builtinTfjsExclusions`), else none.
   */
  tfjsTests?: false | {
    exclude?: readonly TfjsExclusion[];
    isDataSync?: boolean;
    cacheDir?: string;
    /**
     * Where the specs run: Node's `runTfjsTests` (an esbuild bundle of
     * tfjs-core's tests, loaded in this process) unless given; a browser
     * page passes its own, over tfjs-core's tests bundled into the page.
     */
    run?: TfjsTestsRunner;
  };
  /** Kernel outputs vs tfjs cpu: default rtol 1e-4, atol 1e-5 × the output's largest value, plus the engine's declared relative tolerance. */
  kernelTolerance?: Tolerance;
  /** Training losses vs tfjs cpu, relative: default 1e-5 (float32 rounding over a few steps; native and wasm measure 2e-7) plus the engine's declared relative tolerance. */
  trainingTolerance?: number;
}

const DEFAULT_KERNEL_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };
const DEFAULT_TRAINING_TOLERANCE = 1e-5;

/** The engine's checks, in the order they should run (tfjs-core's own tests last: they reset tfjs's engine). */
export function engineChecks(o: EngineSuiteOptions): Check[] {
  const { engine } = o;
  const declared = engine.capabilities.determinism.class === 'tolerance' ? engine.capabilities.determinism.relative : 0;
  const kernelTol = { ...(o.kernelTolerance ?? DEFAULT_KERNEL_TOLERANCE) };
  kernelTol.rtol += declared;
  const trainingTol = (o.trainingTolerance ?? DEFAULT_TRAINING_TOLERANCE) + declared;

  const activate = async () => {
    await engine.activate();
    await tf.ready();
    if (tf.getBackend() !== engine.tfjsBackend) throw new Error(`${engine.type}: activate() left tfjs on backend "${tf.getBackend()}", not its declared tfjsBackend "${engine.tfjsBackend}"`);
  };
  const once = <T>(f: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= f());
  };
  const runs = Object.fromEntries(
    TRAINING_SPECS.map((s) => [
      s,
      {
        cpu: once(async () => {
          await tf.setBackend('cpu');
          return trainSpec(s);
        }),
        engine: once(async () => {
          await activate();
          return trainSpec(s, engine);
        }),
      },
    ]),
  ) as Record<TrainingSpec, { cpu: () => Promise<TrainingRun>; engine: () => Promise<TrainingRun> }>;

  const checks: Check[] = [
    {
      group: 'engine',
      name: 'is available and activates its tfjs backend',
      async run() {
        const p = await engine.probe();
        if (!p.available) throw new Error(`${engine.type} is not available here: ${p.reason}${p.fix ? ` (fix: ${p.fix})` : ''}`);
        await activate();
      },
    },
  ];

  for (const kernel of engine.capabilities.kernels) {
    checks.push({
      group: 'kernel parity',
      name: kernel,
      ...(canCheckKernel(kernel) ? {} : { skip: `the kit has no inputs for ${kernel}; tfjs-core's own tests still run it` }),
      async run() {
        await activate();
        await checkKernelParity(kernel, engine.tfjsBackend, engine.type, kernelTol);
      },
    });
  }

  for (const s of TRAINING_SPECS) {
    checks.push({
      group: 'training',
      name: `${s} losses match tfjs cpu`,
      async run() {
        const ref = await runs[s].cpu();
        const got = await runs[s].engine();
        if (got.losses.length !== ref.losses.length) throw new Error(`training ${s} on ${engine.type}: ${got.losses.length} batch losses, ${ref.losses.length} on cpu`);
        got.losses.forEach((l, i) => {
          const e = ref.losses[i]!;
          const rel = Math.abs(l - e) / Math.max(Math.abs(e), 1e-12);
          if (!(rel <= trainingTol)) {
            throw new Error(`training ${s} on ${engine.type}: the running loss after batch ${i + 1} is ${fmt(l)}, ${fmt(e)} on cpu (relative difference ${rel.toExponential(2)}, tolerance ${trainingTol})`);
          }
        });
      },
    });
  }

  for (const s of TRAINING_SPECS) {
    checks.push({
      group: 'determinism',
      name: `${s} trained twice: ${engine.capabilities.determinism.class}`,
      async run() {
        const first = await runs[s].engine();
        await activate();
        const second = await trainSpec(s, engine);
        const what = `two ${s} runs on ${engine.type} (declared ${engine.capabilities.determinism.class}${declared ? ` ${declared}` : ''})`;
        first.weights.forEach((w, i) => {
          const v = second.weights[i]!.values;
          if (declared === 0) {
            const j = firstBitDifference(w.values, v);
            if (j >= 0) throw new Error(`${what} differ: weight ${w.name} element ${j} is ${fmt(w.values[j]!)}, then ${fmt(v[j]!)}`);
          } else {
            const m = worstMismatch(v, w.values, { rtol: declared, atol: declared });
            if (m) throw new Error(`${what} differ beyond the declared tolerance: weight ${w.name} element ${m.index} is ${fmt(m.expected)}, then ${fmt(m.actual)}`);
          }
        });
      },
    });
  }

  checks.push({
    group: 'model',
    name: 'save and load in memory gives the same weights and predictions',
    async run() {
      await activate();
      await modelRoundTrip(engine.type);
    },
  });

  if (o.tfjsTests !== false) {
    const t = o.tfjsTests ?? {};
    const exclude = t.exclude ?? builtinTfjsExclusions[engine.type] ?? [];
    checks.push({
      group: "tfjs-core's own tests",
      name: `on backend "${engine.tfjsBackend}" with ${exclude.length} declared exclusions`,
      timeoutMs: 600_000,
      async run() {
        await activate();
        try {
          const run = t.run ?? (await import('./tfjs-tests/run.js')).runTfjsTests;
          const report = await run({ backendName: engine.tfjsBackend, envName: engine.type, exclude, ...(t.isDataSync !== undefined ? { isDataSync: t.isDataSync } : {}), ...(t.cacheDir ? { cacheDir: t.cacheDir } : {}) });
          const message = describeFailures(report, engine.type);
          if (message) throw new Error(message);
          if (report.passed === 0) throw new Error(`tfjs-core's own tests on ${engine.type}: no spec ran`);
        } finally {
          // the suite resets tfjs's engine after every group of specs: the engine is activated afresh for whatever runs next
          await activate();
        }
      },
    });
  }
  return checks;
}

/** The kit's MLP through tfjs's save/load (in memory): weights and predictions bit for bit. */
async function modelRoundTrip(engine: string): Promise<void> {
  const { host, loaded } = loadKitSpec('mlp');
  registerCustomLayers();
  const model = compileModel(loaded.spec, loaded.check.graph, host.registries);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const copy = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  try {
    await compareModels(`saved and loaded on ${engine}`, model, copy);
  } finally {
    model.dispose();
    copy.dispose();
  }
}
