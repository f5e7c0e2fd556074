import { issue, type Issue } from '../errors.js';
import type { LayerRegistry } from '../layers/index.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import { suggest } from '../registry/registry.js';
import { displayPath } from '../render.js';

/** One node of the model, whichever form the spec used. */
export interface ModelNode {
  index: number;
  name: string;
  type: string;
  params: Record<string, unknown>;
  inputs: string[];
  /** Path of the node in the spec, for error locations. */
  path: string;
}

export interface ModelGraph {
  /** In an order where every node comes after its inputs. */
  nodes: ModelNode[];
  inputs: string[];
  outputs: string[];
}

function paramsOf(layer: Record<string, unknown>): Record<string, unknown> {
  const { type: _t, name: _n, inputs: _i, ...params } = layer;
  return params;
}

/** Turns the sequential or graph form into one node list, checking the wiring. */
export function modelGraph(spec: ResolvedModelSpec, layers: LayerRegistry): { graph: ModelGraph; issues: Issue[] } {
  const issues: Issue[] = [];
  const model = spec.model as unknown as Record<string, unknown>;
  if (model['type'] === 'sequential') {
    const list = model['layers'] as Record<string, unknown>[];
    const nodes: ModelNode[] = list.map((l, i) => ({
      index: i,
      name: (l['name'] as string | null) ?? `${l['type']}_${i}`,
      type: l['type'] as string,
      params: paramsOf(l),
      inputs: [],
      path: `model.layers.${i}`,
    }));
    nodes.forEach((n, i) => {
      const arity = layers.get(n.type)?.arity;
      if (i === 0 && arity !== 0) issues.push(issue('missing-input', n.path, `a sequential model starts with an input layer, e.g. {type: input, shape: [28, 28]}; got ${n.type}`));
      if (i > 0 && arity === 0) issues.push(issue('misplaced-input', n.path, 'only the first layer of a sequential model can be an input'));
      if (i > 0 && arity === 'many') issues.push(issue('needs-graph', n.path, `${n.type} joins several inputs, which a sequential model cannot express`, { hint: 'use model.type: graph' }));
      if (i > 0) n.inputs = [nodes[i - 1]!.name];
    });
    checkUnique(nodes, issues);
    return { graph: { nodes, inputs: nodes.length ? [nodes[0]!.name] : [], outputs: nodes.length ? [nodes[nodes.length - 1]!.name] : [] }, issues };
  }

  const list = model['nodes'] as Record<string, unknown>[];
  const nodes: ModelNode[] = list.map((l, i) => ({
    index: i,
    name: l['name'] as string,
    type: l['type'] as string,
    params: paramsOf(l),
    inputs: [...((l['inputs'] as string[]) ?? [])],
    path: `model.nodes.${i}`,
  }));
  checkUnique(nodes, issues);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    const arity = layers.get(n.type)?.arity;
    n.inputs.forEach((inp, j) => {
      if (!byName.has(inp) && issues.length < 50) issues.push(issue('unknown-node', `${n.path}.inputs.${j}`, `no node is named "${inp}"`, suggestion(inp, [...byName.keys()])));
    });
    if (arity === 0 && n.inputs.length) issues.push(issue('input-has-inputs', `${n.path}.inputs`, 'an input node takes no inputs'));
    if (arity === 1 && n.inputs.length !== 1) issues.push(issue('arity', `${n.path}.inputs`, `${n.type} takes exactly one input, got ${n.inputs.length}`));
    if (arity === 'many' && n.inputs.length < 2) issues.push(issue('arity', `${n.path}.inputs`, `${n.type} takes two or more inputs, got ${n.inputs.length}`));
  }
  const outputs = [...((model['outputs'] as string[]) ?? [])];
  outputs.forEach((o, j) => {
    if (!byName.has(o)) issues.push(issue('unknown-node', `model.outputs.${j}`, `no node is named "${o}"`, suggestion(o, [...byName.keys()])));
  });
  if (issues.length) return { graph: { nodes, inputs: [], outputs }, issues };

  // Topological order (Kahn's algorithm, linear in nodes + edges).
  const indegree = new Map(nodes.map((n) => [n.name, n.inputs.length]));
  const consumers = new Map<string, ModelNode[]>(nodes.map((n) => [n.name, []]));
  for (const n of nodes) for (const inp of n.inputs) consumers.get(inp)!.push(n);
  const order: ModelNode[] = [];
  const ready = nodes.filter((n) => n.inputs.length === 0);
  for (let i = 0; i < ready.length; i++) {
    const n = ready[i]!;
    order.push(n);
    for (const c of consumers.get(n.name)!) {
      const d = indegree.get(c.name)! - 1;
      indegree.set(c.name, d);
      if (d === 0) ready.push(c);
    }
  }
  if (order.length < nodes.length) {
    // What is left is the cycles plus what hangs below them; trim the nodes that feed nothing left over.
    const placed = new Set(order);
    const left = new Set(nodes.filter((n) => !placed.has(n)).map((n) => n.name));
    let trimmed = true;
    while (trimmed) {
      trimmed = false;
      for (const name of left) {
        if (!consumers.get(name)!.some((c) => left.has(c.name))) {
          left.delete(name);
          trimmed = true;
        }
      }
    }
    const cyc = nodes.filter((n) => left.has(n.name));
    issues.push(issue('cycle', cyc[0]!.path, `the nodes ${cyc.map((n) => n.name).join(', ')} form a cycle: each is, through its inputs, an input of itself`));
    return { graph: { nodes: order, inputs: [], outputs }, issues };
  }
  const used = new Set([...nodes.flatMap((n) => n.inputs), ...outputs]);
  // Training feeds one image per example to one model input: a second input node, used or not, cannot be fed.
  const inputNodes = nodes.filter((n) => layers.get(n.type)?.arity === 0);
  const first = inputNodes.find((n) => used.has(n.name)) ?? inputNodes[0];
  const extra = inputNodes.filter((n) => n !== first);
  for (const n of extra) {
    issues.push(
      used.has(n.name)
        ? issue('inputs', n.path, `"${n.name}" is a second input node (besides "${first!.name}"); a model has one input, fed the dataset's images`, { hint: `take every branch from "${first!.name}"` })
        : issue('inputs', n.path, `input node "${n.name}" feeds nothing; a model has one input, fed the dataset's images`, { hint: `remove "${n.name}"` }),
    );
  }
  for (const n of nodes) {
    if (!used.has(n.name) && !extra.includes(n)) issues.push({ ...issue('unused-node', n.path, `node "${n.name}" feeds nothing and is not an output`), severity: 'warning' });
  }
  return { graph: { nodes: order, inputs: order.filter((n) => layers.get(n.type)?.arity === 0).map((n) => n.name), outputs }, issues };
}

function checkUnique(nodes: ModelNode[], issues: Issue[]) {
  const seen = new Map<string, ModelNode>();
  for (const n of nodes) {
    const prev = seen.get(n.name);
    if (prev) issues.push(issue('duplicate-name', `${n.path}.name`, `the name "${n.name}" is already used by ${displayPath(prev.path)}`));
    seen.set(n.name, n);
  }
}

function suggestion(name: string, names: string[]) {
  // Suggestions cost a distance per name; past a few thousand names they are not worth the time.
  const close = names.length <= 2000 ? suggest(name, names) : undefined;
  return close ? { hint: `did you mean "${close}"?` } : {};
}
