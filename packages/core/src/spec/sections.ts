import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { discriminated, Fraction, nullable, opt, PositiveInt, req } from './fields.js';

/**
 * The parts of the spec that do not depend on any registry. Registry-driven
 * parts (layers, optimizers, losses, datasets, ...) are assembled in
 * `schema.ts`. Every field's documentation is its `description`.
 */

export const SPEC_VERSION = 1;

export const Provenance = Type.Object(
  {
    project: req(Type.String({ minLength: 1 }), 'The published project this spec reproduces (owner/name or title).'),
    url: nullable(Type.String(), 'Where the project is published.'),
    license: nullable(Type.String(), 'The project license, as the project states it.'),
    notebook: nullable(Type.String(), 'The notebook or script whose printed outputs the reference figures were read from.'),
    notes: opt(Type.String(), '', 'Anything a reader needs to know about the source (contradictions, missing code).'),
  },
  { additionalProperties: false, description: 'Where the experiment comes from.' },
);

export const MetricKey = Type.Unsafe<
  'testAccuracy' | 'testLoss' | 'valAccuracy' | 'valLoss' | 'trainAccuracy' | 'trainLoss' | 'bestValAccuracy' | 'macroPrecision' | 'macroRecall'
>({
  type: 'string',
  enum: ['testAccuracy', 'testLoss', 'valAccuracy', 'valLoss', 'trainAccuracy', 'trainLoss', 'bestValAccuracy', 'macroPrecision', 'macroRecall'],
  description:
    'What was measured: test* on the test set after training, val*/train* at the final epoch, bestValAccuracy the best epoch, macro* over the test set.',
});
export type MetricKey = Static<typeof MetricKey>;

export const Figure = Type.Object(
  {
    metric: MetricKey,
    value: req(Type.Number(), 'The published value, as printed (accuracy as a fraction, e.g. 0.8824).'),
    source: req(Type.String({ minLength: 1 }), 'Where exactly the value was read (notebook cell output, README section).'),
    note: opt(Type.String(), '', 'Caveats, e.g. "README only: no notebook output survives".'),
    tolerance: nullable(Type.Number({ minimum: 0 }), 'Allowed |measured mean - published|; null uses reference.tolerance (reference.lossTolerance for losses).'),
  },
  { additionalProperties: false },
);

export const Reference = Type.Object(
  {
    figures: opt(Type.Array(Figure), [], 'Published figures to compare against.'),
    tolerance: opt(Type.Number({ minimum: 0 }), 0.01, 'Default allowed difference for accuracy-like figures (about one point is seed noise for these models).'),
    lossTolerance: opt(Type.Number({ minimum: 0 }), 0.03, 'Default allowed difference for loss figures, which vary more from seed to seed than accuracies.'),
    parameters: nullable(PositiveInt(), 'The published total parameter count; the checker compares it with the model.'),
    confusionDiagonal: nullable(Type.Array(Type.Integer({ minimum: 0 })), 'Published confusion-matrix diagonal (correct predictions per class).'),
    notes: opt(Type.String(), '', 'How the figures were obtained and how far to trust them.'),
  },
  { additionalProperties: false, description: 'What was published, for `modelspec reproduce` to compare with.' },
);

export const Preprocess = Type.Object(
  {
    divideBy: opt(Type.Number({ exclusiveMinimum: 0 }), 1, 'Divide raw 0..255 pixels by this (255 gives [0, 1]; 1 keeps raw values, as Keras load_data gives them).'),
    labels: opt(
      Type.Unsafe<'integer' | 'oneHot'>({ type: 'string', enum: ['integer', 'oneHot'] }),
      'integer',
      'Labels as class ids (for sparse losses) or one-hot rows (to_categorical, for categorical losses).',
    ),
  },
  { additionalProperties: false, description: 'Pixel scaling and label encoding. Each image is reshaped to the model input shape.' },
);

const split = <T extends string, P extends TProperties>(type: T, description: string, props: P) =>
  Type.Object({ type: Type.Literal(type, { description }), ...props }, { additionalProperties: false });

export const Validation = discriminated(
  [
    split('none', 'No validation data.', {}),
    split('tail', "Keras `validation_split`: the LAST fraction of the training arrays, taken before any shuffling.", {
      fraction: req(Fraction({ exclusiveMinimum: 0, examples: [0.2] }), 'Fraction of the training set held out, e.g. 0.2.'),
    }),
    split('random', "sklearn `train_test_split(test_size, random_state)`: a seeded permutation, numpy's MT19937, the same indices as sklearn.", {
      fraction: req(Fraction({ exclusiveMinimum: 0, examples: [0.2] }), 'test_size: fraction held out for validation, e.g. 0.2.'),
      seed: req(Type.Integer({ minimum: 0, maximum: 4294967295, examples: [42] }), 'random_state.'),
    }),
    split('testSet', 'The test set doubles as validation data (`validation_data=(x_test, y_test)`).', {}),
  ],
  { description: 'Where validation data comes from.', default: { type: 'none' } },
);

