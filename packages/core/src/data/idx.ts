import { DataError } from '../errors.js';
import type { DecodedDataset, FileRequest, ImageSet, LoadedFile } from './types.js';

/**
 * The IDX format (LeCun's MNIST files, and Fashion-MNIST's): a big-endian
 * header (0, 0, type, number of dimensions, one uint32 per dimension) and the
 * raw data. Only uint8 data is read: that is what every image dataset of this
 * family holds.
 */

export interface IdxArray {
  dims: number[];
  /** A view on the input bytes, not a copy. */
  data: Uint8Array;
}

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  data: Uint8Array;
}

const TYPES: Record<number, string> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };
export const IDX_IMAGES_MAGIC = 0x803;
export const IDX_LABELS_MAGIC = 0x801;

const DEFAULT_HINT = 'Replace the file with a good copy of the dataset.';
const fmt = (n: number) => n.toLocaleString('en-US');
const hexBytes = (b: Uint8Array, n: number) => [...b.subarray(0, n)].map((x) => x.toString(16).padStart(2, '0')).join(' ');

export function decodeIdx(bytes: Uint8Array, file: string, hint: string = DEFAULT_HINT): IdxArray {
  const fail = (code: string, message: string): never => {
    throw new DataError(code, file, message, hint);
  };
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    const still = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it is still gzip-compressed)' : '';
    fail('idx-bad-magic', `not an IDX file: it starts with bytes [${hexBytes(bytes, 4)}], expected 00 00 08 <dims>${still}`);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const name = TYPES[type] ? `${TYPES[type]} data (type 0x${type.toString(16).padStart(2, '0')})` : `unknown data type 0x${type.toString(16).padStart(2, '0')}`;
    fail('idx-bad-type', `IDX file holds ${name}; only uint8 (0x08) image and label files are supported`);
  }
  const rank = bytes[3]!;
  if (rank === 0) fail('idx-bad-magic', 'IDX header says the data has 0 dimensions');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail('idx-truncated', `file is truncated inside its IDX header: ${bytes.length} bytes, the header of a ${rank}-dimensional file alone is ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + dims.reduce((a, d) => a * d, 1);
  if (bytes.length !== expected) {
    const diff = bytes.length - expected;
    const what = diff < 0 ? `truncated: ${fmt(-diff)} bytes missing` : `padded: ${fmt(diff)} extra bytes at the end`;
    fail(
      diff < 0 ? 'idx-truncated' : 'idx-padded',
      `file is ${what} (header says dims [${dims.join(', ')}], so ${fmt(expected)} bytes; the file has ${fmt(bytes.length)})`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function expectMagic(bytes: Uint8Array, magic: number, what: string, file: string, hint: string) {
  const actual = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false) : -1;
  if (actual === magic) return;
  const other = actual === IDX_IMAGES_MAGIC ? ' (this is an images file)' : actual === IDX_LABELS_MAGIC ? ' (this is a labels file)' : '';
  throw new DataError(
    'idx-bad-magic',
    file,
    `expected an IDX ${what} file (magic ${magic}, bytes 00 00 08 0${magic & 0xf}), found bytes [${hexBytes(bytes, 4)}]${other}`,
    hint,
  );
}

/** An IDX images file: magic 2051, dims [n, height, width]. */
export function decodeIdxImages(
  bytes: Uint8Array,
  file: string,
  options: { height?: number; width?: number; hint?: string } = {},
): IdxImages {
  const { height = 28, width = 28, hint = DEFAULT_HINT } = options;
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 8) expectMagic(bytes, IDX_IMAGES_MAGIC, 'images', file, hint);
  const { dims, data } = decodeIdx(bytes, file, hint);
  const [count, h, w] = dims as [number, number, number];
  if (h !== height || w !== width) {
    throw new DataError('idx-bad-shape', file, `images are ${h}x${w}, expected ${height}x${width} (dims [${dims.join(', ')}])`, hint);
  }
  return { count, height, width, data };
}

/** An IDX labels file: magic 2049, dims [n]. */
export function decodeIdxLabels(bytes: Uint8Array, file: string, hint: string = DEFAULT_HINT): Uint8Array {
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 8) expectMagic(bytes, IDX_LABELS_MAGIC, 'labels', file, hint);
  return decodeIdx(bytes, file, hint).data;
}

/** Images and labels from two files become one set, once counts and label values are checked. */
export function pairImagesLabels(
  images: IdxImages,
  labels: Uint8Array,
  files: { images: string; labels: string },
  options: { numClasses?: number; hint?: string } = {},
): ImageSet {
  const { numClasses = 10, hint = DEFAULT_HINT } = options;
  if (images.count !== labels.length) {
    throw new DataError(
      'count-mismatch',
      files.labels,
      `holds ${fmt(labels.length)} labels but ${files.images} holds ${fmt(images.count)} images; the two files must come from the same set`,
      hint,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= numClasses) {
      throw new DataError(
        'label-out-of-range',
        files.labels,
        `label at index ${i} is ${labels[i]}; labels must be 0..${numClasses - 1}`,
        hint,
      );
    }
  }
  return { images: images.data, labels, count: images.count, height: images.height, width: images.width };
}

/** The four-file layout of MNIST and Fashion-MNIST, with the sizes and hashes of the decompressed files. */
export interface IdxFileTable {
  trainImages: { sha256: string; bytes: number };
  trainLabels: { sha256: string; bytes: number };
  testImages: { sha256: string; bytes: number };
  testLabels: { sha256: string; bytes: number };
}

const NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export function idxFileRequests(table: IdxFileTable): FileRequest[] {
  return (Object.keys(NAMES) as (keyof typeof NAMES)[]).map((key) => ({ key, name: NAMES[key], ...table[key] }));
}

/** Decodes the four files named by `idxFileRequests`. */
export function decodeIdxFiles(files: Record<string, LoadedFile>, options: { numClasses?: number; hint?: string } = {}): DecodedDataset {
  const pair = (imagesKey: keyof typeof NAMES, labelsKey: keyof typeof NAMES): ImageSet => {
    const im = files[imagesKey];
    const lb = files[labelsKey];
    if (!im || !lb) throw new DataError('not-found', NAMES[im ? labelsKey : imagesKey], 'file was not loaded', options.hint);
    return pairImagesLabels(
      decodeIdxImages(im.bytes, im.location, { hint: options.hint }),
      decodeIdxLabels(lb.bytes, lb.location, options.hint),
      { images: im.location, labels: lb.location },
      options,
    );
  };
  return { train: pair('trainImages', 'trainLabels'), test: pair('testImages', 'testLabels') };
}
