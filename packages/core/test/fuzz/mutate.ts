import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * Spec mutants for the fuzz test: a plan (which seed spec, which edits) drawn
 * by fast-check, applied deterministically. Data edits work on the parsed
 * spec (wrong types, out-of-range numbers, deleted or added keys, swapped
 * layer types, rewired graphs, impossible searches); text edits work on the
 * file (truncation, tags and anchors, deep nesting, stray characters,
 * duplicated or re-indented lines), in YAML or JSON.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export const LAYER_TYPES = [
  'input', 'reshape', 'flatten', 'dense', 'dropout', 'conv2d', 'maxPooling2d', 'averagePooling2d', 'zeroPadding2d',
  'rescaling', 'batchNormalization', 'activation', 'concatenate', 'globalAveragePooling2d', 'dnese', 'Dense', '',
];

/** Values that are wrong somewhere: wrong types, edge and out-of-range numbers, names from elsewhere in a spec. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 4, 0.5, 1.5, 7, 10, 28, 64, 784, 1e308, -1e308, 2147483647, 2147483648, 4294967296, 1e-9, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -3, max: 300 }),
  fc.double({ min: -10, max: 10 }),
  fc.constantFrom('', 'relu', 'softmax', 'dense', 'same', 'valid', '__proto__', 'constructor', 'integer', 'oneHot', 'adam', 'none', 'tail', 'testSet', 'x'.repeat(300), 'model.layers.1.units'),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 4 }),
  fc.constant({}),
  fc.constant([]),
  fc.record({ type: fc.constantFrom(...LAYER_TYPES) }),
);

const pick = fc.nat({ max: 1_000_000 });

const size2 = (max: number) => fc.oneof(fc.integer({ min: 1, max }), fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max })));
const padding = fc.constantFrom('same', 'valid');

/** Plausible layers: inserted into a model, many still check, so the checker's shapes meet tfjs's at compile. */
export const layer: fc.Arbitrary<Obj> = fc.oneof(
  fc.constant({ type: 'flatten' }),
  fc.record({ type: fc.constant('dense'), units: fc.integer({ min: 1, max: 32 }), activation: fc.constantFrom('relu', 'softmax', 'linear', 'tanh') }),
  fc.record({ type: fc.constant('conv2d'), filters: fc.integer({ min: 1, max: 8 }), kernelSize: size2(5), strides: size2(3), padding }),
  fc.record({ type: fc.constantFrom('maxPooling2d', 'averagePooling2d'), poolSize: size2(4), strides: fc.option(size2(3)), padding }),
  fc.record({ type: fc.constant('zeroPadding2d'), padding: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), fc.tuple(fc.tuple(fc.nat(2), fc.nat(2)), fc.tuple(fc.nat(2), fc.nat(2)))) }),
  fc.constant({ type: 'globalAveragePooling2d' }),
  fc.record({ type: fc.constant('batchNormalization'), center: fc.boolean(), scale: fc.boolean() }),
  fc.record({ type: fc.constant('dropout'), rate: fc.double({ min: 0, max: 0.9, noNaN: true }) }),
  fc.record({ type: fc.constant('activation'), activation: fc.constantFrom('relu', 'tanh', 'softmax') }),
  fc.record({ type: fc.constant('rescaling'), scale: fc.constantFrom(0.5, 1 / 255), offset: fc.constantFrom(0, -1) }),
  fc.record({ type: fc.constant('reshape'), targetShape: fc.oneof(fc.constantFrom([784], [28, 28], [28, 28, 1], [7, 112], [14, 56, 1], [4, 7, 28], [1, 1, 784]), fc.array(fc.integer({ min: 1, max: 28 }), { minLength: 1, maxLength: 4 })) }),
  fc.record({ type: fc.constant('concatenate'), axis: fc.integer({ min: -3, max: 2 }) }),
);

/** Values a layer param can take without being wrong in itself. */
const plausible: fc.Arbitrary<unknown> = fc.oneof(fc.integer({ min: 1, max: 8 }), size2(5), padding, fc.constantFrom(0.1, 0.5, null));

