import { engineChooser, type Backend, type DataSource, type EngineKind } from '@modelspec/core';
import { WebDataSource, type WebDataOptions } from './data/web-source.js';
import { loadModelRecord, saveModelRecord } from './store/models.js';
import { openDatabase } from './store/idb.js';
import { DEFAULT_DATABASE } from './store/run-store.js';

export interface WebBackendOptions {
  /** The engines to choose from (the plugin host's, plugins included). */
  engines: readonly EngineKind[];
  /** Where dataset bytes come from; default a `WebDataSource` over `dataOptions`. */
  data?: DataSource;
  dataOptions?: WebDataOptions;
  /** The IndexedDB database models are kept in (default "modelspec", the run store's). */
  database?: string;
}

/** The browser backend: engine choice as Node chooses, datasets from URLs and files, models in IndexedDB. */
export function webBackend(opts: WebBackendOptions): Backend {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => (db ??= openDatabase(opts.database ?? DEFAULT_DATABASE));
  return {
    name: 'web',
    ...engineChooser(opts.engines),
    data: opts.data ?? new WebDataSource(opts.dataOptions),
    saveModel: async (model, location, metadata) => saveModelRecord(await open(), model, location, metadata),
    loadModel: async (location) => loadModelRecord(await open(), location),
  };
}
