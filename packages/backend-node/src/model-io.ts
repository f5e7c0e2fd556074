import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { ModelspecError, registerCustomLayers, type ModelMetadata } from '@modelspec/core';
import { writeFileAtomic, writeJsonAtomic } from './fs-atomic.js';
import { BoundedReadError, describeProblem, formatSize, readFileBounded } from './read-bounded.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Saves a model in the tfjs layers format (model.json + weights.bin, loadable
 * by `tf.loadLayersModel`), with modelspec's metadata in `userDefinedMetadata`.
 * The folder appears whole or not at all: written beside, then renamed.
 */
export async function saveModelDir(model: tfl.LayersModel, dir: string, metadata: ModelMetadata): Promise<void> {
  if (await stat(dir).then(() => true, () => false)) throw new Error(`${dir} already exists; a model is never overwritten`);
  const tmp = join(dirname(dir), `.${basename(dir)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    model.setUserDefinedMetadata({ modelspec: metadata as unknown as tf.io.ModelJSON } as never);
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
        await writeFileAtomic(join(tmp, WEIGHTS_BIN), weights);
        await writeJsonAtomic(join(tmp, MODEL_JSON), {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
          userDefinedMetadata: artifacts.userDefinedMetadata,
        });
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** model.json holds the topology and a short manifest: a few MiB at most for any model modelspec trains. */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Far above the largest model a spec here describes, far below what hurts a machine. */
const MAX_WEIGHT_BYTES = 2 * 1024 ** 3;
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
const BAD_MODEL_HINT = 'Use a model folder as `modelspec train` saved it (the model/ folder of a run folder), or train again.';

const badModel = (file: string, message: string) => new ModelspecError('bad-model', `${file}: ${message}`, BAD_MODEL_HINT);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** A read refused by `readFileBounded`, as an error about the model. */
async function readModelFile(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    return await readFileBounded(path, maxBytes);
  } catch (e) {
    if (e instanceof BoundedReadError) throw badModel(path, describeProblem(e.problem));
    throw e;
  }
}

/** The manifest's weight specs and files, checked before anything is read or allocated. */
function checkManifest(json: Record<string, unknown>, jsonPath: string): { specs: tf.io.WeightsManifestEntry[]; paths: string[]; bytes: number } {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((g) => isRecord(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw badModel(jsonPath, 'its weightsManifest is missing or not a list of { paths, weights }');
  }
  const groups = manifest as { paths: unknown[]; weights: unknown[] }[];
  const paths = groups.flatMap((g) => g.paths);
  if (!paths.every((p) => typeof p === 'string' && p.length > 0)) throw badModel(jsonPath, 'its weightsManifest has a weight file path that is not a file name');
  const specs = groups.flatMap((g) => g.weights);
  let bytes = 0;
  for (const w of specs) {
    if (!isRecord(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every(isCount) || typeof w.dtype !== 'string') {
      throw badModel(jsonPath, `weight ${JSON.stringify(isRecord(w) ? w.name : w)} has no valid name, shape (a list of sizes) and dtype`);
    }
    const quantized = isRecord(w.quantization) ? w.quantization.dtype : undefined;
    const per = BYTES_PER_ELEMENT[typeof quantized === 'string' ? quantized : w.dtype];
    if (per === undefined) throw badModel(jsonPath, `weight "${w.name}" has dtype ${String(quantized ?? w.dtype)}, which modelspec does not read`);
    bytes += (w.shape as number[]).reduce((a, d) => a * d, 1) * per;
  }
  if (bytes > MAX_WEIGHT_BYTES) throw badModel(jsonPath, `its weights need ${formatSize(bytes)}, more than the ${formatSize(MAX_WEIGHT_BYTES)} a model here can have (a shape is wrong)`);
  return { specs: specs as tf.io.WeightsManifestEntry[], paths: paths as string[], bytes };
}

/** A weight file's path: inside the model folder, links resolved, or refused. */
async function weightFile(dir: string, realDir: string, p: string, jsonPath: string): Promise<string> {
  const abs = resolve(dir, p);
  const inside = (root: string, path: string) => {
    const rel = relative(root, path);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  const real = await realpath(abs).catch(() => abs); // a missing file is reported when it is read
  if (isAbsolute(p) || !inside(dir, abs) || !inside(realDir, real)) throw badModel(jsonPath, `weight file "${p}" is outside the model folder`);
  return abs;
}

/** The modelspec metadata the commands use, checked, so a hand-edited file cannot fail later with a TypeError. */
function checkMetadata(json: Record<string, unknown>, jsonPath: string): ModelMetadata {
  const udm = json.userDefinedMetadata;
  const m = isRecord(udm) ? udm.modelspec : undefined;
  if (!isRecord(m)) throw badModel(jsonPath, 'has no modelspec metadata; it was not saved by modelspec');
  const wrong = (field: string, what: string) => badModel(jsonPath, `its modelspec metadata has no valid ${field} (${what})`);
  if (!Array.isArray(m.classNames) || !m.classNames.length || !m.classNames.every((c) => typeof c === 'string')) throw wrong('classNames', 'a list of names');
  if (!Array.isArray(m.inputShape) || !m.inputShape.length || !m.inputShape.every((d) => isCount(d) && d > 0)) throw wrong('inputShape', 'a list of sizes');
  const pre = m.preprocess;
  if (!isRecord(pre) || typeof pre.divideBy !== 'number' || !(pre.divideBy > 0)) throw wrong('preprocess.divideBy', 'a positive number');
  return m as unknown as ModelMetadata;
}

/**
 * Loads a model saved by `saveModelDir` (a folder, or the path of its
 * model.json). Everything in the folder is input to check: model.json's
 * size and form, weight paths inside the folder, weight files that are
 * regular files of exactly the size the manifest's shapes need. Any problem
 * is one ModelspecError naming the file.
 */
export async function loadModelDir(location: string): Promise<{ model: tfl.LayersModel; metadata: ModelMetadata }> {
  registerCustomLayers();
  const jsonPath = location.endsWith('.json') ? location : join(location, MODEL_JSON);
  const text = new TextDecoder().decode(await readModelFile(jsonPath, MAX_MODEL_JSON_BYTES));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badModel(jsonPath, `not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(json) || !isRecord(json.modelTopology)) throw badModel(jsonPath, 'not a model saved by modelspec (no modelTopology)');
  const metadata = checkMetadata(json, jsonPath);
  const { specs, paths, bytes } = checkManifest(json, jsonPath);
  const dir = resolve(dirname(jsonPath));
  const realDir = await realpath(dir);
  const files = await Promise.all(paths.map((p) => weightFile(dir, realDir, p, jsonPath)));
  const weightData = new Uint8Array(bytes);
  let off = 0;
  for (const f of files) {
    // each file at most what is left to fill: a longer one is refused before it is read
    let b: Uint8Array;
    try {
      b = await readFileBounded(f, bytes - off);
    } catch (e) {
      if (!(e instanceof BoundedReadError)) throw e;
      if (e.problem.kind === 'too-large') throw sizeMismatch(jsonPath, files, bytes, off + e.problem.size);
      throw badModel(f, describeProblem(e.problem));
    }
    weightData.set(b, off);
    off += b.length;
  }
  if (off !== bytes) throw sizeMismatch(jsonPath, files, bytes, off);
  try {
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer, userDefinedMetadata: json.userDefinedMetadata as {} }));
    return { model, metadata };
  } catch (e) {
    // A layer class a plugin registered under its package name (`modelspec-plugin-acme>Swish`) and the plugin is not loaded
    const unknown = /Unknown layer: ([^\s>]+)>(\w+)/.exec((e as Error).message);
    if (unknown) {
      const [, plugin, cls] = unknown;
      throw new ModelspecError('plugin-not-loaded', `${jsonPath}: the model has the layer ${cls} of the plugin ${plugin}, which is not loaded`, `load it with --plugin ${plugin} (or list it under "plugins" in modelspec.config.json)`);
    }
    throw badModel(jsonPath, `tfjs cannot load the model it describes (${(e as Error).message})`);
  }
}

