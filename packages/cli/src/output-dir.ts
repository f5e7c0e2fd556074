import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ModelspecError } from '@modelspec/core';
import { shown } from './spec-files.js';

/** Why a file-system call failed, in words; the codes a user can act on. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'something is already there',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'an input/output error',
  EBUSY: 'it is busy',
  ETXTBSY: 'it is busy',
};

const HINTS: Record<string, string> = {
  ENOSPC: 'free some space, or write to another disk',
  EDQUOT: 'free some space, or write to another disk',
  EACCES: 'choose a folder you can write to',
  EPERM: 'choose a folder you can write to',
  EROFS: 'choose a folder on a writable disk',
};

const VERBS: Record<string, string> = { mkdir: 'create', open: 'write', write: 'write', rename: 'write', copyfile: 'write', read: 'read', scandir: 'read', rmdir: 'remove', unlink: 'remove', rm: 'remove' };

/**
 * A file-system error as one line: what could not be done to which path,
 * and why. Null when `e` is not such an error (a bug, say). `path` names
 * the file when the error does not; `verb` overrides the one guessed from
 * the system call (an `open` for reading is not a write).
 */
export function outputError(e: unknown, o: { path?: string; verb?: string } = {}): ModelspecError | null {
  const err = e as NodeJS.ErrnoException | null;
  if (!err || typeof err !== 'object' || typeof err.code !== 'string' || !REASONS[err.code]) return null;
  if (typeof err.syscall !== 'string' && !o.path) return null;
  const path = o.path ?? err.path;
  const verb = o.verb ?? VERBS[err.syscall ?? ''] ?? 'use';
  let reason = REASONS[err.code]!;
  if (err.code === 'ENOENT' && path && (verb === 'write' || verb === 'create')) {
    // the folder exists, yet nothing can be made in it (/proc), or it does not
    reason = isFolder(dirname(resolve(path))) ? 'files cannot be created in that folder' : 'its folder does not exist';
  }
  const out = new ModelspecError(`cannot-${verb}`, `cannot ${verb} ${path ? shown(path) : '(no path)'}: ${reason} (${err.code})`, HINTS[err.code]);
  return Object.assign(out, { cause: e }); // MODELSPEC_DEBUG=1 shows where it happened
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks, before any work, that `path` is a folder that run folders or
 * reports can be created in, or that it can be made one: the nearest
 * existing folder on its way must be a folder, and one must be able to
 * create folders in it (tried, with a folder removed at once). Creates
 * nothing that stays, so a run that then fails on bad data leaves nothing.
 * Throws one ModelspecError naming the option.
 */
export async function checkOutDir(path: string, option = '--out'): Promise<void> {
  const refuse = (why: string, hint = `choose another ${option}`): never => {
    throw new ModelspecError('bad-output', `${option} ${path}: ${why}`, hint);
  };
  let at = resolve(path);
  for (;;) {
    const s = await stat(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
      return refuse(`${shown(at)} cannot be looked at: ${REASONS[e.code ?? ''] ?? e.message}`);
    });
    if (s) {
      if (!s.isDirectory()) refuse(`${shown(at)} is a file, not a folder`);
      break;
    }
    const up = dirname(at);
    if (up === at) refuse('no folder on its way exists');
    at = up;
  }
  // Not mkdir(..., { recursive: true }): in /proc it loops forever, at 100% CPU.
  const probe = join(at, `.modelspec-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    refuse(`cannot create folders in ${shown(at)}: ${code === 'ENOENT' ? 'the file system does not allow it' : (REASONS[code] ?? (e as Error).message)}`, HINTS[code] ?? `choose another ${option}`);
  }
  await rmdir(probe).catch(() => {});
}
