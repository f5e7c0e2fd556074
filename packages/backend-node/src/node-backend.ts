import { engineChooser, type Backend, type DataSource, type EngineKind } from '@modelspec/core';
import { nodeEngines } from './engines/index.js';
import { NodeDataSource } from './data/node-source.js';
import { loadModelDir, saveModelDir } from './model-io.js';

export interface NodeBackendOptions {
  /** The engines to choose from (the plugin host's, plugins included); defaults to Node's built-in ones. */
  engines?: readonly EngineKind[];
  /** Where dataset bytes come from; defaults to the file system search of `NodeDataSource`. */
  data?: DataSource;
  /** Directory of the spec file: relative dataset paths are resolved from here. */
  specDir?: string;
}

/** The Node.js backend: engine choice, dataset files, models on disk. */
export function nodeBackend(opts: NodeBackendOptions = {}): Backend {
  const chooser = engineChooser(opts.engines ?? nodeEngines);
  return {
    name: 'node',
    ...chooser,
    data: opts.data ?? new NodeDataSource({ specDir: opts.specDir }),
    saveModel: saveModelDir,
    loadModel: loadModelDir,
  };
}
