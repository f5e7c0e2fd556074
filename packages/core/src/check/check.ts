import { issue, type Issue } from '../errors.js';
import { ShapeProblem, fmtShape, product, type Shape } from '../layers/kind.js';
import type { Registries } from '../spec/registries.js';
import type { ResolvedModelSpec } from '../spec/schema.js';
import { modelGraph, type ModelGraph } from './graph.js';

export interface LayerInfo {
  name: string;
  type: string;
  path: string;
  inputs: string[];
  /** Null where an earlier problem stopped shape inference. */
  outputShape: Shape | null;
  trainable: number;
  nonTrainable: number;
}

export interface MemoryEstimate {
  /** Weights, their gradients and the optimizer's slots. */
  parameterBytes: number;
  /** Activations kept for the backward pass and their gradients, for one batch. */
  activationBytes: number;
  totalBytes: number;
}

export interface CheckReport {
  graph: ModelGraph;
  layers: LayerInfo[];
  totals: { trainable: number; nonTrainable: number; total: number };
  memory: MemoryEstimate;
  issues: Issue[];
}

export interface CheckOptions {
  /** Refuse specs whose estimated training memory exceeds this many bytes. */
  memoryBudgetBytes?: number;
  /**
   * A model that differs from its published parameter count is an error in a
   * spec as written; a run that overrides fields (a search candidate, `--set`)
   * changes the model on purpose, and gets a warning.
   */
  parameterMismatch?: 'error' | 'warning';
}

export const DEFAULT_MEMORY_BUDGET = 4 * 1024 ** 3;
const F32 = 4;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * Semantic checks on a resolved spec, before any tensor exists: wiring, shapes
 * through every layer, parameter counts, the memory estimate, and whether the
 * data, the output and the loss fit together.
 */
