import type { ExperimentResult, ModelMetadata } from '@modelspec/core';
import { VERSION } from './version.js';

/** What a saved model records about itself, or null when the spec does not save models. */
export function modelMetadata(result: ExperimentResult): ModelMetadata | null {
  const { spec } = result;
  if (!spec.outputs.saveModel) return null;
  return {
    modelspecVersion: VERSION,
    spec,
    classNames: result.classNames,
    inputShape: result.inputShape,
    preprocess: { divideBy: spec.data.preprocess.divideBy, labels: spec.data.preprocess.labels },
    seed: spec.seed,
    engine: result.engine.name,
  };
}
