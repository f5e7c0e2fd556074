import { hostname } from 'node:os';

/** Which process holds something (a run, a lock): written where it is held. */
export interface Owner {
  pid: number;
  host: string;
}

export const thisProcess = (): Owner => ({ pid: process.pid, host: hostname() });

/**
 * Whether the owner still runs: true or false on this host; null when it is
 * another host's process (nothing here can tell).
 */
export function ownerAlive(o: Partial<Owner>): boolean | null {
  if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
  if (o.host !== hostname()) return null;
  if (o.pid === process.pid) return true;
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
