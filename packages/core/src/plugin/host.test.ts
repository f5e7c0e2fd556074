import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Type } from '@sinclair/typebox';
import { PluginError } from '../errors.js';
import { defineLayer, single } from '../layers/kind.js';
import { builtinLayers } from '../layers/index.js';
import { createPluginHost } from './host.js';
import { definePlugin, pluginNamespace, pluginPackageName, PLUGIN_API_VERSION } from './define.js';

const swish = defineLayer({
  type: 'swish',
  description: 'x * sigmoid(beta x)',
  arity: 1,
  params: Type.Object({ beta: Type.Number({ default: 1, description: 'Slope.' }) }),
  infer: (_p, inputs) => ({ shape: single(inputs), trainable: 0, nonTrainable: 0 }),
  build: (_p, ctx) => tfl.layers.activation({ activation: 'swish' as never, name: ctx.name }),
});
const acme = definePlugin({ name: 'modelspec-plugin-acme', version: '1.2.3', apiVersion: PLUGIN_API_VERSION, layers: [swish] });

const thrown = (f: () => unknown): PluginError => {
  try {
    f();
  } catch (e) {
    if (e instanceof PluginError) return e;
    throw e;
  }
  throw new Error('expected a PluginError');
};

describe('plugin names, as ESLint resolves them', () => {
  it.each([
    ['acme', 'modelspec-plugin-acme', 'acme'],
    ['modelspec-plugin-acme', 'modelspec-plugin-acme', 'acme'],
    ['@s/x', '@s/modelspec-plugin-x', '@s/x'],
    ['@s', '@s/modelspec-plugin', '@s'],
    ['@s/modelspec-plugin-x', '@s/modelspec-plugin-x', '@s/x'],
  ])('%s → package %s, namespace %s', (short, pkg, ns) => {
    expect(pluginPackageName(short)).toBe(pkg);
    expect(pluginNamespace(pkg)).toBe(ns);
  });
  it("modelspec's own packages have no namespace", () => expect(pluginNamespace('@modelspec/backend-node')).toBeNull());
});

describe('createPluginHost', () => {
  it('registers the built-ins through the plugin contract, under their plain names', () => {
    const host = createPluginHost();
    expect(host.plugins.map((p) => p.name)).toEqual(['@modelspec/core']);
    expect(host.registries.layers.names()).toEqual(Object.keys(builtinLayers));
    expect(host.plugins[0]!.adds.layers).toEqual(Object.keys(builtinLayers));
  });

  it("namespaces a plugin's kinds and records what it adds", () => {
    const host = createPluginHost([{ plugin: acme, source: 'acme' }]);
    expect(host.registries.layers.has('acme/swish')).toBe(true);
    expect(host.registries.layers.has('swish')).toBe(false);
    expect(host.registries.layers.get('acme/swish')!.description).toBe('x * sigmoid(beta x)');
    expect(host.plugins[1]).toMatchObject({ name: 'modelspec-plugin-acme', version: '1.2.3', namespace: 'acme', source: 'acme', adds: { layers: ['acme/swish'] } });
    expect(host.providerOf('acme/swish')?.name).toBe('modelspec-plugin-acme');
    expect(host.records()).toContainEqual({ name: 'modelspec-plugin-acme', version: '1.2.3' });
  });

  it("registers a plugin's own layer class under its package name, as tfjs will save and load it", () => {
    class Gate extends tfl.layers.Layer {
      static className = 'Gate';
    }
    const withClass = definePlugin({ name: 'modelspec-plugin-gates', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, layers: [defineLayer({ ...swish, type: 'gate', classes: [Gate] })] });
    createPluginHost([{ plugin: withClass }]);
    expect(Gate.className).toBe('modelspec-plugin-gates>Gate');
    expect(tf.serialization.getRegisteredName(Gate as never)).toBe('modelspec-plugin-gates>Gate');
    // and tfjs finds it by that name when it loads a model
    expect(tf.serialization.SerializationMap.getMap().classNameMap['modelspec-plugin-gates>Gate']?.[0]).toBe(Gate);
    class Prefixed extends tfl.layers.Layer {
      static className = 'modelspec-plugin-gates>Prefixed';
    }
    createPluginHost([{ plugin: { ...withClass, layers: [defineLayer({ ...swish, type: 'gate', classes: [Prefixed] })] } }]);
    expect(tf.serialization.SerializationMap.getMap().classNameMap['modelspec-plugin-gates>Prefixed']?.[0]).toBe(Prefixed);
    class Foreign extends tfl.layers.Layer {
      static className = 'other-package>Gate';
    }
    expect(thrown(() => createPluginHost([{ plugin: { ...withClass, layers: [defineLayer({ ...swish, type: 'gate', classes: [Foreign] })] } }])).message).toMatch(/layer class other-package>Gate is named for another package/);
  });

  it('refuses a plugin written for another API version, naming it', () => {
    const e = thrown(() => createPluginHost([{ plugin: { ...acme, apiVersion: 99 } }]));
    expect(e.message).toBe(`plugin modelspec-plugin-acme: was written for plugin API 99; this modelspec has plugin API ${PLUGIN_API_VERSION}`);
  });

  it('refuses a misspelled contribution with a did-you-mean', () => {
    const e = thrown(() => createPluginHost([{ plugin: { name: 'x', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, layer: [swish] } }]));
    expect(e.message).toMatch(/^plugin x: unknown key "layer" \(did you mean "layers"\?\)/);
  });

  it('refuses something that is not a plugin, naming where it came from', () => {
    expect(thrown(() => createPluginHost([{ plugin: 42, source: './p.js' }])).message).toMatch(/^plugin \.\/p\.js: does not export a plugin object/);
    expect(thrown(() => createPluginHost([{ plugin: { name: 'x', version: 'one', apiVersion: 1 } }])).message).toBe('plugin x: needs a semver version ("1.0.0")');
  });

  it('refuses the same plugin twice and two kinds with one name', () => {
    expect(thrown(() => createPluginHost([{ plugin: acme, source: 'acme' }, { plugin: acme, source: './acme' }])).message).toMatch(/is loaded twice/);
    const twice = definePlugin({ ...acme, layers: [swish, swish] });
    expect(thrown(() => createPluginHost([{ plugin: twice }])).message).toBe('plugin modelspec-plugin-acme: acme/swish: a layer named "acme/swish" is already registered');
  });

  it("holds a plugin's kinds to the built-ins' rules", () => {
    const noDefault = defineLayer({ ...swish, params: Type.Object({ beta: Type.Optional(Type.Number({ description: 'Slope.' })) }) });
    expect(thrown(() => createPluginHost([{ plugin: { ...acme, layers: [noDefault] } }])).message).toBe('plugin modelspec-plugin-acme: acme/swish: optional param "beta" needs a literal default');
    const engine = { type: 'fast', description: 'd', priority: 1, tfjsBackend: 'cpu', environments: ['node'], probe: async () => ({ available: true }), activate: async () => {}, capabilities: { kernels: [], missingTrainingKernels: [], dtypes: ['float32'], determinism: { class: 'sometimes' } } };
    expect(thrown(() => createPluginHost([{ plugin: { ...acme, layers: [], engines: [engine] } }])).message).toMatch(/^plugin modelspec-plugin-acme: engine "acme\/fast": capabilities.determinism must be/);
  });
});
