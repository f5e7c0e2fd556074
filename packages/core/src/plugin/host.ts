import * as tf from '@tensorflow/tfjs-core';
import { Kind, type TObject } from '@sinclair/typebox';
import type { LayerKind } from '../layers/kind.js';
import { PluginError } from '../errors.js';
import { Registry, suggest, type Plugin } from '../registry/registry.js';
import { emptyRegistries, type Registries } from '../spec/registries.js';
import { sortEngines, type EngineKind } from '../engine/engine.js';
import { corePlugin } from './builtins.js';
import { CONTRIBUTIONS, PLUGIN_API_VERSION, pluginNamespace, type BackendKind, type ContributionKey, type ModelspecPlugin } from './define.js';

/** A plugin as loaded: who it is, where it came from, and the (namespaced) kinds it added. */
export interface LoadedPlugin {
  name: string;
  version: string;
  apiVersion: number;
  description: string;
  /** The kinds' namespace (`acme`), or null for modelspec's own packages. */
  namespace: string | null;
  /** How the user named it (`acme`, `./plugins/acme`), or null for the built-ins. */
  source: string | null;
  adds: Partial<Record<ContributionKey, string[]>>;
}

/** What a run, a saved model and a report record about the plugins they used. */
export interface PluginRecord {
  name: string;
  version: string;
}

export interface PluginHost {
  /** Built-ins first, then the user's plugins in the order given. */
  readonly plugins: readonly LoadedPlugin[];
  readonly registries: Registries;
  readonly engines: Registry<EngineKind>;
  readonly backends: Registry<BackendKind>;
  /** Engines best first (priority, then registration order). */
  engineList(): EngineKind[];
  /** The loaded plugin whose namespace a kind's name carries. */
  providerOf(type: string): LoadedPlugin | undefined;
  /** name and version of every plugin (built-ins included), for records. */
  records(): PluginRecord[];
}

/** A plugin to load, with how the user named it. */
export interface PluginEntry {
  plugin: unknown;
  source?: string | null;
}

const META_KEYS = ['name', 'version', 'apiVersion', 'description'];
const SEMVER = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Kinds with a params schema hold to the same rules as the built-ins: every field described, every optional one with a literal default. */
function checkParams(plugin: string, what: string, k: Plugin & { params?: TObject }): void {
  const params = k.params;
  if (!params || params[Kind] !== 'Object' || params.type !== 'object') throw new PluginError(plugin, `${what} "${k.type}": params must be a TypeBox object schema (Type.Object)`);
  for (const [key, field] of Object.entries(params.properties ?? {})) {
    const f = field as { description?: string; default?: unknown };
    if (!f.description) throw new PluginError(plugin, `${what} "${k.type}": param "${key}" needs a description`);
    if (!(params.required ?? []).includes(key) && !('default' in f)) throw new PluginError(plugin, `${what} "${k.type}": optional param "${key}" needs a literal default`);
  }
}

const fn = (v: unknown) => typeof v === 'function';

function checkEngine(plugin: string, e: EngineKind): void {
  const bad = (m: string) => new PluginError(plugin, `engine "${e.type}": ${m}`);
  if (typeof e.priority !== 'number' || !Number.isFinite(e.priority)) throw bad('priority must be a number');
  if (typeof e.tfjsBackend !== 'string' || !e.tfjsBackend) throw bad('tfjsBackend must name the tfjs backend it activates');
  if (!Array.isArray(e.environments) || !e.environments.every((x) => x === 'node' || x === 'browser')) throw bad('environments must list "node" and/or "browser"');
  if (!fn(e.probe) || !fn(e.activate)) throw bad('needs probe() and activate()');
  const c = e.capabilities;
  if (!c || !Array.isArray(c.kernels) || !Array.isArray(c.missingTrainingKernels) || !Array.isArray(c.dtypes)) throw bad('capabilities must list kernels, missingTrainingKernels and dtypes');
  const d = c.determinism;
  if (!d || !(d.class === 'bit-identical' || (d.class === 'tolerance' && typeof d.relative === 'number' && d.relative > 0))) {
    throw bad('capabilities.determinism must be {class: "bit-identical"} or {class: "tolerance", relative: <number > 0>}');
  }
  if (e.optimizer !== undefined && !fn(e.optimizer)) throw bad('optimizer must be a function');
}

