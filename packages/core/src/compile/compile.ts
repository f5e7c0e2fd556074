import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { buildInitializer } from '../components/initializers.js';
import { buildRegularizer } from '../components/regularizers.js';
import { registerCustomLayers } from '../layers/seeded-dropout.js';
import { deriveSeed } from '../random.js';
import type { Registries } from '../spec/registries.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import type { ModelGraph } from '../check/graph.js';

/**
 * The resolved, checked spec as a tfjs functional model. Both spec forms
 * compile the same way; every random initializer gets a seed derived from the
 * spec seed and the weight's place, so a seed fixes the initial weights.
 */
export function compileModel(spec: ResolvedModelSpec, graph: ModelGraph, reg: Registries, seed = spec.seed): tfl.LayersModel {
  registerCustomLayers();
  const tensors = new Map<string, SymbolicTensor>();
  for (const node of graph.nodes) {
    const kind = reg.layers.get(node.type)!;
    const layerSeed = deriveSeed(seed, 'layer', node.index, node.name);
    const layer = kind.build(node.params as never, {
      name: node.name,
      seed: layerSeed,
      initializer: (s, salt) => buildInitializer(reg.initializers, s, deriveSeed(layerSeed, salt)),
      regularizer: (s) => buildRegularizer(reg.regularizers, s),
    });
    let out: SymbolicTensor;
    if (kind.arity === 0) {
      // An InputLayer creates its own symbolic tensor (what `tf.input()` returns).
      out = (layer as unknown as { inboundNodes: { outputTensors: SymbolicTensor[] }[] }).inboundNodes[0]!.outputTensors[0]!;
    } else {
      const ins = node.inputs.map((n) => tensors.get(n)!);
      out = layer.apply(kind.arity === 1 ? ins[0]! : ins) as SymbolicTensor;
    }
    tensors.set(node.name, out);
  }
  return tfl.model({
    inputs: graph.inputs.map((n) => tensors.get(n)!),
    outputs: graph.outputs.map((n) => tensors.get(n)!),
    name: spec.name.replace(/[^A-Za-z0-9_]/g, '_'),
  });
}
