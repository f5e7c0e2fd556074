export type { DataSource, DatasetKind, DecodedDataset, FileRequest, ImageSet, LoadedFile } from './types.js';
export { defineDataset } from './types.js';
export { maybeGunzip, isGzip, crc32 } from './gunzip.js';
export {
  decodeIdx,
  decodeIdxImages,
  decodeIdxLabels,
  pairImagesLabels,
  idxFileRequests,
  decodeIdxFiles,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
} from './idx.js';
export type { IdxArray, IdxImages, IdxFileTable } from './idx.js';
export { decodeCsv } from './csv.js';
export type { CsvOptions } from './csv.js';
export { RandomState, shuffleInPlace } from './mt19937.js';
export type { ShuffleTarget } from './mt19937.js';
export { tailSplit, sklearnSplit } from './split.js';
export type { IndexSplit } from './split.js';
export { loadDataset } from './load.js';
export type { LoadedDataset } from './load.js';
export { builtinDatasets, datasetRegistry, validateDatasetKind, FASHION_MNIST_CLASSES } from './datasets/index.js';
export type { DatasetName, DatasetRegistry } from './datasets/index.js';
export { fashionMnist } from './datasets/fashion-mnist.js';
export { mnist } from './datasets/mnist.js';
export { csv as csvDataset } from './datasets/csv.js';