/** The checks each extension point makes beyond its registry's own. */
const EXTRA_CHECKS: Partial<Record<ContributionKey, (plugin: string, k: never) => void>> = {
  initializers: (p, k: Plugin & { params?: TObject }) => checkParams(p, 'initializer', k),
  regularizers: (p, k: Plugin & { params?: TObject }) => checkParams(p, 'regularizer', k),
  optimizers: (p, k: Plugin & { params?: TObject; build?: unknown }) => {
    checkParams(p, 'optimizer', k);
    if (!fn(k.build)) throw new PluginError(p, `optimizer "${k.type}": needs build()`);
  },
  losses: (p, k: Plugin & { params?: TObject }) => checkParams(p, 'loss', k),
  metrics: (p, k: Plugin & { sum?: unknown }) => {
    if (!fn(k.sum)) throw new PluginError(p, `metric "${k.type}": needs sum()`);
  },
  engines: (p, k: EngineKind) => checkEngine(p, k),
  backends: (p, k: BackendKind) => {
    if (!fn(k.create)) throw new PluginError(p, `backend "${k.type}": needs create()`);
  },
};

/** The plugin object's own shape: name, version, apiVersion, known contribution lists. */
function checkShape(value: unknown, source: string | null): ModelspecPlugin {
  const who = source ?? 'plugin';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PluginError(who, 'does not export a plugin object (export default definePlugin({...}))');
  }
  const p = value as Record<string, unknown>;
  const name = p['name'];
  if (typeof name !== 'string' || !PACKAGE_NAME.test(name)) throw new PluginError(who, 'needs a name, spelled like an npm package (modelspec-plugin-acme)');
  if (typeof p['version'] !== 'string' || !SEMVER.test(p['version'])) throw new PluginError(name, 'needs a semver version ("1.0.0")');
  if (p['apiVersion'] !== PLUGIN_API_VERSION) {
    throw new PluginError(
      name,
      typeof p['apiVersion'] === 'number'
        ? `was written for plugin API ${p['apiVersion']}; this modelspec has plugin API ${PLUGIN_API_VERSION}`
        : `needs apiVersion: ${PLUGIN_API_VERSION} (the plugin API it was written for)`,
    );
  }
  for (const key of Object.keys(p)) {
    if (META_KEYS.includes(key) || (CONTRIBUTIONS as readonly string[]).includes(key)) continue;
    const near = suggest(key, [...CONTRIBUTIONS, ...META_KEYS]);
    throw new PluginError(name, `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; a plugin may contribute ${CONTRIBUTIONS.join(', ')}`);
  }
  for (const key of CONTRIBUTIONS) {
    const list = p[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((k) => typeof k === 'object' && k !== null)) throw new PluginError(name, `${key} must be a list of kind objects`);
  }
  return value as ModelspecPlugin;
}

/**
 * Registers a plugin's own layer classes with tfjs under its package name.
 * tfjs writes a class's static `className` into model.json and loads by it,
 * so the class is named `<plugin>>Name` (set here when the plugin wrote
 * just `Name`): two plugins' `Swish` classes never collide, and a model
 * names the plugin it needs.
 */
const registeredClasses = new WeakSet<object>();

