/**
 * The backend kit: what every backend (Node, a browser, a third party's
 * runtime) is held to, through core's Backend and RunStore interfaces and
 * core's own runner.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  compileModel,
  makeJob,
  MODELSPEC_VERSION,
  runJob,
  type Backend,
  type EpochRecord,
  type ModelMetadata,
  type RunEvent,
  type RunJob,
  type RunStart,
  type RunStore,
  type TrainState,
} from '@modelspec/core';
import type { Check } from './check.js';
import { firstBitDifference, fmt } from './compare.js';
import { compareModels } from './models.js';
import { conformancePlugin } from './plugin.js';
import { generator } from './random.js';
import { loadKitSpec } from './training.js';

export interface BackendSuiteOptions {
  backend: Backend;
  /** Where a model may be saved: a location that does not exist yet, different for every name (a new folder path, an IndexedDB key). */
  modelLocation(name: string): string | Promise<string>;
  /** A new, empty run store for each call; without one the run-store and runner checks are skipped. */
  store?: () => RunStore | Promise<RunStore>;
  /** The engine the kit's runs use (default: the backend's best available). */
  engine?: string;
}

/** SHA-256 test vectors (FIPS 180-2): a data source must hash bytes exactly. */
const SHA256_VECTORS: [string, Uint8Array, string][] = [
  ['no bytes', new Uint8Array(0), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['"abc"', new TextEncoder().encode('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['a million "a"', new Uint8Array(1_000_000).fill(0x61), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

function kitJob(engine: string | undefined): { job: RunJob; host: ReturnType<typeof loadKitSpec>['host'] } {
  const { host, loaded, file } = loadKitSpec('run');
  const job = makeJob({ spec: loaded.spec, specFile: file, engine: engine ?? null, plugins: [{ name: conformancePlugin.name, version: conformancePlugin.version }] });
  return { job, host };
}

const START: RunStart = {
  engine: { name: 'cpu', description: 'the conformance kit (no training)', available: true },
  counts: { train: 96, validation: 0, test: 32 },
  files: { train: { location: 'conformance:train', sha256: SHA256_VECTORS[1]![2] } },
  modelspecVersion: MODELSPEC_VERSION,
  plugins: [{ name: conformancePlugin.name, version: conformancePlugin.version }],
};

/** A training state of `n` weights, every value drawn from `seed`. */
function trainState(epoch: number, n: number, seed: number): TrainState {
  const next = generator(seed);
  const record: EpochRecord = { epoch, train: { loss: 2.3 - epoch / 10, accuracy: 0.1 * epoch }, val: null, seconds: 0.5 };
  return {
    epoch,
    step: epoch * 6,
    batch: 0,
    sums: [],
    partialSeconds: 0,
    weights: [
      { name: 'dense/kernel', shape: [n / 4, 4], dtype: 'float32', data: Float32Array.from({ length: n }, next) },
      { name: 'dense/bias', shape: [4], dtype: 'float32', data: Float32Array.from({ length: 4 }, next) },
    ],
    optimizer: { weights: [{ name: 'iter', shape: [], dtype: 'float32', data: Float32Array.of(epoch * 6) }], scalars: { accBeta1: 0.9 ** (epoch * 6) } },
    dropout: {},
    earlyStopping: null,
    weightsFromEpoch: epoch,
    history: Array.from({ length: epoch }, (_, i) => ({ ...record, epoch: i + 1 })),
  };
}

/** Whether two training states are the same value (tensors bit for bit); the first difference, or null. */
function stateDifference(a: TrainState, b: TrainState): string | null {
  const { weights: wa, optimizer: oa, ...ra } = a;
  const { weights: wb, optimizer: ob, ...rb } = b;
  if (JSON.stringify(ra) !== JSON.stringify(rb)) return 'its fields other than tensors differ';
  if (JSON.stringify(oa.scalars) !== JSON.stringify(ob.scalars)) return 'its optimizer scalars differ';
  for (const [x, y] of [[wa, wb], [oa.weights, ob.weights]] as const) {
    if (x.length !== y.length) return `it has ${y.length} tensors where ${x.length} were written`;
    for (let i = 0; i < x.length; i++) {
      if (x[i]!.name !== y[i]!.name || !tf.util.arraysEqual(x[i]!.shape, y[i]!.shape)) return `tensor ${x[i]!.name} [${x[i]!.shape}] came back as ${y[i]!.name} [${y[i]!.shape}]`;
      const j = firstBitDifference(Float32Array.from(x[i]!.data), Float32Array.from(y[i]!.data));
      if (j >= 0) return `tensor ${x[i]!.name} element ${j} is ${fmt(y[i]!.data[j]!)}, ${fmt(x[i]!.data[j]!)} was written`;
    }
  }
  return null;
}

async function kitModel(seed: number): Promise<{ model: tfl.LayersModel; metadata: ModelMetadata }> {
  const { host, loaded } = loadKitSpec('mlp');
  const model = compileModel(loaded.spec, loaded.check.graph, host.registries, seed);
  const metadata: ModelMetadata = {
    modelspecVersion: MODELSPEC_VERSION,
    spec: loaded.spec,
    classNames: Array.from({ length: 10 }, (_, i) => `class${i}`),
    inputShape: [8, 8],
    preprocess: { divideBy: 255, labels: 'integer' },
    seed,
    engine: tf.getBackend(),
  };
  return { model, metadata };
}

/** The backend's checks, in order. */
export function backendChecks(o: BackendSuiteOptions): Check[] {
  const { backend } = o;
  const prepare = () => backend.prepare(o.engine ? { engine: o.engine } : {});
  const noStore = o.store ? {} : { skip: 'no run store given (option `store`)' };
  const store = async () => o.store!();

  const run = async (abortAt?: (e: RunEvent) => boolean) => {
    const s = await store();
    const { job, host } = kitJob(o.engine);
    const ctrl = new AbortController();
    const events: RunEvent[] = [];
    const outcome = await runJob(job, {
      registries: host.registries,
      backend,
      store: s,
      plugins: host.records(),
      signal: ctrl.signal,
      onEvent: (e) => {
        events.push(e);
        if (!ctrl.signal.aborted && abortAt?.(e)) ctrl.abort();
      },
    });
    if (!outcome.location) throw new Error('runJob with a store gave an outcome with no location');
    return { outcome, events, stored: await s.load(outcome.location), job };
  };

  return [
    {
      group: 'data source',
      name: 'sha256 of known bytes',
      async run() {
        for (const [what, bytes, want] of SHA256_VECTORS) {
          const got = await backend.data.sha256(bytes);
          if (got !== want) throw new Error(`${backend.name} data source: sha256 of ${what} is ${got}, not ${want}`);
        }
      },
    },
    {
      group: 'engines',
      name: 'lists its engines and activates the one it prepares',
      async run() {
        const list = await backend.engines();
        if (!list.length) throw new Error(`${backend.name}: engines() lists no engine`);
        const status = await prepare();
        if (!status.available) throw new Error(`${backend.name}: prepare() chose ${status.name}, which is not available (${status.reason})`);
        const kind = backend.engine(status.name);
        if (!kind) throw new Error(`${backend.name}: prepare() chose ${status.name}, which engine(name) does not know`);
        if (tf.getBackend() !== kind.tfjsBackend) throw new Error(`${backend.name}: prepare() chose ${status.name}, but tfjs runs on "${tf.getBackend()}", not "${kind.tfjsBackend}"`);
      },
    },
    {
      group: 'models',
      name: 'save then load gives the same weights, predictions and metadata',
      async run() {
        await prepare();
        const at = await o.modelLocation('round-trip');
        const { model, metadata } = await kitModel(21);
        try {
          await backend.saveModel(model, at, metadata);
          const loaded = await backend.loadModel(at);
          try {
            await compareModels(`${backend.name}: the model saved at ${at} and loaded`, model, loaded.model);
            if (JSON.stringify(loaded.metadata) !== JSON.stringify(metadata)) throw new Error(`${backend.name}: the metadata loaded from ${at} differs from the metadata saved`);
          } finally {
            loaded.model.dispose();
          }
        } finally {
          model.dispose();
        }
      },
    },
    {
      group: 'models',
      name: 'a saved model is never overwritten',
      async run() {
        await prepare();
        const at = await o.modelLocation('never-overwritten');
        const first = await kitModel(31);
        const second = await kitModel(32);
        try {
          await backend.saveModel(first.model, at, first.metadata);
          const refused = await backend.saveModel(second.model, at, second.metadata).then(() => false, () => true);
          if (!refused) throw new Error(`${backend.name}: a second saveModel to ${at} succeeded; a saved model must never be overwritten`);
          const loaded = await backend.loadModel(at);
          try {
            await compareModels(`${backend.name}: after a refused second save, the model at ${at}`, first.model, loaded.model);
          } finally {
            loaded.model.dispose();
          }
        } finally {
          first.model.dispose();
          second.model.dispose();
        }
      },
    },
    {
      group: 'run store',
      name: 'begin never gives two runs one location, and keeps what the run began with',
      ...noStore,
      async run() {
        const s = await store();
        const { job } = kitJob(o.engine);
        const a = await s.begin(job, START);
        const b = await s.begin(job, START);
        if (a.location === b.location) throw new Error(`run store: two runs of job ${job.id} were both given ${a.location}`);
        const [la, lb] = [await s.load(a.location), await s.load(b.location)];
        if (la.status !== 'running' || lb.status !== 'running') throw new Error(`run store: a run just begun has status ${la.status} / ${lb.status}, not running`);
        // what a resume must find again: the engine and the data files the run began with
        if (la.engine !== START.engine.name) throw new Error(`run store: a run begun on engine ${START.engine.name} is stored with engine ${la.engine}`);
        if (la.files?.['train']?.sha256 !== START.files['train']!.sha256) throw new Error(`run store: a run does not keep the sha256 of the data files it began with (train: ${la.files?.['train']?.sha256})`);
      },
    },
    {
      group: 'run store',
      name: 'a checkpoint is whole: a reader sees the previous one until the new one is complete',
      ...noStore,
      async run() {
        const s = await store();
        const { job } = kitJob(o.engine);
        const r = await s.begin(job, START);
        const first = trainState(1, 400_000, 1);
        const second = trainState(2, 400_000, 2);
        await r.checkpoint(first);
        let done = false;
        const writing = r.checkpoint(second).finally(() => (done = true));
        let reads = 0;
        try {
          // every read while the second checkpoint is written must find one of the two, whole
          while (!done) {
            const seen = (await s.load(r.location)).checkpoint;
            reads++;
            if (!seen) throw new Error(`run store: while a checkpoint was written, ${r.location} had none (read ${reads})`);
            const d1 = stateDifference(first, seen);
            const d2 = stateDifference(second, seen);
            if (d1 && d2) throw new Error(`run store: while a checkpoint was written, read ${reads} found neither the previous nor the new one whole (epoch ${seen.epoch}: ${seen.epoch === 2 ? d2 : d1})`);
          }
        } finally {
          await writing;
        }
        const last = (await s.load(r.location)).checkpoint;
        const d = last ? stateDifference(second, last) : 'there is none';
        if (d) throw new Error(`run store: the checkpoint read back differs from the one written: ${d}`);
      },
    },
    {
      group: 'run store',
      name: 'a failed run says so',
      ...noStore,
      async run() {
        const s = await store();
        const { job } = kitJob(o.engine);
        const r = await s.begin(job, START);
        await r.fail(new Error('the conformance kit failed this run on purpose'));
        const st = await s.load(r.location);
        if (st.status !== 'failed') throw new Error(`run store: after fail(), ${r.location} has status ${st.status}, not failed`);
      },
    },
    {
      group: 'runner',
      name: 'a run records every epoch, a checkpoint and status completed',
      ...noStore,
      async run() {
        const { outcome, stored, events, job } = await run();
        const epochs = job.spec.training.epochs;
        if (outcome.status !== 'completed') throw new Error(`runner: the kit's run ended ${outcome.status}, not completed`);
        if (stored.status !== 'completed') throw new Error(`run store: a completed run is stored with status ${stored.status}`);
        if (stored.history.length !== epochs) throw new Error(`run store: a ${epochs}-epoch run is stored with ${stored.history.length} epochs`);
        if (stored.checkpoint?.epoch !== epochs) throw new Error(`run store: the last checkpoint of a ${epochs}-epoch run is of epoch ${stored.checkpoint?.epoch ?? 'none'}`);
        if (!stored.job || stored.job.id !== job.id) throw new Error(`run store: the stored run does not record its job ${job.id}`);
        const checkpoints = events.filter((e) => e.type === 'checkpoint').length;
        if (checkpoints !== epochs) throw new Error(`runner: ${checkpoints} checkpoint events for ${epochs} epochs`);
      },
    },
    {
      group: 'runner',
      name: 'a stop through an AbortSignal ends the run and keeps the last complete epoch',
      ...noStore,
      async run() {
        // stop in the middle of epoch 2 (batch events come every 10 batches, an epoch has 12)
        const { outcome, stored, events } = await run((e) => e.type === 'batch' && e.progress.epoch === 2 && e.progress.batch < e.progress.batches);
        const asked = events.some((e) => e.type === 'batch' && e.progress.epoch === 2 && e.progress.batch < e.progress.batches);
        if (!asked) throw new Error('runner: it reported no batch in the middle of epoch 2, so the kit could not stop the run there');
        if (outcome.status !== 'interrupted') throw new Error(`runner: a run stopped through its signal ended ${outcome.status}, not interrupted`);
        const after = events.filter((e) => e.type === 'epoch' && e.record.epoch >= 2).length;
        if (after) throw new Error('runner: epochs went on after the stop');
        if (stored.status !== 'interrupted') throw new Error(`run store: a stopped run is stored with status ${stored.status}, not interrupted`);
        if (stored.history.length !== 1) throw new Error(`run store: a run stopped in epoch 2 is stored with ${stored.history.length} epochs, not 1`);
        if (stored.checkpoint?.epoch !== 1 || stored.checkpoint.weightsFromEpoch !== 1) {
          throw new Error(`run store: a run stopped in epoch 2 keeps the checkpoint of epoch ${stored.checkpoint?.epoch ?? 'none'}, not 1`);
        }
      },
    },
  ];
}
