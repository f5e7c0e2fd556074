import type { TObject, Static } from '@sinclair/typebox';
import type { Plugin } from '../registry/registry.js';

/** Decoded images: `count` images of height x width uint8 pixels, row-major, and their labels. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** A file a dataset needs, as the dataset names it. The backend finds and reads it. */
export interface FileRequest {
  /** The dataset's own key for the file, e.g. `trainImages`. */
  key: string;
  /** Canonical file name without `.gz`, e.g. `train-images-idx3-ubyte`; for user files the path's base name. */
  name: string;
  /** A path the user gave (csv); relative paths are relative to the spec file. */
  path?: string;
  /** SHA-256 (hex) of the decompressed bytes, and their size, when the content is known in advance. */
  sha256?: string;
  bytes?: number;
  /** The user may leave this file out (e.g. a CSV test set). */
  optional?: boolean;
}

/** A file as read: decompressed, verified bytes and where they came from (for error messages and run records). */
export interface LoadedFile {
  bytes: Uint8Array;
  /** Where the bytes came from: a path, a URL, a package name. */
  location: string;
  sha256: string;
}

export interface DecodedDataset {
  train: ImageSet;
  test: ImageSet | null;
  /** Label names when the params choose them (csv `classNames`); otherwise the kind's `classNames` apply. */
  classNames?: readonly string[];
}

/**
 * A dataset kind: which files it needs, and how their bytes become images.
 * Finding files (directories, packages, caches, downloads) is the backend's job.
 */
export interface DatasetKind<P extends TObject = TObject> extends Plugin {
  readonly params: P;
  readonly classNames: readonly string[];
  /** How a user gets a good copy of the dataset's files; ends messages about a missing or bad file. */
  readonly fileHint?: string;
  files(params: Static<P>): FileRequest[];
  decode(params: Static<P>, files: Record<string, LoadedFile>): DecodedDataset;
}

/** The raw-byte access a backend gives to dataset loading. */
export interface DataSource {
  /**
   * The bytes of one requested file, possibly gzip-compressed (core decompresses
   * and verifies them). Throws a DataError naming where it looked when it finds nothing.
   */
  readRaw(dataset: string, params: Record<string, unknown>, request: FileRequest): Promise<{ bytes: Uint8Array; location: string }>;
  sha256(bytes: Uint8Array): Promise<string>;
  /**
   * Called when bytes read from `location` failed verification (bad gzip,
   * size or checksum), so a source can drop a cached download instead of
   * finding it again next time. Never deletes files the user put in place.
   */
  discard?(location: string): Promise<void>;
}

/** Checks a dataset kind against its own params type, then erases it for the registry. */
export const defineDataset = <P extends TObject>(k: DatasetKind<P>): DatasetKind => k as unknown as DatasetKind;
