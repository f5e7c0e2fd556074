import { DataError } from '../errors.js';
import { maybeGunzip } from './gunzip.js';
import type { DataSource, DatasetKind, DecodedDataset, FileRequest, LoadedFile } from './types.js';

export interface LoadedDataset {
  dataset: DecodedDataset;
  /** Label names: the decoded set's own (csv params) or the kind's. */
  classNames: readonly string[];
  /** Where each file came from and the SHA-256 of its decompressed bytes, for the run record. */
  files: Record<string, { location: string; sha256: string }>;
}

const DEFAULT_HINT = 'Replace the file with a good copy of the dataset.';

/**
 * Reads, decompresses and verifies every file a dataset kind asks for, then
 * decodes them. Finding the bytes is the source's job; deciding whether they
 * are the right bytes is done here, once, for every backend.
 */
export async function loadDataset(kind: DatasetKind, params: Record<string, unknown>, source: DataSource): Promise<LoadedDataset> {
  const hint = kind.fileHint ?? DEFAULT_HINT;
  const loaded: Record<string, LoadedFile> = {};
  for (const request of kind.files(params as never)) {
    const file = await loadFile(kind, params, source, request, hint);
    if (file) loaded[request.key] = file;
  }
  const dataset = kind.decode(params as never, loaded);
  const files = Object.fromEntries(Object.entries(loaded).map(([key, f]) => [key, { location: f.location, sha256: f.sha256 }]));
  return { dataset, classNames: dataset.classNames ?? kind.classNames, files };
}

async function loadFile(
  kind: DatasetKind,
  params: Record<string, unknown>,
  source: DataSource,
  request: FileRequest,
  hint: string,
): Promise<LoadedFile | undefined> {
  let raw: { bytes: Uint8Array; location: string };
  try {
    raw = await source.readRaw(kind.type, params, request);
  } catch (e) {
    if (request.optional && e instanceof DataError && e.code === 'not-found') return undefined;
    throw e;
  }
  const { location } = raw;
  try {
    const bytes = maybeGunzip(raw.bytes, location, hint);
    if (request.bytes !== undefined && bytes.length !== request.bytes) {
      throw new DataError(
        'size-mismatch',
        location,
        `is ${bytes.length.toLocaleString('en-US')} bytes after decompression; the official ${request.name} is ${request.bytes.toLocaleString('en-US')}`,
        hint,
      );
    }
    const sha256 = await source.sha256(bytes);
    if (request.sha256 !== undefined && sha256 !== request.sha256.toLowerCase()) {
      throw new DataError(
        'checksum-mismatch',
        location,
        `is not the official ${request.name}: SHA-256 of its decompressed bytes is ${sha256}, expected ${request.sha256}`,
        hint,
      );
    }
    return { bytes, location, sha256 };
  } catch (e) {
    // A bad download must not be found again (and trusted again) next run.
    if (e instanceof DataError && source.discard) await source.discard(location);
    throw e;
  }
}
