import { Type } from '@sinclair/typebox';
import { nullable } from '../../spec/fields.js';
import { decodeIdxFiles, idxFileRequests } from '../idx.js';
import { defineDataset, type DatasetKind } from '../types.js';

/** Label 0..9, in the dataset authors' order. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const HINT =
  'Install the official files with `sudo apt-get install dataset-fashion-mnist` (or `--reinstall` if they are damaged), ' +
  'or set `data.dataset.dir` in the spec or MODELSPEC_DATA_DIR to a directory holding the four IDX files (.gz or not).';

/** Hashes and sizes of the decompressed official files: the gz files differ between mirrors, these do not. */
export const fashionMnist: DatasetKind = defineDataset({
  type: 'fashionMnist',
  description: 'Zalando Fashion-MNIST: 60,000 training and 10,000 test 28x28 grayscale images of 10 clothing classes (official IDX files).',
  keras: 'tf.keras.datasets.fashion_mnist.load_data()',
  params: Type.Object({
    dir: nullable(
      Type.String({ minLength: 1 }),
      'Directory holding the four IDX files (gzip-compressed or not); relative to the spec file. null looks in the standard places.',
    ),
  }),
  classNames: FASHION_MNIST_CLASSES,
  fileHint: HINT,
  files: () =>
    idxFileRequests({
      trainImages: { sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888', bytes: 47_040_016 },
      trainLabels: { sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9', bytes: 60_008 },
      testImages: { sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b', bytes: 7_840_016 },
      testLabels: { sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34', bytes: 10_008 },
    }),
  decode: (_p, files) => decodeIdxFiles(files, { hint: HINT }),
});