export type DataOp =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'addKey'; at: number; key: string; value: unknown }
  | { op: 'swapType'; at: number; type: string }
  | { op: 'dupItem'; at: number }
  | { op: 'dropItem'; at: number }
  | { op: 'inputShape'; dims: number[] }
  | { op: 'insertLayer'; at: number; layer: Obj }
  | { op: 'tweak'; at: number; key: string; value: unknown }
  | { op: 'toGraph'; rewire: { node: number; inputs: number[] }[]; extraInput: boolean }
  | { op: 'search'; params: { at: number; proto: boolean; values: unknown[] | null; dist: { type: string; low: number; high: number } | null }[] };

export type TextOp =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'deleteRange'; at: number; len: number }
  | { op: 'dupLine'; at: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'indent'; at: number; delta: number }
  | { op: 'nest'; at: number; open: string; depth: number }
  | { op: 'number'; at: number; value: string };

export const dataOp: fc.Arbitrary<DataOp> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: pick, value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('addKey' as const), at: pick, key: fc.constantFrom('unit', 'units', 'name', 'inputs', 'extends', 'type', '__proto__', 'x'), value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('swapType' as const), at: pick, type: fc.constantFrom(...LAYER_TYPES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dupItem' as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dropItem' as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('inputShape' as const), dims: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 4 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('insertLayer' as const), at: pick, layer }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('tweak' as const), at: pick, key: fc.constantFrom('units', 'filters', 'kernelSize', 'poolSize', 'strides', 'padding', 'rate', 'axis', 'targetShape', 'shape'), value: plausible }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('toGraph' as const),
      rewire: fc.array(fc.record({ node: pick, inputs: fc.array(pick, { minLength: 0, maxLength: 3 }) }), { maxLength: 3 }),
      extraInput: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('search' as const),
      params: fc.array(
        fc.record({
          at: pick,
          proto: fc.boolean(),
          values: fc.option(fc.array(fc.oneof(fc.integer({ min: -2, max: 200 }), fc.double({ min: -1, max: 2, noNaN: true }), fc.constantFrom('relu', 'same', true)), { minLength: 0, maxLength: 4 })),
          dist: fc.option(fc.record({ type: fc.constantFrom('uniform', 'logUniform', 'intUniform', 'normal'), low: fc.oneof(fc.integer({ min: -2, max: 100 }), fc.double({ min: -1, max: 1, noNaN: true })), high: fc.oneof(fc.integer({ min: -2, max: 200 }), fc.double({ min: -1, max: 1, noNaN: true })) })),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  },
);

const snippet = fc.constantFrom(
  '!!seq ', '!!map ', '!!str ', '!!int ', '!local ', '!<tag:yaml.org,2002:seq> ', '&a ', '*a', '&b [*a, *a] ', '<<: *a\n',
  ':', ': ', '- ', '#', '"', "'", '{', '}', '[', ']', ',', '\t', '\n', '|', '>', '%YAML 1.1\n', '---\n', '...\n', '@', '`', '?', '\u0000', '\ufeff', '\\', 'é',
  'units: 3\n', '  - { type: dense, units: 10 }\n', 'extends: ../../etc/passwd\n',
);

export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: pick }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pick, text: snippet }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteRange' as const), at: pick, len: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dupLine' as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), a: pick, b: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indent' as const), at: pick, delta: fc.integer({ min: -4, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('nest' as const),
      at: pick,
      // Openers that once hid nesting from the pre-scan: tags, anchors, block-scalar indicators inside
      // flow collections, quoted scalars over lines.
      open: fc.constantFrom('[', '{a: ', '!!seq [', '&x [', '!t {k: ', '- ', '[ b: |\n  [', '{ b: >\n  {a: ', '"\n  ", [', "'x\n ', [", '? [', '!<tag:x> ['),
      depth: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('number' as const), at: pick, value: fc.constantFrom('0', '-1', '1e308', '.inf', '.nan', '0x10', '1_000', '2147483648', '3.5', '007', '-0') }) },
);

export interface Plan {
  /** Mutate a spec of the bad-spec corpus (text edits only) rather than a real one. */
  bad: boolean;
  /** Drop the published parameter count first: a changed model is then not refused for differing from it. */
  loose: boolean;
  seed: number;
  json: boolean;
  data: DataOp[];
  text: TextOp[];
}

/** Edits that keep many specs valid: new layers, plausible params, a graph form, other input shapes. */
const benignOp: fc.Arbitrary<DataOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insertLayer' as const), at: pick, layer }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tweak' as const), at: pick, key: fc.constantFrom('units', 'filters', 'kernelSize', 'poolSize', 'strides', 'padding'), value: plausible }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('toGraph' as const), rewire: fc.constant([] as { node: number; inputs: number[] }[]), extraInput: fc.constant(false) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('inputShape' as const), dims: fc.constantFrom<number[]>([28, 28, 1], [784], [28, 28], [1, 28, 28], [7, 7, 16]) }) },
);

