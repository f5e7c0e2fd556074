import type { LayerKind } from '../layers/kind.js';
import type { InitializerKind } from '../components/initializers.js';
import type { RegularizerKind } from '../components/regularizers.js';
import type { OptimizerKind } from '../components/optimizers.js';
import type { LossKind } from '../components/losses.js';
import type { MetricKind } from '../components/metrics.js';
import type { DatasetKind } from '../data/types.js';
import type { EngineKind } from '../engine/engine.js';
import type { Backend } from '../backend/backend.js';
import type { RunStore } from '../run/store.js';
import type { Plugin } from '../registry/registry.js';

/** The plugin contract's version: a plugin says which one it was written for, and a host refuses others. */
export const PLUGIN_API_VERSION = 1;

/** The version of modelspec's own packages, recorded in runs, models and reports. */
export const MODELSPEC_VERSION = '0.1.0';

/** What a backend kind is given to create a backend: the engines of the host (best first) and where the spec lives. */
export interface BackendContext {
  engines: readonly EngineKind[];
  /** Folder of the spec file, for relative dataset paths (Node). */
  specDir?: string;
}

/** A backend (Node, a browser, a third party's runtime) as a registry kind. */
export interface BackendKind extends Plugin {
  create(ctx: BackendContext): Backend;
  /** Its run store: run folders under `location` (Node), an IndexedDB database (a browser), ... */
  store?(location: string): RunStore;
}

/** Everything a plugin can add, each list going into the registry of its extension point. */
export interface PluginContributions {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  layers?: readonly LayerKind<any>[];
  initializers?: readonly InitializerKind<any>[];
  regularizers?: readonly RegularizerKind<any>[];
  optimizers?: readonly OptimizerKind<any>[];
  losses?: readonly LossKind<any>[];
  /* eslint-enable @typescript-eslint/no-explicit-any */
  metrics?: readonly MetricKind[];
  datasets?: readonly DatasetKind[];
  engines?: readonly EngineKind[];
  backends?: readonly BackendKind[];
}

export const CONTRIBUTIONS = ['layers', 'initializers', 'regularizers', 'optimizers', 'losses', 'metrics', 'datasets', 'engines', 'backends'] as const satisfies readonly (keyof PluginContributions)[];
export type ContributionKey = (typeof CONTRIBUTIONS)[number];

/**
 * A modelspec plugin: one object, named like its npm package
 * (`modelspec-plugin-acme`, `@scope/modelspec-plugin-x`), whose kinds are
 * namespaced in specs (`acme/swish`). modelspec's own built-ins are plugins
 * too (`@modelspec/core`, `@modelspec/backend-node`), registered the same way.
 */
export interface ModelspecPlugin extends PluginContributions {
  readonly name: string;
  readonly version: string;
  /** The PLUGIN_API_VERSION the plugin was written for. */
  readonly apiVersion: number;
  readonly description?: string;
}

/** Declares a plugin (an identity function that gives plugin authors the types; the host checks it on load). */
export function definePlugin<P extends ModelspecPlugin>(plugin: P): P {
  return plugin;
}

/**
 * The namespace of a plugin's kinds, from its name as ESLint derives a
 * plugin's prefix: `modelspec-plugin-acme` → `acme`,
 * `@s/modelspec-plugin-x` → `@s/x`, `@s/modelspec-plugin` → `@s`; any other
 * name is its own namespace. modelspec's own packages (`@modelspec/*`) have
 * none: their kinds are the built-in names.
 */
export function pluginNamespace(name: string): string | null {
  if (name.startsWith('@modelspec/')) return null;
  const scoped = /^(@[^/]+)\/(.+)$/.exec(name);
  if (scoped) {
    const [, scope, rest] = scoped;
    if (rest === 'modelspec-plugin') return scope!;
    if (rest!.startsWith('modelspec-plugin-')) return `${scope}/${rest!.slice('modelspec-plugin-'.length)}`;
    return name;
  }
  return name.startsWith('modelspec-plugin-') ? name.slice('modelspec-plugin-'.length) : name;
}

/**
 * The package a short plugin name stands for, as ESLint resolves plugin
 * names: `acme` → `modelspec-plugin-acme`, `@s/x` → `@s/modelspec-plugin-x`,
 * `@s` → `@s/modelspec-plugin`; full names stay as they are.
 */
export function pluginPackageName(name: string): string {
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/', 2) as [string, string | undefined];
    if (rest === undefined) return `${scope}/modelspec-plugin`;
    return rest.startsWith('modelspec-plugin') ? name : `${scope}/modelspec-plugin-${rest}`;
  }
  return name.startsWith('modelspec-plugin-') ? name : `modelspec-plugin-${name}`;
}
