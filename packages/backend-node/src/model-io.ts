import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { registerCustomLayers, type ModelMetadata } from '@modelspec/core';
import { writeFileAtomic, writeJsonAtomic } from './fs-atomic.js';

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

/** Loads a model saved by `saveModelDir` (a folder, or the path of its model.json). */
export async function loadModelDir(location: string): Promise<{ model: tfl.LayersModel; metadata: ModelMetadata }> {
  registerCustomLayers();
  const jsonPath = location.endsWith('.json') ? location : join(location, MODEL_JSON);
  const json = JSON.parse(await readFile(jsonPath, 'utf8'));
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dirname(jsonPath), p))));
  const total = buffers.reduce((a, b) => a + b.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    weightData.set(b, off);
    off += b.length;
  }
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.flatMap((g) => g.weights),
      weightData: weightData.buffer,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
  const metadata = (json.userDefinedMetadata?.modelspec ?? null) as ModelMetadata | null;
  if (!metadata) throw new Error(`${jsonPath} has no modelspec metadata; it was not saved by modelspec`);
  return { model, metadata };
}
