import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelMetadata } from '@modelspec/core';
import { add, get } from './idb.js';

/** A saved model as IndexedDB keeps it: the tfjs artifacts, modelspec's metadata inside them. */
export interface StoredModel {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
  userDefinedMetadata: { modelspec: ModelMetadata };
  generatedBy?: string;
}

/** Saves a model under `key` (never over another); metadata goes where Node puts it, in `userDefinedMetadata.modelspec`. */
export async function saveModelRecord(db: IDBDatabase, model: tfl.LayersModel, key: string, metadata: ModelMetadata): Promise<void> {
  let record: StoredModel | null = null;
  model.setUserDefinedMetadata({ modelspec: metadata as unknown as tf.io.ModelJSON } as never);
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      record = {
        modelTopology: a.modelTopology,
        weightSpecs: a.weightSpecs ?? [],
        weightData: data,
        userDefinedMetadata: a.userDefinedMetadata as unknown as StoredModel['userDefinedMetadata'],
        ...(a.generatedBy ? { generatedBy: a.generatedBy } : {}),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  try {
    await add(db, 'models', key, record!);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'ConstraintError') throw new Error(`a model is already saved at ${key}; a model is never overwritten`);
    throw e;
  }
}

export async function loadModelRecord(db: IDBDatabase, key: string): Promise<{ model: tfl.LayersModel; metadata: ModelMetadata }> {
  const r = await get<StoredModel>(db, 'models', key);
  if (!r) throw new Error(`no model is saved at ${key}`);
  const metadata = r.userDefinedMetadata?.modelspec;
  if (!metadata || !Array.isArray(metadata.classNames)) throw new Error(`the model at ${key} has no modelspec metadata`);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: r.modelTopology as object, weightSpecs: r.weightSpecs, weightData: r.weightData, userDefinedMetadata: r.userDefinedMetadata as unknown as {} }),
  );
  return { model, metadata };
}

/** The model as tfjs layers files, as Node writes its model folder: model.json (with the metadata) and weights.bin. */
export function modelFiles(r: StoredModel): { 'model.json': string; 'weights.bin': ArrayBuffer } {
  const json = {
    format: 'layers-model',
    generatedBy: r.generatedBy ?? null,
    convertedBy: null,
    modelTopology: r.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: r.weightSpecs }],
    userDefinedMetadata: r.userDefinedMetadata,
  };
  return { 'model.json': JSON.stringify(json), 'weights.bin': r.weightData };
}
