import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { exampleBody, formatIssues, suggest, SPEC_VERSION, writeSpec } from '@modelspec/core';
import { shown, specLoader } from '../spec-files.js';
import type { Io } from '../io.js';

type Json = Record<string, unknown>;

export interface InitOptions {
  dataset?: string;
  template?: string;
  validation?: string;
  seed?: number;
  name?: string;
  yes?: boolean;
}

/** What `init` writes: a task template on the chosen dataset (images of `h` x `w`, `classes` classes). */
interface Template {
  title: string;
  summary: (classes: number) => string;
  layers: (h: number, w: number, classes: number) => Json[];
  epochs: number;
  batchSize: number;
}

const TEMPLATES: Record<string, Template> = {
  mlp: {
    title: 'a multilayer perceptron',
    summary: (c) => `Flatten, Dense 128 relu, Dropout 0.2, Dense ${c} softmax.`,
    layers: (h, w, c) => [
      { type: 'input', shape: [h, w] },
      { type: 'flatten' },
      { type: 'dense', units: 128, activation: 'relu' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: c, activation: 'softmax' },
    ],
    epochs: 10,
    batchSize: 32,
  },
  cnn: {
    title: 'a small convolutional network',
    summary: (c) => `Keras's "simple MNIST convnet": Conv2D 32 k3 relu, MaxPool 2, Conv2D 64 k3 relu, MaxPool 2, Flatten, Dropout 0.5, Dense ${c} softmax.`,
    layers: (h, w, c) => [
      { type: 'input', shape: [h, w, 1] },
      { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
      { type: 'maxPooling2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.5 },
      { type: 'dense', units: c, activation: 'softmax' },
    ],
    epochs: 15,
    batchSize: 128,
  },
};

const DEFAULTS = { dataset: 'fashionMnist', template: 'mlp', validation: 'tail', seed: 0 };

/** The branches of the union the schema has at `path`, by their `type`. */
function kinds(schema: Json, path: string[]): Map<string, Json> {
  let node: unknown = schema;
  for (const p of path) node = (node as Json | undefined)?.[p];
  const ref = (node as Json | undefined)?.['$ref'];
  if (typeof ref === 'string') node = (schema['$defs'] as Json)[ref.split('/').pop()!];
  const branches = ((node as Json | undefined)?.['oneOf'] ?? []) as Json[];
  return new Map(branches.map((b) => [((b['properties'] as Json)['type'] as Json)['const'] as string, b]));
}

/** A spec name from a file name: lowercase letters, digits, `.`, `_`, `-`. */
const nameFrom = (file: string) =>
  basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 80) || 'experiment';

/** The modeline's path: the installed schema, relative to the new spec. */
function schemaPath(target: string): string {
  const file = fileURLToPath(import.meta.resolve('@modelspec/core/schema.json'));
  const rel = relative(dirname(target), file);
  return rel.split(sep).join('/');
}

async function ask(questions: { key: keyof typeof DEFAULTS; text: string; choices?: string[] }[], o: InitOptions): Promise<InitOptions> {
  const interactive = !o.yes && process.stdin.isTTY && process.stderr.isTTY && questions.some((q) => o[q.key] === undefined);
  if (!interactive) return o;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answers: InitOptions = { ...o };
  try {
    for (const q of questions) {
      if (o[q.key] !== undefined) continue;
      const a = (await rl.question(`${q.text}${q.choices ? ` (${q.choices.join(', ')})` : ''} [${DEFAULTS[q.key]}]: `)).trim();
      if (a) (answers as Json)[q.key] = q.key === 'seed' ? Number(a) : a;
    }
  } finally {
    rl.close();
  }
  return answers;
}

/** Writes a new spec from a template; never overwrites a file. */
export async function initCommand(file: string, o: InitOptions, io: Io): Promise<number> {
  const target = resolve(file);
  const { reg, loader } = specLoader();
  const schema = loader.validator.schema;
  const datasets = kinds(schema, ['properties', 'data', 'properties', 'dataset']);
  const validations = kinds(schema, ['properties', 'data', 'properties', 'validation']);
  const a = await ask(
    [
      { key: 'dataset', text: 'dataset', choices: [...datasets.keys()] },
      { key: 'template', text: 'model template', choices: Object.keys(TEMPLATES) },
      { key: 'validation', text: 'validation data', choices: [...validations.keys()] },
      { key: 'seed', text: 'seed' },
    ],
    o,
  );
  const choice = (what: string, value: string, among: string[]) => {
    if (among.includes(value)) return undefined;
    const s = suggest(value, among);
    return `unknown ${what} "${value}"${s ? ` (did you mean "${s}"?)` : ''}; choose one of ${among.join(', ')}`;
  };
  const dataset = a.dataset ?? DEFAULTS.dataset;
  const template = a.template ?? DEFAULTS.template;
  const validation = a.validation ?? DEFAULTS.validation;
  const seed = a.seed ?? DEFAULTS.seed;
  const problems = [
    choice('dataset', dataset, [...datasets.keys()]),
    choice('template', template, Object.keys(TEMPLATES)),
    choice('validation scheme', validation, [...validations.keys()]),
    Number.isInteger(seed) && seed >= 0 ? undefined : `the seed must be an integer >= 0, got ${seed}`,
  ].filter((p): p is string => p !== undefined);
  if (problems.length) {
    problems.forEach((p) => io.err(`error: ${p}`));
    return 2;
  }

  const t = TEMPLATES[template]!;
  const data = exampleBody(datasets.get(dataset)!);
  const classes = reg.datasets.get(dataset)!.classNames.length;
  const [h, w] = [data['height'], data['width']].map((v) => (typeof v === 'number' ? v : 28)) as [number, number];
  const name = a.name ?? nameFrom(file);
  const spec: Json = {
    specVersion: SPEC_VERSION,
    name,
    title: `${t.title[0]!.toUpperCase()}${t.title.slice(1)} on ${dataset}`,
    description: t.summary(classes),
    data: { dataset: data, preprocess: { divideBy: 255, labels: 'integer' }, validation: exampleBody(validations.get(validation)!) },
    model: { type: 'sequential', layers: t.layers(h, w, classes) },
    training: { optimizer: { type: 'adam' }, loss: { type: 'sparseCategoricalCrossentropy' }, metrics: ['accuracy'], epochs: t.epochs, batchSize: t.batchSize },
    seed,
  };
  const modeline = `yaml-language-server: $schema=${schemaPath(target)}`;
  const json = /\.json$/i.test(file);
  const text = writeSpec(json ? { $schema: schemaPath(target), ...spec } : spec, file, schema, [
    modeline,
    'A modelspec experiment, written by `modelspec init`. In an editor with YAML support every field shows',
    'what it means, its default and its Keras equivalent; the modelspec README ("Specs") describes the format.',
    `Check it with \`modelspec validate ${shown(target)}\`; run it with \`modelspec train ${shown(target)}\`.`,
  ]);

  // What init writes is valid at once, or not written (a --name the schema refuses, a template that does not fit the data).
  const check = loader.load(text, shown(target));
  if (!check.ok) {
    io.err(formatIssues(check.issues, shown(target)));
    io.err(`error: nothing written: the ${template} spec on ${dataset} would not be valid (the problems above)`);
    return 1;
  }
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      io.err(`error: ${shown(target)} already exists; modelspec init never overwrites a file (choose another name)`);
      return 1;
    }
    throw e;
  }
  io.out(`wrote ${shown(target)}: ${t.title} on ${dataset}, ${validation} validation, seed ${seed}`);
  io.err(`next: modelspec validate ${shown(target)}, then modelspec train ${shown(target)} --limit 2000 --epochs 1 for a quick run`);
  return 0;
}
