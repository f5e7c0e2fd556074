import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What a refused read found: the caller turns it into its own error (dataset, model, input file). */
export type BoundedReadProblem =
  | { kind: 'missing' }
  | { kind: 'folder' }
  | { kind: 'not-regular' }
  | { kind: 'too-large'; size: number; max: number }
  | { kind: 'unreadable'; message: string; code?: string };

export class BoundedReadError extends Error {
  constructor(
    readonly path: string,
    readonly problem: BoundedReadProblem,
  ) {
    super(`${path}: ${describeProblem(problem)}`);
  }
}

export const formatSize = (n: number) =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;

export function describeProblem(p: BoundedReadProblem): string {
  switch (p.kind) {
    case 'missing':
      return 'no such file';
    case 'folder':
      return 'is a folder, not a file';
    case 'not-regular':
      return 'is not a regular file (a device, pipe or socket)';
    case 'too-large':
      return `is ${formatSize(p.size)}, more than the ${formatSize(p.max)} this file can be`;
    case 'unreadable':
      return `cannot be read: ${p.message}`;
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Devices (`/dev/zero`),
 * pipes and sockets are refused before a byte is read: opening without
 * blocking, then checking what was opened, so a FIFO cannot hang the read and
 * a link cannot swap the file between the check and the read. A file that
 * grows past `maxBytes` while being read is refused too.
 */
export async function readFileBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BoundedReadError(path, { kind: 'missing' });
    if (code === 'EISDIR') throw new BoundedReadError(path, { kind: 'folder' });
    throw new BoundedReadError(path, { kind: 'unreadable', message: (e as Error).message, ...(code ? { code } : {}) });
  }
  try {
    const s = await fh.stat();
    if (s.isDirectory()) throw new BoundedReadError(path, { kind: 'folder' });
    if (!s.isFile()) throw new BoundedReadError(path, { kind: 'not-regular' });
    if (s.size > maxBytes) throw new BoundedReadError(path, { kind: 'too-large', size: s.size, max: maxBytes });
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // the size stat gave, in one read; then small reads until the end (a file that grew meanwhile)
      const want = Math.min(total < s.size ? s.size - total : 64 * 1024, maxBytes + 1 - total);
      const buf = new Uint8Array(want);
      const { bytesRead } = await fh.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw new BoundedReadError(path, { kind: 'too-large', size: total, max: maxBytes });
    }
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  } catch (e) {
    if (e instanceof BoundedReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new BoundedReadError(path, { kind: 'unreadable', message: (e as Error).message, ...(code ? { code } : {}) });
  } finally {
    await fh.close();
  }
}