export const plan: fc.Arbitrary<Plan> = fc.oneof(
  // Hostile: wrong values, broken text, the bad-spec corpus.
  fc.record({
    bad: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    loose: fc.boolean(),
    seed: pick,
    json: fc.boolean(),
    data: fc.array(dataOp, { minLength: 1, maxLength: 3 }),
    text: fc.oneof({ weight: 2, arbitrary: fc.constant([] as TextOp[]) }, { weight: 1, arbitrary: fc.array(textOp, { minLength: 1, maxLength: 2 }) }),
  }),
  // Plausible: architectures the checker accepts, for compile to confirm.
  fc.record({ bad: fc.constant(false), loose: fc.constant(true), seed: pick, json: fc.boolean(), data: fc.array(benignOp, { minLength: 1, maxLength: 4 }), text: fc.constant([] as TextOp[]) }),
);

/** Every container and value in the data with its path (an explicit stack: mutants may nest deep). */
function nodes(data: unknown): { path: (string | number)[]; value: unknown }[] {
  const out: { path: (string | number)[]; value: unknown }[] = [];
  const stack: { path: (string | number)[]; value: unknown }[] = [{ path: [], value: data }];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    if (Array.isArray(n.value)) n.value.forEach((v, i) => stack.push({ path: [...n.path, i], value: v }));
    else if (isObj(n.value)) for (const [k, v] of Object.entries(n.value)) stack.push({ path: [...n.path, k], value: v });
  }
  return out;
}

function parentOf(data: unknown, path: (string | number)[]): unknown {
  let node = data;
  for (const p of path.slice(0, -1)) node = (node as Obj)[p as string];
  return node;
}

/** Sets a key without ever touching a prototype (`__proto__` becomes an own key, as a parser makes it). */
function put(target: Obj | unknown[], key: string | number, v: unknown) {
  Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
}

function toGraph(model: Obj, op: Extract<DataOp, { op: 'toGraph' }>) {
  const layers = model['layers'];
  if (model['type'] !== 'sequential' || !Array.isArray(layers)) return;
  const names = layers.map((l, i) => (isObj(l) && typeof l['name'] === 'string' ? l['name'] : `n${i}`));
  const nodesList: Obj[] = layers.map((l, i) => ({ ...(isObj(l) ? l : {}), name: names[i], ...(i > 0 ? { inputs: [names[i - 1]] } : {}) }));
  if (op.extraInput) {
    nodesList.push({ type: 'input', name: 'extra', shape: [28, 28] });
    names.push('extra');
  }
  for (const r of op.rewire) {
    const node = nodesList[r.node % nodesList.length]!;
    node['inputs'] = r.inputs.map((k) => names[k % names.length]);
  }
  model['type'] = 'graph';
  delete model['layers'];
  model['nodes'] = nodesList;
  model['outputs'] = [names[layers.length - 1]];
}