function registerLayerClasses(plugin: string, layers: readonly LayerKind[]): void {
  for (const cls of layers.flatMap((l) => l.classes ?? [])) {
    if (typeof cls !== 'function' || typeof cls.className !== 'string' || !cls.className) throw new PluginError(plugin, 'a layer class needs a static className');
    const prefix = `${plugin}>`;
    if (cls.className.includes('>') && !cls.className.startsWith(prefix)) throw new PluginError(plugin, `layer class ${cls.className} is named for another package; name it ${prefix}<Name> or just <Name>`);
    const short = cls.className.startsWith(prefix) ? cls.className.slice(prefix.length) : cls.className;
    if (!cls.className.startsWith(prefix)) Object.defineProperty(cls, 'className', { value: `${prefix}${short}`, configurable: true });
    // (getRegisteredName answers the className for a class never registered, so it cannot tell)
    if (!registeredClasses.has(cls)) tf.serialization.registerClass(cls as never, plugin, short);
    registeredClasses.add(cls);
  }
}

/** A kind under its namespaced name; everything else is the plugin's own object. */
function namespaced<T extends Plugin>(kind: T, ns: string | null): T {
  if (ns === null) return kind;
  if (typeof kind.type !== 'string' || kind.type.includes('/')) return kind; // the registry refuses it with the reason
  return Object.create(kind, { type: { value: `${ns}/${kind.type}`, enumerable: true } }) as T;
}

/**
 * Loads plugins into one set of registries: modelspec's built-in kinds first
 * (through this same path), then each plugin's, namespaced. Every plugin is
 * checked as it loads (shape, apiVersion, each kind, duplicate names), and a
 * broken one raises a PluginError naming it and what is wrong.
 */
export function createPluginHost(entries: readonly PluginEntry[] = []): PluginHost {
  const all: PluginEntry[] = [{ plugin: corePlugin, source: null }, ...entries];
  let registries = emptyRegistries();
  let engines = new Registry<EngineKind>('engine', []);
  let backends = new Registry<BackendKind>('backend', []);
  const loaded: LoadedPlugin[] = [];

  for (const entry of all) {
    const p = checkShape(entry.plugin, entry.source ?? null);
    const dup = loaded.find((l) => l.name === p.name);
    if (dup) throw new PluginError(p.name, `is loaded twice${entry.source ? ` (as ${entry.source}${dup.source ? ` and ${dup.source}` : ''})` : ''}`);
    const ns = pluginNamespace(p.name);
    const adds: LoadedPlugin['adds'] = {};
    try {
      for (const key of CONTRIBUTIONS) {
        const kinds = (p[key] ?? []).map((k) => namespaced(k as Plugin, ns));
        if (!kinds.length) continue;
        for (const k of kinds) EXTRA_CHECKS[key]?.(p.name, k as never);
        if (key === 'engines') engines = engines.with(...(kinds as EngineKind[]));
        else if (key === 'backends') backends = backends.with(...(kinds as BackendKind[]));
        else registries = { ...registries, [key]: (registries[key] as unknown as Registry<Plugin>).with(...kinds) };
        adds[key] = kinds.map((k) => k.type);
      }
    } catch (e) {
      // A kind's own problem names the kind; say which plugin brought it.
      if (e instanceof PluginError && e.plugin !== p.name) throw new PluginError(p.name, `${e.plugin}: ${e.message.replace(/^plugin [^:]+: /, '')}`);
      throw e;
    }
    registerLayerClasses(p.name, (p.layers ?? []) as LayerKind[]);
    loaded.push({ name: p.name, version: p.version, apiVersion: p.apiVersion, description: p.description ?? '', namespace: ns, source: entry.source ?? null, adds });
  }

  const regs = registries;
  return {
    plugins: loaded,
    registries: regs,
    engines,
    backends,
    engineList: () => sortEngines(engines.values()),
    providerOf: (type) => {
      const i = type.lastIndexOf('/');
      if (i < 0) return undefined;
      const ns = type.slice(0, i);
      return loaded.find((l) => l.namespace === ns);
    },
    records: () => loaded.map((l) => ({ name: l.name, version: l.version })),
  };
}

/** The built-in registries (modelspec's own kinds, loaded through the plugin host). */
export function builtinRegistries(): Registries {
  return createPluginHost().registries;
}
