import * as tf from '@tensorflow/tfjs-core';
import { ModelspecError, type Backend, type DataSource, type EngineStatus } from '@modelspec/core';
import { engineStatuses, nodeEngines, type Engine } from './engines/index.js';
import { NodeDataSource } from './data/node-source.js';
import { loadModelDir, saveModelDir } from './model-io.js';

export interface NodeBackendOptions {
  /** Engines best first; defaults to tensorflow > native > wasm > cpu. */
  engines?: readonly Engine[];
  /** Where dataset bytes come from; defaults to the file system search of `NodeDataSource`. */
  data?: DataSource;
  /** Directory of the spec file: relative dataset paths are resolved from here. */
  specDir?: string;
}

/** The Node.js backend: engine choice, dataset files, models on disk. */
export function nodeBackend(opts: NodeBackendOptions = {}): Backend {
  const engines = opts.engines ?? nodeEngines;
  const data = opts.data ?? new NodeDataSource({ specDir: opts.specDir });
  return {
    name: 'node',
    engines: () => engineStatuses(engines),
    async prepare({ engine } = {}) {
      const statuses = await engineStatuses(engines);
      let chosen: EngineStatus | undefined;
      if (engine) {
        chosen = statuses.find((s) => s.name === engine);
        if (!chosen) {
          throw new ModelspecError('unknown-engine', `unknown engine "${engine}"; this backend has ${statuses.map((s) => s.name).join(', ')}`);
        }
        if (!chosen.available) throw new ModelspecError('engine-unavailable', `engine ${engine} is not available: ${chosen.reason}`, chosen.fix);
      } else {
        chosen = statuses.find((s) => s.available);
        if (!chosen) throw new ModelspecError('no-engine', 'no tfjs engine is available');
      }
      await engines.find((e) => e.name === chosen!.name)!.activate();
      await tf.ready();
      return chosen;
    },
    data,
    saveModel: saveModelDir,
    loadModel: loadModelDir,
  };
}
