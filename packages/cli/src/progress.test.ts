import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { Progress } from './progress.js';

function capture(tty: boolean) {
  const lines: string[] = [];
  const drawn: string[] = [];
  const io: Io = { out: () => undefined, err: (t) => lines.push(t), tty };
  return { io, lines, drawn, stream: { write: (s: string) => drawn.push(s), columns: 200 } };
}
const rec = (epoch: number, seconds: number) => ({ epoch, train: { loss: 0.5 }, val: null, seconds });

describe('Progress', () => {
  it('ends each piped epoch line with the ETA of the whole job, later seeds included', () => {
    const c = capture(false);
    const shared: number[] = [];
    // seed 1 of 2, 3 epochs each: 3 + 3 epochs in the job
    const first = new Progress(c.io, 3, '[s1]', { epochSeconds: shared, laterEpochs: 3, stream: c.stream });
    first.epoch(rec(1, 10));
    first.epoch(rec(2, 20));
    first.epoch(rec(3, 30));
    // the second seed starts with the first one's mean epoch time (20 s)
    const second = new Progress(c.io, 3, '[s2]', { epochSeconds: shared, stream: c.stream });
    second.epoch(rec(1, 20));
    second.epoch(rec(2, 20));
    second.epoch(rec(3, 20));
    expect(c.lines).toEqual([
      '[s1] epoch 1/3  loss 0.5000  10.0s  ETA 0:50', // 5 epochs left at 10 s
      '[s1] epoch 2/3  loss 0.5000  20.0s  ETA 1:00', // 4 at 15 s
      '[s1] epoch 3/3  loss 0.5000  30.0s  ETA 1:00', // 3 at 20 s
      '[s2] epoch 1/3  loss 0.5000  20.0s  ETA 0:40',
      '[s2] epoch 2/3  loss 0.5000  20.0s  ETA 0:20',
      '[s2] epoch 3/3  loss 0.5000  20.0s', // done: no ETA
    ]);
    expect(c.drawn).toEqual([]); // no bar when piped
  });

  it('draws a bar with the ETA on a terminal', () => {
    const c = capture(true);
    const p = new Progress(c.io, 2, 'run', { epochSeconds: [60], laterEpochs: 2, stream: c.stream });
    p.batch({ epoch: 1, epochs: 2, batch: 5, batches: 10, loss: 0.25 } as never);
    expect(c.drawn).toHaveLength(1);
    // about 60 s left of this epoch, then 1 more epoch and 2 later ones at 60 s each
    expect(c.drawn[0]).toMatch(/run epoch 1\/2 █+░+ 5\/10 loss 0\.2500 ETA (3:5\d|4:00)$/);
  });
});
