import { RunError } from '@modelspec/core';

/** ioredis options for one Redis server, read from a URL. */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  /** The URL with its password hidden, for messages and logs. */
  shown: string;
}

/**
 * `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS (the
 * server's certificate is verified as Node verifies any TLS peer). A password
 * may also come from REDISCLI_AUTH, as redis-cli takes it, so it stays out of
 * the process list.
 */
export function parseRedisUrl(url: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RunError('bad-queue-url', `--queue ${url}: not a URL`, 'give redis://host:port[/db] (rediss:// for TLS), e.g. redis://127.0.0.1:6379');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new RunError('bad-queue-url', `--queue ${url}: the queue is a Redis server, not ${u.protocol.replace(/:$/, '')}`, 'give redis://host:port[/db] (rediss:// for TLS)');
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RunError('bad-queue-url', `--queue ${url}: the database "${u.pathname.slice(1)}" is not a number`, 'redis://host:port/0 names database 0');
  const port = u.port ? Number(u.port) : 6379;
  const password = u.password ? decodeURIComponent(u.password) : env['REDISCLI_AUTH'] || undefined;
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const shownUrl = `${u.protocol}//${username ? `${username}${password ? ':***' : ''}@` : password && u.password ? ':***@' : ''}${u.hostname}:${port}${db ? `/${db}` : ''}`;
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    shown: shownUrl,
  };
}

/** What BullMQ and ioredis take: blocking commands must not time out (BullMQ's rule for workers). */
export function connectionOptions(t: RedisTarget): Record<string, unknown> {
  const { shown: _s, ...rest } = t;
  return { ...rest, maxRetriesPerRequest: null };
}
