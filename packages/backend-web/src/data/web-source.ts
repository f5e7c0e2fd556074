import { DataError, type DataSource, type FileRequest } from '@modelspec/core';

/** Where a browser finds dataset files: files the user picked or dropped, then a folder URL. */
export interface WebDataOptions {
  /**
   * A folder URL holding the dataset's files (the IDX files, `.gz` or not; a
   * CSV by its base name), relative to the page. A spec's `data.dataset.dir`
   * names the folder instead when it is set.
   */
  baseUrl?: string;
  /** Files the user picked or dropped: matched to a request by name (`train-images-idx3-ubyte[.gz]`, `fashion-mnist_train.csv`). */
  files?: readonly File[];
  /** The largest file read when the dataset does not know the file's size (a CSV); default 512 MiB. */
  maxFileBytes?: number;
  fetch?: typeof fetch;
}

const MAX_UNKNOWN_FILE_BYTES = 512 * 1024 * 1024;
/** The most a file of `bytes` decompressed bytes can take stored (itself, or its gzip), as Node's source allows. */
const maxStoredBytes = (bytes: number) => bytes + Math.ceil(bytes / 1000) + 4096;

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Dataset bytes in a browser: from the files the user gave, else fetched
 * from a URL. It only finds bytes; core decompresses them and verifies the
 * SHA-256 (Web Crypto here) against the same checksums as on Node.
 */
export class WebDataSource implements DataSource {
  constructor(private readonly opts: WebDataOptions = {}) {}

  async readRaw(_dataset: string, params: Record<string, unknown>, request: FileRequest): Promise<{ bytes: Uint8Array; location: string }> {
    const limit = request.bytes !== undefined ? maxStoredBytes(request.bytes) : (this.opts.maxFileBytes ?? MAX_UNKNOWN_FILE_BYTES);
    const names = request.path !== undefined ? [baseName(request.path)] : [request.name, `${request.name}.gz`];
    const looked: string[] = [];

    const picked = (this.opts.files ?? []).find((f) => names.includes(f.name));
    if (picked) {
      if (picked.size > limit) throw new DataError('too-large', picked.name, `is ${mib(picked.size)}, more than the ${mib(limit)} this file can be`);
      return { bytes: new Uint8Array(await picked.arrayBuffer()), location: `file ${picked.name}` };
    }
    if (this.opts.files?.length) looked.push(`  - the files given (${this.opts.files.map((f) => f.name).join(', ')})`);

    const dir = typeof params['dir'] === 'string' && params['dir'] ? params['dir'] : this.opts.baseUrl;
    if (dir !== undefined) {
      const base = new URL(dir.endsWith('/') ? dir : `${dir}/`, globalThis.location?.href);
      // a path in the spec (csv) is relative to the folder, like a path relative to the spec file on Node
      const urls = request.path !== undefined ? [new URL(request.path, base)] : [`${request.name}.gz`, request.name].map((n) => new URL(n, base));
      for (const url of urls) {
        const got = await this.fetchBounded(url.href, limit);
        if ('bytes' in got) return got;
        looked.push(`  - ${url.href} (${got.reason})`);
      }
    }
    throw new DataError(
      'not-found',
      request.name,
      looked.length ? `not found; looked in:\n${looked.join('\n')}` : 'not found: no files were given and no dataset URL is set',
      `Give the URL of a folder holding ${names.join(' or ')}, or pick or drop the file.`,
    );
  }

  async sha256(bytes: Uint8Array): Promise<string> {
    const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  private async fetchBounded(url: string, max: number): Promise<{ bytes: Uint8Array; location: string } | { reason: string }> {
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(url);
    } catch (e) {
      return { reason: `fetch failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (!res.ok) return { reason: `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}` };
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > max) return { reason: `the server sends ${mib(length)}, more than the ${mib(max)} this file can be` };
    // read as it streams, so a server that lies about (or omits) its length cannot fill memory
    const reader = res.body?.getReader();
    if (!reader) {
      const bytes = new Uint8Array(await res.arrayBuffer());
      return bytes.length > max ? { reason: `the server sent more than ${mib(max)}` } : { bytes, location: url };
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        await reader.cancel();
        return { reason: `the server sent more than the ${mib(max)} this file can be` };
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      bytes.set(c, off);
      off += c.length;
    }
    return { bytes, location: url };
  }
}
