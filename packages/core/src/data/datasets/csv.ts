import { Type } from '@sinclair/typebox';
import { nullable, opt, PositiveInt, req } from '../../spec/fields.js';
import { decodeCsv } from '../csv.js';
import { defineDataset, type DatasetKind, type FileRequest, type LoadedFile } from '../types.js';
import { FASHION_MNIST_CLASSES } from './fashion-mnist.js';
import { DataError } from '../../errors.js';

const HINT = 'The file must be a Kaggle-style CSV: a `label,pixel1,...,pixelN` header, then one line per image with integer cells.';
const baseName = (path: string) => path.split(/[\\/]/).pop() || path;

/** User-supplied images in Kaggle's CSV layout (as Kaggle publishes Fashion-MNIST). */
export const csv: DatasetKind = defineDataset({
  type: 'csv',
  description: 'Images from CSV files in the Kaggle layout: a `label,pixel1,...` header, then one image per line (label, then height*width integers 0..255).',
  params: Type.Object({
    train: req(Type.String({ minLength: 1, examples: ['data/train.csv'] }), 'Path of the training CSV (may be gzip-compressed); relative to the spec file.'),
    test: nullable(Type.String({ minLength: 1 }), 'Path of the test CSV; null when there is no test set.'),
    classNames: opt(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 2 }),
      [...FASHION_MNIST_CLASSES],
      'Name of each label, in label order; labels must be 0..length-1. The default is Fashion-MNIST\'s ten classes.',
    ),
    height: opt(PositiveInt(), 28, 'Image height in pixels.'),
    width: opt(PositiveInt(), 28, 'Image width in pixels.'),
  }),
  classNames: FASHION_MNIST_CLASSES,
  fileHint: HINT,
  files: (p) => {
    const files: FileRequest[] = [{ key: 'train', name: baseName(p.train), path: p.train }];
    // A test path the user wrote must exist: only a null test is "no test set".
    if (p.test != null) files.push({ key: 'test', name: baseName(p.test), path: p.test });
    return files;
  },
  decode: (p, files) => {
    const classNames = p.classNames ?? FASHION_MNIST_CLASSES;
    const options = { height: p.height ?? 28, width: p.width ?? 28, numClasses: classNames.length, hint: HINT };
    const read = (f: LoadedFile | undefined, key: string) => {
      if (!f) throw new DataError('not-found', key, 'file was not loaded', HINT);
      return decodeCsv(f.bytes, f.location, options);
    };
    return { train: read(files.train, p.train), test: files.test ? read(files.test, p.test ?? 'test') : null, classNames };
  },
});
