import { it } from 'vitest';
import { builtinRegistries, createValidator, checkSpec, parseSpecText, formatIssues } from '../../src/index.js';
const reg = builtinRegistries();
const validator = createValidator(reg);
const head = `specVersion: 1\nname: probe\ndata:\n  dataset: { type: fashionMnist }\n  preprocess: { labels: oneHot }\n`;
const tail = `training:\n  loss: { type: categoricalCrossentropy }\n`;
const M = `model: { type: sequential, layers: [{ type: input, shape: [784] }, { type: dense, units: 10, activation: softmax }] }\n`;
const probes: Record<string, () => string> = {
  'flow-map-30k-keys': () => head + M + tail + 'x: {' + Array(30000).fill(0).map((_, i) => `k${i}: 1`).join(', ') + '}\n',
  'block-map-30k-keys': () => head + M + tail + 'x:\n' + Array(30000).fill(0).map((_, i) => `  k${i}: 1`).join('\n') + '\n',
  'block-map-60k-keys': () => head + M + tail + 'x:\n' + Array(60000).fill(0).map((_, i) => `  k${i}: 1`).join('\n') + '\n',
  'alias-amplify-map-small-keys': () => head + M + tail + 'x: &a {' + Array(3000).fill(0).map((_, i) => `k${i}: 1`).join(', ') + '}\ny: [' + Array(99).fill('*a').join(', ') + ']\n',
  'graph-chain-14k': () => {
    const n = 14000;
    const lines = ['model:', '  type: graph', '  nodes:', '    - { name: n0, type: input, shape: [784] }'];
    for (let i = 1; i < n; i++) lines.push(`    - { name: n${i}, type: dropout, rate: 0.1, inputs: [n${i - 1}] }`);
    lines.push(`    - { name: out, type: dense, units: 10, activation: softmax, inputs: [n${n - 1}] }`, '  outputs: [out]');
    return head + lines.join('\n') + '\n' + tail;
  },
  'seq-20k': () => {
    const lines = ['model:', '  type: sequential', '  layers:', '    - { type: input, shape: [784] }'];
    for (let i = 1; i < 20000; i++) lines.push(`    - { type: dropout, rate: 0.1 }`);
    lines.push(`    - { type: dense, units: 10, activation: softmax }`);
    return head + lines.join('\n') + '\n' + tail;
  },
};
it('probe', () => {
  for (const [name, gen] of Object.entries(probes)) {
    const text = gen();
    const t: string[] = [];
    let t0 = performance.now();
    const lap = (s: string) => { const n = performance.now(); t.push(`${s}=${(n - t0).toFixed(0)}ms`); t0 = n; };
    const p = parseSpecText(text, name);
    lap('parse');
    let extra = '';
    if (p.ok) {
      const v = validator.validate(p.source.data, p.source);
      lap('validate');
      if (v.ok) { const c = checkSpec(v.spec, reg); lap('check'); extra = formatIssues(c.issues).slice(0, 200); }
      else extra = formatIssues(v.issues).slice(0, 200);
    } else extra = formatIssues(p.issues).slice(0, 200);
    console.log(`=== ${name} bytes=${text.length} ${t.join(' ')}\n${extra}`);
  }
}, 600_000);
