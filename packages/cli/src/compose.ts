import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPluginHost, createSpecLoader, localExecutor, resumableExecutor, ModelspecError, type Backend, type Executor, type PluginEntry, type PluginHost, type Registries, type SpecLoader, type StopSignal } from '@modelspec/core';
import { findProjectConfig, FsRunStore, loadPlugin, nodePlugin } from '@modelspec/backend-node';
import { webgpuPlugin } from '@modelspec/engine-webgpu/node';
import { processPool, queueExecutor } from '@modelspec/queue';

/**
 * The one place the CLI composes modelspec: the built-in plugins, the
 * user's (from --plugin and the project config, by explicit opt-in only),
 * the plugin host, the spec loader, the backend and the run store. Commands
 * take what they need from here and only render.
 */
export interface Composition {
  host: PluginHost;
  reg: Registries;
  loader: SpecLoader;
  /** The config file the plugins came from, if any. */
  configFile: string | null;
  backend(specDir?: string): Backend;
  store(root: string): FsRunStore;
  /**
   * Runs jobs in this process, recording train jobs under `out`; unless
   * `fresh`, a job that already ran to the end is reused and an unfinished
   * one resumed (a re-run after a crash goes on where it stopped).
   * `queue`: on the workers of that Redis queue instead; `workers`: in that
   * many local processes (one trial each, sharing the cores).
   */
  executor(o: { specDir?: string; out: string; signal?: StopSignal; fresh?: boolean; queue?: string; workers?: number }): Executor;
  /** Starts `modelspec worker --ipc` with this process's plugins (a pool's process). */
  spawnWorker(args: string[]): ReturnType<typeof fork>;
  /** The threads a pool's processes share (processPool's `threads`); undefined when MODELSPEC_NATIVE_THREADS fixes them. */
  poolThreads: number | undefined;
}

const BIN = fileURLToPath(new URL('../bin/modelspec.js', import.meta.url));

/**
 * The threads a pool's trials share: the cores (at most 8, as the native
 * engine's own default), unless MODELSPEC_NATIVE_THREADS fixes each
 * process's count.
 */
const poolThreads = (): number | undefined => (process.env['MODELSPEC_NATIVE_THREADS'] ? undefined : Math.max(1, Math.min(availableParallelism(), 8)));

function composition(host: PluginHost, configFile: string | null, pluginArgs: string[] = []): Composition {
  const threads = poolThreads();
  const spawnWorker = (args: string[]) =>
    fork(BIN, [...pluginArgs.flatMap((p) => ['--plugin', p]), 'worker', '--ipc', ...args], {
      // each process starts every thread it may get; the pool tells it its share (see processPool's threads)
      env: { ...process.env, MODELSPEC_NATIVE_THREADS: process.env['MODELSPEC_NATIVE_THREADS'] ?? String(threads) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // structured clone, not JSON: a score or loss that is NaN (a fold stopped part-way, a diverged run) stays NaN
      serialization: 'advanced',
    });
  const backendKind = host.backends.get('node');
  if (!backendKind) throw new ModelspecError('no-backend', 'no "node" backend is registered');
  const backend = (specDir?: string) => backendKind.create({ engines: host.engineList(), specDir });
  const store = (root: string) => new FsRunStore(resolve(root));
  return {
    host,
    reg: host.registries,
    loader: createSpecLoader(host.registries),
    configFile,
    backend,
    store,
    spawnWorker,
    poolThreads: threads,
    executor: (o) => {
      if (o.queue) return queueExecutor({ url: o.queue, ...(o.fresh ? { fresh: true } : {}), ...(o.signal ? { signal: o.signal } : {}) });
      if (o.workers && o.workers > 1) {
        const args = ['--out', resolve(o.out), ...(o.specDir ? ['--spec-dir', o.specDir] : [])];
        return processPool({ size: o.workers, spawn: () => spawnWorker(args), ...(threads ? { threads } : {}), ...(o.signal ? { signal: o.signal } : {}) }).executor(!!o.fresh);
      }
      const ctx = { registries: host.registries, backend: backend(o.specDir), store: store(o.out), plugins: host.records(), ...(o.signal ? { signal: o.signal } : {}) };
      return o.fresh ? localExecutor(ctx) : resumableExecutor(ctx);
    },
  };
}

let current: Composition | null = null;

/** Loads the plugins the user opted into (the project config's, then --plugin's) and composes everything once per process. */
export async function compose(o: { plugins?: string[]; cwd?: string } = {}): Promise<Composition> {
  const cwd = o.cwd ?? process.cwd();
  const config = await findProjectConfig(cwd);
  const entries: PluginEntry[] = [{ plugin: nodePlugin, source: null }, { plugin: webgpuPlugin, source: null }];
  const seen = new Set<string>();
  const add = async (name: string, base: string) => {
    const key = `${base}\0${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push(await loadPlugin(name, base));
  };
  for (const name of config?.plugins ?? []) await add(name, dirname(config!.file));
  for (const name of o.plugins ?? []) await add(name, cwd);
  current = composition(createPluginHost(entries), config?.file ?? null, o.plugins ?? []);
  return current;
}

/** The composition of this process (the built-ins only, until `compose` has loaded the user's plugins). */
export function composed(): Composition {
  current ??= composition(createPluginHost([{ plugin: nodePlugin, source: null }, { plugin: webgpuPlugin, source: null }]), null);
  return current;
}
