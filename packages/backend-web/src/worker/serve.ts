/**
 * The worker side of browser training: core's run layer (`runEvents`) in a
 * Web Worker, its events posted to the page as they come. Import it in the
 * worker module and call `serveRuns(options)`.
 */
import { createPluginHost, errorData, runEvents, type Backend, type Registries, type PluginRecord, type loadSpecData } from '@modelspec/core';
import { webPlugin, type WebPluginOptions } from '../plugin.js';
import { IndexedDbRunStore } from '../store/run-store.js';
import type { WebDataOptions } from '../data/web-source.js';
import type { FromWorker, ToWorker } from './protocol.js';

export interface ServeOptions extends Omit<WebPluginOptions, 'data'> {
  /** The IndexedDB database runs and models go to (default "modelspec"). */
  database?: string;
}

interface Setup {
  key: string;
  registries: Registries;
  backend: Backend;
  plugins: PluginRecord[];
  dataCache: Map<string, ReturnType<typeof loadSpecData>>;
}

/** Same data options, same decoded datasets: a second run does not fetch, unzip and hash again. */
const dataKey = (d: WebDataOptions) => JSON.stringify({ baseUrl: d.baseUrl ?? null, files: (d.files ?? []).map((f) => [f.name, f.size, f.lastModified]) });

/** The part of a worker's global scope used here. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((e: MessageEvent) => unknown) | null;
}

export function serveRuns(opts: ServeOptions = {}, scope: WorkerScope = self as unknown as WorkerScope): void {
  const post = (m: FromWorker) => scope.postMessage(m);
  const store = new IndexedDbRunStore(opts.database);
  const stopped = new Set<number>();
  let setup: Setup | null = null;

  const setupFor = (data: WebDataOptions): Setup => {
    const key = dataKey(data);
    if (setup?.key === key) return setup;
    const host = createPluginHost([{ plugin: webPlugin({ ...opts, data }) }]);
    const backend = host.backends.get('web')!.create({ engines: host.engineList() });
    return (setup = { key, registries: host.registries, backend, plugins: host.records(), dataCache: new Map() });
  };

  scope.onmessage = async (m: MessageEvent<ToWorker>) => {
    const msg = m.data;
    try {
      if (msg.type === 'stop') stopped.add(msg.id);
      else if (msg.type === 'engines') post({ type: 'engines', id: msg.id, engines: await setupFor({}).backend.engines() });
      else if (msg.type === 'run') {
        const s = setupFor(msg.data);
        const flag = msg.stop ? new Int32Array(msg.stop) : null;
        // read between batches: the shared flag is seen at once; the message only when training yields (between epochs)
        const signal = { get aborted() { return stopped.has(msg.id) || (flag !== null && Atomics.load(flag, 0) === 1); } };
        for await (const event of runEvents(msg.job, { registries: s.registries, backend: s.backend, store, plugins: s.plugins, signal, dataCache: s.dataCache })) {
          post({ type: 'event', id: msg.id, event });
        }
        stopped.delete(msg.id);
        post({ type: 'done', id: msg.id });
      }
    } catch (e) {
      post({ type: 'error', id: msg.id, error: errorData(e) });
    }
  };
}