export const EarlyStopping = Type.Object(
  {
    monitor: opt(
      Type.Unsafe<'valLoss' | 'valAccuracy' | 'loss' | 'accuracy'>({ type: 'string', enum: ['valLoss', 'valAccuracy', 'loss', 'accuracy'] }),
      'valLoss',
      'The quantity to watch.',
    ),
    patience: opt(Type.Integer({ minimum: 0 }), 0, 'Epochs without improvement before stopping.'),
    minDelta: opt(Type.Number({ minimum: 0 }), 0, 'Smallest change that counts as an improvement.'),
    restoreBestWeights: opt(Type.Boolean(), false, 'On stopping, go back to the weights of the best epoch.'),
  },
  { additionalProperties: false },
);

export const Outputs = Type.Object(
  {
    saveModel: opt(Type.Boolean(), true, 'Save the trained model (tfjs layers format) in the run folder.'),
    predictions: opt(Type.Integer({ minimum: 0 }), 24, 'How many test predictions to keep for the report grid.'),
  },
  { additionalProperties: false, description: 'What a run writes besides its metrics.' },
);

export const Reproduce = Type.Object(
  {
    seeds: opt(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }), [1, 2, 3], 'Seeds a reproduction runs; figures are compared as mean ± std over them.'),
    maxSeeds: opt(
      PositiveInt(),
      5,
      'At most this many seeds in all: while a published figure is inconclusive (the 95% interval of the mean crosses the edge of its tolerance), the next seeds after the highest run, as many as the spread says would decide it; a number no larger than the seeds adds none.',
    ),
    search: opt(
      Type.Boolean(),
      false,
      "Reproduce through the spec's search section: the search runs once (its candidates, folds and seed), and each seed trains its winner; the report carries the search's cv_results_. false trains the model as written.",
    ),
  },
  { additionalProperties: false, description: 'How `modelspec reproduce` runs this spec.' },
);

const Bound = (what: string) => req(Type.Number(), what);
export const Distribution = discriminated(
  [
    split('uniform', 'Uniform on [low, high] (scipy.stats.uniform).', { low: Bound('Lower bound.'), high: Bound('Upper bound.') }),
    split('logUniform', 'Log-uniform on [low, high] (scipy.stats.loguniform), for learning rates.', { low: Bound('Lower bound (> 0).'), high: Bound('Upper bound.') }),
    split('intUniform', 'A uniform integer in [low, high], both included (scipy.stats.randint(low, high + 1)).', { low: Bound('Lowest value.'), high: Bound('Highest value.') }),
  ],
  { description: 'A distribution to sample from.' },
);

export const SearchParameter = Type.Object(
  {
    path: req(Type.String({ minLength: 1 }), 'The spec field to vary, e.g. model.layers.3.filters.'),
    values: nullable(Type.Array(Type.Union([Type.Number(), Type.String(), Type.Boolean()]), { minItems: 1 }), 'Candidate values (a list in sklearn\'s param_distributions).'),
    distribution: nullable(Distribution, 'Or a distribution to sample from.'),
  },
  { additionalProperties: false },
);

export const Search = Type.Object(
  {
    parameters: req(Type.Array(SearchParameter, { minItems: 1 }), 'The fields to search over (sklearn param_distributions).'),
    candidates: opt(PositiveInt(), 10, 'Candidates to sample (sklearn n_iter); when every parameter is a list, sampled without replacement from the grid.'),
    folds: opt(Type.Integer({ minimum: 2, maximum: 20 }), 5, 'k of the stratified k-fold cross-validation (sklearn cv=5, StratifiedKFold without shuffling, exact).'),
    scoreBy: opt(Type.Unsafe<'accuracy' | 'loss'>({ type: 'string', enum: ['accuracy', 'loss'] }), 'accuracy', 'The score candidates are ranked by, on the held-out fold (loss: lower is better).'),
    refit: opt(Type.Boolean(), true, 'Train the best candidate on the whole training set and evaluate it on the test set (sklearn refit=True).'),
    seed: opt(Type.Integer({ minimum: 0, maximum: 4294967295 }), 0, 'Seeds the sampling of candidates (sklearn random_state).'),
  },
  { additionalProperties: false, description: 'A randomized search with cross-validation (sklearn RandomizedSearchCV), run by `modelspec search`.' },
);