function sizeMismatch(jsonPath: string, files: string[], need: number, have: number): ModelspecError {
  const what = files.length === 1 ? `${basename(files[0]!)} holds` : `the ${files.length} weight files hold${have > need ? ' at least' : ''}`;
  return badModel(jsonPath, `${what} ${have} bytes; the weights model.json lists need ${need} bytes (a truncated, empty or foreign weight file)`);
}

/**
 * The SHA-256 of a model's weights as core records it when training ends
 * (`weightsSha256` in run.json and metrics.json): every weight's float32
 * bytes, in `model.weights` order. Must stay the same as core's
 * `sha256OfWeights` (training/experiment.ts).
 */
export async function weightsSha256(model: tfl.LayersModel): Promise<string> {
  const hash = createHash('sha256');
  for (const w of model.weights) {
    const data = (await w.read().data()) as Float32Array;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

/** Refuses a model whose weights are not the ones `record` (a run's run.json, say) says training ended with. */
export async function verifyWeights(model: tfl.LayersModel, expected: string, record: string): Promise<void> {
  const actual = await weightsSha256(model);
  if (actual === expected) return;
  throw new ModelspecError(
    'weights-mismatch',
    `the model's weights are not the ones ${record} recorded (weightsSha256 ${expected.slice(0, 12)}…, the model has ${actual.slice(0, 12)}…): the model folder was changed after training`,
    'Use the model as training saved it: train again, or restore the run folder from a copy.',
  );
}
