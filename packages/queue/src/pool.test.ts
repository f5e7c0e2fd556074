import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RunJob, RunOutcome } from '@modelspec/core';
import { processPool, threadShares, type FromChild, type ToChild } from './pool.js';

/** A pool process that records what it is sent and answers when told to. */
class FakeChild extends EventEmitter {
  readonly got: ToChild[] = [];
  connected = true;
  send(m: ToChild) {
    this.got.push(m);
    return true;
  }
  ref() {}
  unref() {}
  finish(id: string) {
    this.emit('message', { type: 'done', outcome: { id, status: 'completed' } as unknown as RunOutcome } satisfies FromChild);
  }
  /** What it was sent, short: `threads 2`, `run a`. */
  log = () => this.got.map((m) => (m.type === 'threads' ? `threads ${m.n}` : m.type === 'run' ? `run ${m.job.id}` : m.type));
}

const job = (id: string) => ({ id }) as unknown as RunJob;

describe('a process pool sharing the cores', () => {
  it('cuts the threads into shares that differ by one at most, each at least 1', () => {
    expect(threadShares(2, 1)).toEqual([2]);
    expect(threadShares(2, 2)).toEqual([1, 1]);
    expect(threadShares(2, 3)).toEqual([1, 1, 1]);
    expect(threadShares(5, 2)).toEqual([3, 2]);
    expect(threadShares(8, 3)).toEqual([3, 3, 2]);
  });

  it('tells each process its share before its trial, and gives a trial left alone all the threads', async () => {
    const children: FakeChild[] = [];
    const pool = processPool({ size: 2, threads: 2, spawn: () => children[children.push(new FakeChild()) - 1] as unknown as ChildProcess });
    const a = pool.run(job('a'), false);
    const b = pool.run(job('b'), false);
    const c = pool.run(job('c'), false); // a third process: the pool only limits what its executor is given
    const [p0, p1, p2] = children;
    expect(p0!.log()).toEqual(['threads 2', 'run a', 'threads 1']);
    expect(p1!.log()).toEqual(['threads 1', 'run b']);
    expect(p2!.log()).toEqual(['threads 1', 'run c']);
    p0!.finish('a');
    p1!.finish('b');
    await Promise.all([a, b]);
    expect(p2!.log()).toEqual(['threads 1', 'run c', 'threads 2']); // alone now: both
    p2!.finish('c');
    await c;
    const d = pool.run(job('d'), false); // the process idle last is taken again: told 2 already, it gets no message
    expect(children).toHaveLength(3);
    expect(p2!.log()).toEqual(['threads 1', 'run c', 'threads 2', 'run d']);
    p2!.finish('d');
    await d;
  });

  it('leaves the threads alone when none are given to share', async () => {
    const children: FakeChild[] = [];
    const pool = processPool({ size: 2, spawn: () => children[children.push(new FakeChild()) - 1] as unknown as ChildProcess });
    const a = pool.run(job('a'), false);
    children[0]!.finish('a');
    await a;
    expect(children[0]!.log()).toEqual(['run a']);
  });
});
