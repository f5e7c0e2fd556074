import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import type { Plugin } from '../registry/registry.js';
import type { Registries } from './registries.js';
import { discriminated, nullable, opt, PositiveInt, req } from './fields.js';
import { fieldMarkdown, kindLine, kindMarkdown, withEditorHints } from './editor.js';
import { EarlyStopping, Outputs, Preprocess, Provenance, Reference, Reproduce, Search, SPEC_VERSION, Validation } from './sections.js';

/**
 * A plugin's spec form: `{type, ...params}`, closed to unknown keys. Its
 * `type` and each param carry Markdown naming the kind and its Keras
 * equivalent, for editors (hover, completion).
 */
function branch(p: Plugin & { params: TObject }, noun: string, extra: Record<string, TSchema> = {}, extraRequired: string[] = []): TSchema {
  const required = new Set(p.params.required ?? []);
  const params = Object.fromEntries(
    Object.entries(p.params.properties).map(([k, f]) => [k, { ...f, markdownDescription: fieldMarkdown(f, required.has(k), kindLine(p, noun)) }]),
  );
  return Type.Object(
    { type: Type.Literal(p.type, { description: p.description, markdownDescription: kindMarkdown(p, noun, p.params) }), ...extra, ...params },
    {
      additionalProperties: false,
      description: p.description,
      required: ['type', ...extraRequired, ...(p.params.required ?? [])],
    } as object,
  );
}

const NAME = '^[A-Za-z][A-Za-z0-9_.-]*$';
const layerName = nullable(Type.String({ pattern: NAME }), 'Layer name; null names it `<type>_<position>`.');

export type LayerSpec = { type: string; name?: string | null } & Record<string, unknown>;
export type NodeSpec = { type: string; name: string; inputs?: string[] } & Record<string, unknown>;
export type PluginSpec = { type: string } & Record<string, unknown>;

const Sequential = Type.Object(
  {
    type: Type.Literal('sequential', { description: 'A stack of layers, each feeding the next (Keras `Sequential`). The first layer is an `input`.' }),
    layers: req(
      Type.Array(Type.Unsafe<LayerSpec>({ $ref: '#/$defs/layer' }), {
        minItems: 2,
        examples: [[{ type: 'input', shape: [28, 28] }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'softmax' }]],
      }),
      'The layers, first to last.',
    ),
  },
  { additionalProperties: false },
);

const Graph = Type.Object(
  {
    type: Type.Literal('graph', { description: 'Named nodes wired by name (the Keras functional API), for models that are not a stack.' }),
    nodes: req(
      Type.Array(Type.Unsafe<NodeSpec>({ $ref: '#/$defs/node' }), {
        minItems: 2,
        examples: [[{ type: 'input', name: 'image', shape: [28, 28] }, { type: 'flatten', name: 'flat', inputs: ['image'] }, { type: 'dense', name: 'scores', inputs: ['flat'], units: 10, activation: 'softmax' }]],
      }),
      'The nodes; `input` nodes are the model inputs.',
    ),
    outputs: req(Type.Array(Type.String({ pattern: NAME }), { minItems: 1, maxItems: 1, examples: [['scores']] }), 'Names of the nodes whose outputs the model returns (one for now).'),
  },
  { additionalProperties: false },
);

const Model = discriminated([Sequential, Graph], { description: 'The network.' });