export function applyData(data: Obj, ops: DataOp[]): Obj {
  const out = structuredClone(data);
  for (const op of ops) {
    const all = nodes(out);
    if (op.op === 'set' || op.op === 'delete') {
      const n = all[op.at % all.length]!;
      if (!n.path.length) continue;
      const parent = parentOf(out, n.path) as Obj | unknown[];
      const key = n.path[n.path.length - 1]!;
      if (op.op === 'set') put(parent, key, structuredClone(op.value));
      else if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (op.op === 'addKey') {
      const maps = all.filter((n) => isObj(n.value));
      put(maps[op.at % maps.length]!.value as Obj, op.key, structuredClone(op.value));
    } else if (op.op === 'swapType') {
      const typed = all.filter((n) => isObj(n.value) && 'type' in (n.value as Obj));
      if (typed.length) (typed[op.at % typed.length]!.value as Obj)['type'] = op.type;
    } else if (op.op === 'dupItem' || op.op === 'dropItem') {
      const lists = all.filter((n) => Array.isArray(n.value) && (n.value as unknown[]).length > 0);
      if (!lists.length) continue;
      const list = lists[op.at % lists.length]!.value as unknown[];
      const i = op.at % list.length;
      if (op.op === 'dupItem') list.splice(i, 0, structuredClone(list[i]));
      else list.splice(i, 1);
    } else if (op.op === 'inputShape') {
      const model = out['model'];
      const first = isObj(model) ? ((model['layers'] ?? model['nodes']) as unknown[] | undefined)?.[0] : undefined;
      if (isObj(first)) first['shape'] = op.dims;
    } else if (op.op === 'insertLayer' || op.op === 'tweak') {
      const model = out['model'];
      const list = isObj(model) ? (model['layers'] ?? model['nodes']) : undefined;
      if (!Array.isArray(list) || !list.length) continue;
      if (op.op === 'tweak') {
        // A param of a layer that has it (a dense layer's `filters` would only be an unknown field).
        const having = list.filter((l) => isObj(l) && op.key in l) as Obj[];
        if (having.length) put(having[op.at % having.length]!, op.key, structuredClone(op.value));
      } else if (model && (model as Obj)['type'] === 'graph') {
        // In a graph: a new node between a node and the nodes that read it.
        const i = op.at % list.length;
        const from = list[i] as Obj;
        const name = `fuzz${i}`;
        for (const n of list) if (isObj(n) && Array.isArray(n['inputs'])) n['inputs'] = n['inputs'].map((x) => (x === from['name'] ? name : x));
        const outs = (model as Obj)['outputs'];
        if (Array.isArray(outs)) (model as Obj)['outputs'] = outs.map((x) => (x === from['name'] ? name : x));
        list.splice(i + 1, 0, { ...structuredClone(op.layer), name, inputs: [from['name']] });
      } else list.splice(1 + (op.at % Math.max(1, list.length - 1)), 0, structuredClone(op.layer)); // after the input, before the output layer
    } else if (op.op === 'toGraph') {
      if (isObj(out['model'])) toGraph(out['model'], op);
    } else if (op.op === 'search') {
      const leaves = all.filter((n) => n.path.length && (n.value === null || typeof n.value !== 'object'));
      out['search'] = {
        parameters: op.params.map((p) => {
          const path = leaves[p.at % leaves.length]!.path.join('.');
          return {
            path: p.proto ? path.replace(/^[^.]+/, '__proto__') : path,
            ...(p.values ? { values: p.values } : {}),
            ...(p.dist ? { distribution: p.dist } : {}),
          };
        }),
        candidates: 3,
      };
    }
  }
  return out;
}

export function applyText(text: string, ops: TextOp[]): string {
  for (const op of ops) {
    const at = text.length ? op.op === 'swapLines' ? 0 : (op as { at: number }).at % (text.length + 1) : 0;
    const lines = text.split('\n');
    switch (op.op) {
      case 'truncate':
        text = text.slice(0, at);
        break;
      case 'insert':
        text = text.slice(0, at) + op.text + text.slice(at);
        break;
      case 'deleteRange':
        text = text.slice(0, at) + text.slice(at + op.len);
        break;
      case 'dupLine': {
        const i = op.at % lines.length;
        lines.splice(i, 0, lines[i]!);
        text = lines.join('\n');
        break;
      }
      case 'swapLines': {
        const a = op.a % lines.length;
        const b = op.b % lines.length;
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        text = lines.join('\n');
        break;
      }
      case 'indent': {
        const i = op.at % lines.length;
        lines[i] = op.delta >= 0 ? ' '.repeat(op.delta) + lines[i] : lines[i]!.replace(new RegExp(`^ {0,${-op.delta}}`), '');
        text = lines.join('\n');
        break;
      }
      case 'nest': {
        const last = op.open.trimEnd().slice(-1);
        const close = last === '[' ? ']' : last === '{' || op.open.endsWith(': ') ? '}' : '';
        text = text.slice(0, at) + op.open.repeat(op.depth) + '1' + close.repeat(op.depth) + text.slice(at);
        break;
      }
      case 'number': {
        const numbers = [...text.matchAll(/(?<=[\s:[,])-?\d+(\.\d+)?(?=[\s,\]}])/g)];
        if (!numbers.length) break;
        const m = numbers[op.at % numbers.length]!;
        text = text.slice(0, m.index) + op.value + text.slice(m.index! + m[0].length);
        break;
      }
    }
  }
  return text;
}

/** The mutant's text: the mutated data written as YAML or JSON, then the text edits. */
export function render(data: Obj, json: boolean): string {
  return json ? JSON.stringify(data, null, 2) : stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 });
}
