import { it } from 'vitest';
import { builtinRegistries, createSpecLoader, formatIssues } from '../../src/index.js';
const loader = createSpecLoader(builtinRegistries());
const base = (layers: string, extra = '', training = '  loss: { type: sparseCategoricalCrossentropy }\n') => `specVersion: 1
name: probe
data:
  dataset: { type: fashionMnist }
  preprocess: { divideBy: 255, labels: integer }
model:
  type: sequential
  layers:
${layers}
training:
${training}${extra}`;
const L = (...ls: string[]) => ls.map((l) => '    - ' + l).join('\n');
const IN = '{ type: input, shape: [28, 28] }', FL = '{ type: flatten }', OUT = '{ type: dense, units: 10, activation: softmax }';
const graph = (nodes: string, outputs = '[scores]') => `specVersion: 1
name: probe
data:
  dataset: { type: fashionMnist }
  preprocess: { divideBy: 255, labels: oneHot }
model:
  type: graph
  nodes:
${nodes}
  outputs: ${outputs}
training:
  loss: { type: categoricalCrossentropy }
`;
const probes: Record<string, string> = {
  'seq-concat': base(L(IN, FL, '{ type: concatenate }', OUT)),
  'seq-input-middle': base(L(IN, FL, '{ type: input, shape: [784] }', OUT)),
  'graph-node-no-inputs': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-dense-two-inputs': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten, inputs: [image, image] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-input-with-inputs': graph(L('{ name: image, type: input, shape: [28, 28, 1], inputs: [scores] }', '{ name: flat, type: flatten, inputs: [image] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-no-input-node': graph(L('{ name: flat, type: flatten, inputs: [scores] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-self-loop': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten, inputs: [flat] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-inputs-string': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten, inputs: image }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-unused': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: extra, type: flatten, inputs: [image] }', '{ name: flat, type: flatten, inputs: [image] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'graph-concat-mismatch': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten, inputs: [image] }', '{ name: j, type: concatenate, inputs: [image, flat] }', '{ name: f2, type: flatten, inputs: [j] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [f2] }')),
  'graph-outputs-empty': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: flat, type: flatten, inputs: [image] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }'), '[]'),
  'graph-missing-name': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ type: flatten, inputs: [image] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'units-float': base(L(IN, FL, '{ type: dense, units: 1.5 }', OUT)),
  'units-null': base(L(IN, FL, '{ type: dense, units: null }', OUT)),
  'units-1e308': base(L(IN, FL, '{ type: dense, units: 1e308 }', OUT)),
  'units-1e400': base(L(IN, FL, '{ type: dense, units: 1e400 }', OUT)),
  'units-.inf': base(L(IN, FL, '{ type: dense, units: .inf }', OUT)),
  'layers-mapping': base('    first: ' + IN),
  'layers-null': base(''),
  'model-string': `specVersion: 1\nname: probe\ndata:\n  dataset: { type: fashionMnist }\nmodel: sequential\ntraining:\n  loss: { type: sparseCategoricalCrossentropy }\n`,
  'model-no-type': `specVersion: 1\nname: probe\ndata:\n  dataset: { type: fashionMnist }\nmodel:\n  layers:\n${L(IN, FL, OUT)}\ntraining:\n  loss: { type: sparseCategoricalCrossentropy }\n`,
  'training-null': base(L(IN, FL, OUT), '', ''),
  'training-list': base(L(IN, FL, OUT), '', '  - loss\n'),
  'kernel-1-tuple': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8, kernelSize: [3] }', FL, OUT)),
  'kernel-3-tuple': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8, kernelSize: [3, 3, 3] }', FL, OUT)),
  'kernel-0': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8, kernelSize: 0 }', FL, OUT)),
  'kernel-string': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8, kernelSize: "3x3" }', FL, OUT)),
  'strides-0': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8, kernelSize: 3, strides: 0 }', FL, OUT)),
  'pool-strides-0': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: maxPooling2d, strides: 0 }', FL, OUT)),
  'conv-rank2': base(L(IN, '{ type: conv2d, filters: 8, kernelSize: 3 }', FL, OUT)),
  'kernel-missing': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: conv2d, filters: 8 }', FL, OUT)),
  'name-upper': base(L(IN, FL, OUT)).replace('name: probe', 'name: Probe'),
  'layer-name-bad': base(L(IN, FL, '{ type: dense, units: 10, name: "1st layer" }')),
  'metric-typo': base(L(IN, FL, OUT), '', '  loss: { type: sparseCategoricalCrossentropy }\n  metrics: [acuracy]\n'),
  'labels-case': base(L(IN, FL, OUT)).replace('labels: integer', 'labels: onehot'),
  'labels-typo': base(L(IN, FL, OUT)).replace('labels: integer', 'labels: int'),
  'tail-no-fraction': base(L(IN, FL, OUT)).replace('  preprocess', '  validation: { type: tail }\n  preprocess'),
  'validation-typo': base(L(IN, FL, OUT)).replace('  preprocess', '  validation: { type: testset }\n  preprocess'),
  'validation-string': base(L(IN, FL, OUT)).replace('  preprocess', '  validation: 0.2\n  preprocess'),
  'es-monitor-typo': base(L(IN, FL, OUT), '', '  loss: { type: sparseCategoricalCrossentropy }\n  earlyStopping: { monitor: val_loss }\n'),
  'dataset-unknown-field': base(L(IN, FL, OUT)).replace('{ type: fashionMnist }', '{ type: fashionMnist, directory: ./data }'),
  'dataset-string': base(L(IN, FL, OUT)).replace('{ type: fashionMnist }', 'fashionMnist'),
  'optimizer-string': base(L(IN, FL, OUT), '', '  optimizer: adam\n  loss: { type: sparseCategoricalCrossentropy }\n'),
  'loss-string': base(L(IN, FL, OUT), '', '  loss: sparseCategoricalCrossentropy\n'),
  'optimizer-param-typo': base(L(IN, FL, OUT), '', '  optimizer: { type: adam, learning_rate: 0.01 }\n  loss: { type: sparseCategoricalCrossentropy }\n'),
  'optimizer-lr-negative': base(L(IN, FL, OUT), '', '  optimizer: { type: sgd, learningRate: -0.01 }\n  loss: { type: sparseCategoricalCrossentropy }\n'),
  'regularizer-typo': base(L(IN, FL, '{ type: dense, units: 10, kernelRegularizer: { type: L2, l2: 0.01 } }')),
  'regularizer-string': base(L(IN, FL, '{ type: dense, units: 10, kernelRegularizer: l2 }')),
  'initializer-number': base(L(IN, FL, '{ type: dense, units: 10, kernelInitializer: 3 }')),
  'activation-number': base(L(IN, FL, '{ type: dense, units: 10, activation: 3 }')),
  'merge-key': `specVersion: 1\nname: probe\ndata:\n  dataset: { type: fashionMnist }\nmodel:\n  type: sequential\n  layers:\n    - { type: input, shape: [28, 28] }\n    - { type: flatten }\n    - &d { type: dense, units: 64 }\n    - { <<: *d, units: 10 }\ntraining:\n  loss: { type: sparseCategoricalCrossentropy }\n`,
  'multi-doc': base(L(IN, FL, OUT)) + '---\nspecVersion: 1\n',
  'crlf-typo': base(L(IN, FL, '{ type: dnese, units: 10 }')).replace(/\n/g, '\r\n'),
  'bom-typo': '\uFEFF' + base(L(IN, FL, '{ type: dnese, units: 10 }')),
  'input-shape-empty': base(L('{ type: input, shape: [] }', FL, OUT)),
  'input-shape-zero': base(L('{ type: input, shape: [0, 28] }', FL, OUT)),
  'batch-huge': base(L(IN, FL, OUT), '', '  loss: { type: sparseCategoricalCrossentropy }\n  batchSize: 1000000000\n'),
  'epochs-zero': base(L(IN, FL, OUT), '', '  loss: { type: sparseCategoricalCrossentropy }\n  epochs: 0\n'),
  'seed-negative': base(L(IN, FL, OUT)) + 'seed: -1\n',
  'seed-string': base(L(IN, FL, OUT)) + 'seed: abc\n',
  'int-key': base(L(IN, FL, OUT)) + '1: one\n',
  'null-key': base(L(IN, FL, OUT)) + '? null\n: x\n',
  'complex-key': base(L(IN, FL, OUT)) + '? [a, b]\n: x\n',
  'spec-version-0': base(L(IN, FL, OUT)).replace('specVersion: 1', 'specVersion: 0'),
  'spec-version-str1': base(L(IN, FL, OUT)).replace('specVersion: 1', 'specVersion: "1"'),
  'spec-version-null': base(L(IN, FL, OUT)).replace('specVersion: 1', 'specVersion:'),
  'spec-version-1.5': base(L(IN, FL, OUT)).replace('specVersion: 1', 'specVersion: 1.5'),
  'reshape-after-flatten-unknown': base(L(IN, '{ type: reshape, targetShape: [28, 28, 1] }', '{ type: globalAveragePooling2d }', OUT)),
  'dense-after-input-3d': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: dense, units: 10, activation: softmax }')),
  'gap-rank2': base(L(IN, '{ type: globalAveragePooling2d }', OUT)),
  'zeropad-negative': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: zeroPadding2d, padding: -1 }', FL, OUT)),
  'bn-axis': base(L('{ type: input, shape: [28, 28, 1] }', '{ type: batchNormalization, axis: 5 }', FL, OUT)),
  'concat-axis': graph(L('{ name: image, type: input, shape: [28, 28, 1] }', '{ name: j, type: concatenate, axis: 7, inputs: [image, image] }', '{ name: flat, type: flatten, inputs: [j] }', '{ name: scores, type: dense, units: 10, activation: softmax, inputs: [flat] }')),
  'depth-65': base(L(IN, FL, OUT)) + 'reference:\n  notes: ' + '['.repeat(64) + ']'.repeat(64) + '\n',
  'alias-ok': `specVersion: 1\nname: probe\ndata:\n  dataset: { type: fashionMnist }\nmodel:\n  type: sequential\n  layers:\n    - { type: input, shape: [28, 28] }\n    - { type: flatten }\n    - &d { type: dense, units: 64 }\n    - *d\n    - { type: dense, units: 11 }\ntraining:\n  loss: { type: sparseCategoricalCrossentropy }\n`,
  'quoted-bracket': base(L(IN, FL, OUT)) + 'title: "' + '['.repeat(100) + '"\n',
  'block-scalar-bracket': base(L(IN, FL, OUT)) + 'description: |\n  ' + '['.repeat(100) + '\n',
  'plain-bracket-in-comment': base(L(IN, FL, OUT)) + '# ' + '['.repeat(100) + '\n',
  'plain-scalar-brackets': base(L(IN, FL, OUT)) + 'title: a' + '['.repeat(100) + '\n',
  'long-dash-list': base(L(IN, FL, OUT)) + 'reference:\n  notes: x\n' + 'description: ' + '- '.repeat(100) + '\n',
};
it('probe', () => {
  for (const [name, text] of Object.entries(probes)) {
    const t0 = performance.now();
    let out: string;
    try {
      const r = loader.load(text, `${name}.yaml`);
      out = `ok=${r.ok}\n` + formatIssues(r.issues);
    } catch (e) {
      out = 'THREW ' + (e as Error).stack?.split('\n').slice(0, 3).join(' | ');
    }
    const ms = performance.now() - t0;
    console.log(`=== ${name} (${ms.toFixed(0)} ms)\n${out}`);
  }
});