const specShape = () =>
  Type.Object(
    {
      $schema: Type.Optional(Type.String({ description: 'JSON Schema reference for editors; ignored by modelspec.' })),
      extends: Type.Optional(Type.String({ minLength: 1, description: 'Path of a spec this one builds on (relative to this file): its fields are merged under these; lists replace, a changed `type` replaces the whole mapping.' })),
      specVersion: req(Type.Literal(SPEC_VERSION), `Version of the spec format (current: ${SPEC_VERSION}).`),
      name: req(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 80 }), 'Short id used for run folders and reports (lowercase, digits, . _ -).'),
      title: opt(Type.String(), '', 'Human-readable title.'),
      description: opt(Type.String(), '', 'What the experiment is.'),
      source: nullable(Provenance, 'Where the experiment comes from.'),
      reference: nullable(Reference, 'What was published, for `modelspec reproduce`.'),
      data: req(
        Type.Object(
          {
            dataset: req(Type.Unsafe<PluginSpec>({ $ref: '#/$defs/dataset' }), 'The dataset and where to find it.'),
            preprocess: opt(Preprocess, {}, 'Pixel scaling and label encoding.'),
            validation: opt(Validation, { type: 'none' } as never, 'Where validation data comes from.'),
          },
          { additionalProperties: false },
        ),
        'Data: dataset, preprocessing, validation split.',
      ),
      model: req(Model, 'The network.'),
      training: req(
        Type.Object(
          {
            optimizer: opt(Type.Unsafe<PluginSpec>({ $ref: '#/$defs/optimizer' }), { type: 'adam' }, 'The optimizer and its parameters (Keras defaults).'),
            loss: req(Type.Unsafe<PluginSpec>({ $ref: '#/$defs/loss' }), 'The loss and its options.'),
            metrics: opt(Type.Array(Type.Unsafe<string>({ $ref: '#/$defs/metric' })), ['accuracy'], 'Metrics reported per epoch besides the loss.'),
            epochs: opt(PositiveInt(), 1, 'Passes over the training data (Keras default 1).'),
            batchSize: opt(PositiveInt(), 32, 'Examples per gradient step (Keras default 32).'),
            shuffle: opt(Type.Boolean(), true, 'Reshuffle the training data every epoch (seeded).'),
            earlyStopping: nullable(EarlyStopping, 'Stop when the monitored quantity stops improving; null trains every epoch.'),
          },
          { additionalProperties: false },
        ),
        'How to train.',
      ),
      seed: opt(Type.Integer({ minimum: 0, maximum: 4294967295 }), 0, 'Seeds weight initialization, dropout and shuffling: same spec, seed and engine give the same weights.'),
      reproduce: opt(Reproduce, {}, 'How `modelspec reproduce` runs this spec.'),
      search: nullable(Search, 'A randomized hyperparameter search with cross-validation, run by `modelspec search`.'),
      outputs: opt(Outputs, {}, 'What a run writes besides its metrics.'),
    },
    { additionalProperties: false },
  );

/** A spec as a user writes it: optional fields may be missing. */
export type ModelSpec = Static<ReturnType<typeof specShape>>;

type DeepRequired<T> = T extends (infer U)[]
  ? DeepRequired<U>[]
  : T extends object
    ? { readonly [K in keyof T]-?: DeepRequired<T[K]> }
    : T;

/** A spec after validation: every default filled in, read-only. What runs is exactly this. */
export type ResolvedModelSpec = DeepRequired<Omit<ModelSpec, '$schema' | 'extends'>>;
export type ResolvedLayer = LayerSpec & { name: string | null };

function pluginUnion(items: (Plugin & { params: TObject })[], noun: string, description: string, extra?: Record<string, TSchema>, extraRequired?: string[]) {
  return discriminated(items.map((p) => branch(p, noun, extra, extraRequired)), { description });
}

/** The one JSON Schema for specs, built from the registries (plugins included). */
export function buildSpecSchema(reg: Registries): Record<string, unknown> {
  const initObjects = reg.initializers.values();
  const spec = specShape();
  return withEditorHints({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://modelspec.dev/schema/modelspec.schema.json',
    title: 'modelspec',
    description: 'A machine-learning experiment as a file: data, model, training, and the published figures it reproduces.',
    ...JSON.parse(JSON.stringify(spec)),
    $defs: {
      layer: pluginUnion(reg.layers.values(), 'layer', 'A layer; `type` names the kind (as its tfjs factory: dense, conv2d, ...).', { name: layerName }),
      node: pluginUnion(
        reg.layers.values(),
        'layer',
        'A graph node: a layer with a name and the names of its inputs.',
        {
          name: req(Type.String({ pattern: NAME }), 'Node name, referenced by other nodes and by `outputs`.'),
          inputs: opt(Type.Array(Type.String({ pattern: NAME })), [], 'Names of the nodes feeding this one, in order.'),
        },
        ['name'],
      ),
      // A name, or {type, ...params}: if/then/else so the object form gets its defaults filled.
      initializer: {
        description: 'A weight initializer: a name (default parameters), or {type, ...params}.',
        if: { type: 'string' },
        then: { enum: reg.initializers.names(), markdownEnumDescriptions: initObjects.map((k) => kindMarkdown(k, 'initializer', k.params)) },
        else: pluginUnion(initObjects, 'initializer', 'Initializer with parameters.'),
      },
      regularizer: pluginUnion(reg.regularizers.values(), 'regularizer', 'A weight penalty added to the loss.'),
      optimizer: pluginUnion(reg.optimizers.values(), 'optimizer', 'The optimizer.'),
      loss: pluginUnion(reg.losses.values(), 'loss', 'The loss.'),
      metric: {
        type: 'string',
        enum: reg.metrics.names(),
        description: 'A metric name.',
        markdownEnumDescriptions: reg.metrics.values().map((k) => kindMarkdown(k, 'metric', {})),
      },
      dataset: pluginUnion(reg.datasets.values(), 'dataset', 'A dataset.'),
    },
  });
}

export { PositiveInt };