export function checkSpec(spec: ResolvedModelSpec, reg: Registries, opts: CheckOptions = {}): CheckReport {
  const { graph, issues } = modelGraph(spec, reg.layers);
  const shapes = new Map<string, Shape | null>();
  const layers: LayerInfo[] = [];

  for (const node of graph.nodes) {
    const kind = reg.layers.get(node.type)!;
    const inputs = node.inputs.map((n) => shapes.get(n) ?? null);
    const info: LayerInfo = { name: node.name, type: node.type, path: node.path, inputs: node.inputs, outputShape: null, trainable: 0, nonTrainable: 0 };
    // Wiring problems are reported by modelGraph; a node without the inputs its kind takes is not inferred.
    const wired = kind.arity === 0 ? inputs.length === 0 : kind.arity === 1 ? inputs.length === 1 : inputs.length >= 2;
    if (wired && inputs.every((s): s is Shape => s !== null)) {
      try {
        const r = kind.infer(node.params as never, inputs);
        if (r.shape.some((d) => d !== null && (!Number.isFinite(d) || d < 1))) {
          throw new ShapeProblem(`output shape ${fmtShape(r.shape)} has an empty or invalid axis`);
        }
        Object.assign(info, { outputShape: r.shape, trainable: r.trainable, nonTrainable: r.nonTrainable });
      } catch (e) {
        if (!(e instanceof ShapeProblem)) throw e;
        const where = `${node.type} #${node.index + 1}${node.name !== `${node.type}_${node.index}` ? ` (${node.name})` : ''}`;
        issues.push(issue('shape', e.param ? `${node.path}.${e.param}` : node.path, `${where}: ${e.message}`, e.hint ? { hint: e.hint } : {}));
      }
    }
    shapes.set(node.name, info.outputShape);
    layers.push(info);
  }

  const trainable = layers.reduce((a, l) => a + l.trainable, 0);
  const nonTrainable = layers.reduce((a, l) => a + l.nonTrainable, 0);
  const totals = { trainable, nonTrainable, total: trainable + nonTrainable };

  const dataset = spec.data.dataset as unknown as { type: string } & Record<string, unknown>;
  const datasetKind = reg.datasets.get(dataset.type);
  // A dataset may take its class names as a param (csv); otherwise the kind knows them.
  const classes = Array.isArray(dataset['classNames']) ? dataset['classNames'].length : datasetKind?.classNames.length;

  // Inputs: the images are reshaped to the input shape, so the sizes must agree.
  const h = (dataset['height'] as number | undefined) ?? 28;
  const w = (dataset['width'] as number | undefined) ?? 28;
  for (const name of graph.inputs) {
    const s = shapes.get(name);
    if (s && product(s) !== h * w) {
      const node = graph.nodes.find((n) => n.name === name)!;
      issues.push(issue('input-size', `${node.path}.shape`, `input ${fmtShape(s)} has ${product(s)} values per example but ${dataset.type} images have ${h}x${w} = ${h * w}`));
    }
  }

  // Output: one probability (or logit) per class.
  const outName = graph.outputs[0];
  const outNode = graph.nodes.find((n) => n.name === outName);
  const out = outName ? shapes.get(outName) : null;
  if (outNode && out && classes !== undefined && (out.length !== 1 || out[0] !== classes)) {
    issues.push(issue('output-shape', outNode.path, `the model outputs ${fmtShape(out)} per example, but ${dataset.type} has ${classes} classes: the output must be (${classes})`, { hint: `end with {type: dense, units: ${classes}, activation: softmax}` }));
  }

  const loss = spec.training.loss as unknown as { type: string } & Record<string, unknown>;
  const lossKind = reg.losses.get(loss.type);
  if (lossKind && lossKind.labels !== spec.data.preprocess.labels) {
    issues.push(issue('labels-vs-loss', 'data.preprocess.labels', `${loss.type} needs ${lossKind.labels} labels, but data.preprocess.labels is ${spec.data.preprocess.labels}`, { hint: `set data.preprocess.labels: ${lossKind.labels}, or use ${lossKind.labels === 'integer' ? 'categoricalCrossentropy' : 'sparseCategoricalCrossentropy'}` }));
  }
  if (lossKind?.outputWarning && outNode) {
    const act = outNode.params['activation'];
    const w = lossKind.outputWarning(loss as never, typeof act === 'string' ? act : undefined);
    if (w) issues.push({ ...issue('loss-vs-output', 'training.loss', w), severity: 'warning' });
  }

  const es = spec.training.earlyStopping;
  if (es && es.monitor.startsWith('val') && spec.data.validation.type === 'none') {
    issues.push(issue('no-validation', 'training.earlyStopping.monitor', `earlyStopping watches ${es.monitor}, but data.validation is none`, { hint: 'monitor loss, or add data.validation' }));
  }

  const published = spec.reference?.parameters;
  if (published != null && published !== totals.total && layers.every((l) => l.outputShape)) {
    issues.push({
      ...issue('parameter-count', 'reference.parameters', `the model has ${totals.total.toLocaleString('en-US')} parameters, but ${published.toLocaleString('en-US')} were published`, { hint: 'the model is not the published one: compare the layers with the source' }),
      severity: opts.parameterMismatch ?? 'error',
    });
  }

  const optimizer = reg.optimizers.get((spec.training.optimizer as unknown as { type: string }).type);
  const memory = estimateMemory(layers, totals.total, spec.training.batchSize, optimizer?.slots ?? 2);
  const budget = opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  if (memory.totalBytes > budget) {
    const biggest = [...layers].sort((a, b) => b.trainable + b.nonTrainable - (a.trainable + a.nonTrainable))[0];
    issues.push(
      issue('memory-budget', biggest ? biggest.path : 'model', `training needs an estimated ${formatBytes(memory.totalBytes)} (parameters and optimizer state ${formatBytes(memory.parameterBytes)}, activations ${formatBytes(memory.activationBytes)} at batch ${spec.training.batchSize}), over the budget of ${formatBytes(budget)}`, {
        hint: biggest ? `the largest layer is ${biggest.name} with ${biggest.trainable.toLocaleString('en-US')} parameters; raise the budget with --memory-budget if this is intended` : undefined,
      }),
    );
  }
  return { graph, layers, totals, memory, issues };
}

function estimateMemory(layers: LayerInfo[], params: number, batch: number, slots: number): MemoryEstimate {
  const parameterBytes = params * F32 * (2 + slots);
  const values = layers.reduce((a, l) => a + (l.outputShape ? product(l.outputShape.map((d) => d ?? 1)) : 0), 0);
  const activationBytes = values * batch * F32 * 2;
  return { parameterBytes, activationBytes, totalBytes: parameterBytes + activationBytes };
}
