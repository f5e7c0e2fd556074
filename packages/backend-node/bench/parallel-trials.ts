/**
 * Independent trials (a reproduction's seeds, a search's folds) in parallel:
 * is it faster to train two at once, each in its own process with one engine
 * thread (`reproduce --workers 2`), than one after another with two threads?
 * One child process trains the spec's steps with every engine thread; then
 * two (or as many as cores) train them at the same time with one thread each
 * (warm, started together at a barrier). Both ways run in fresh processes,
 * as `modelspec reproduce` runs a trial; their step times give the trials
 * per second of each way. Run by engines.ts (parallelTrials below).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeEngines } from '../src/engines/index.js';
import { loadPublishedSpecs, timeSpecSteps, type StepTiming } from './specs.js';

export interface ParallelTiming {
  spec: string;
  /** The step time of one process alone, with every engine thread. */
  single: StepTiming;
  /** Each process's step time, trained at the same time as the other(s), one engine thread each. */
  perProcess: StepTiming[];
}

interface ChildMessage {
  ready?: true;
  timing?: StepTiming;
  error?: string;
}

async function child(specFile: string, engineName: string, maxSteps: number, maxSeconds: number): Promise<void> {
  const say = (m: ChildMessage) => console.log(JSON.stringify(m));
  const { specs } = await loadPublishedSpecs(dirname(specFile));
  const s = specs.find((p) => p.file === specFile);
  if (!s) throw new Error(`${specFile} does not load`);
  const engine = nodeEngines.find((e) => e.type === engineName);
  if (!engine) throw new Error(`no engine ${engineName}`);
  // warm: the model compiled and a few steps run once, then wait for the others
  await timeSpecSteps(s, engine, { warmup: 1, maxSteps: 2, maxSeconds: Math.min(maxSeconds, 5) });
  say({ ready: true });
  await new Promise<void>((go) => process.stdin.once('data', () => go()));
  say({ timing: await timeSpecSteps(s, engine, { warmup: 1, maxSteps, maxSeconds }) });
}

/** Trains `spec` in `processes` processes at once (each with `threads` engine threads, 0: the engine's default); a string says why it failed. */
export async function parallelTrials(specFile: string, name: string, o: { engine: string; processes: number; threads: number; maxSteps: number; maxSeconds: number }): Promise<{ spec: string; perProcess: StepTiming[] } | string> {
  const script = fileURLToPath(import.meta.url);
  const kids: { p: ChildProcess; wait: (pred: (m: ChildMessage) => boolean) => Promise<ChildMessage> }[] = [];
  try {
    for (let i = 0; i < o.processes; i++) {
      const p = spawn(process.execPath, [...process.execArgv, script, specFile, o.engine, String(o.maxSteps), String(o.maxSeconds)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: o.threads > 0 ? { ...process.env, MODELSPEC_NATIVE_THREADS: String(o.threads) } : process.env,
      });
      const k = { p, lines: [] as ChildMessage[], err: '', waiters: [] as (() => void)[] };
      let buf = '';
      p.stdout!.on('data', (d) => {
        buf += d;
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const l of parts) {
          try {
            k.lines.push(JSON.parse(l) as ChildMessage);
          } catch {
            // a library's own output: not ours
          }
        }
        k.waiters.splice(0).forEach((w) => w());
      });
      p.stderr!.on('data', (d) => (k.err += d));
      p.on('close', () => k.waiters.splice(0).forEach((w) => w()));
      const wait = (pred: (m: ChildMessage) => boolean) =>
        new Promise<ChildMessage>((resolve, reject) => {
          const check = () => {
            const m = k.lines.find((x) => pred(x) || x.error);
            if (m) return m.error ? reject(new Error(m.error)) : resolve(m);
            if (p.exitCode !== null || p.signalCode !== null) return reject(new Error(`child exited: ${k.err.trim().split('\n').pop() ?? ''}`));
            k.waiters.push(check);
          };
          check();
        });
      kids.push({ p, wait });
    }
    await Promise.all(kids.map((k) => k.wait((m) => !!m.ready)));
    for (const k of kids) k.p.stdin!.write('go\n');
    const timings = await Promise.all(kids.map((k) => k.wait((m) => !!m.timing)));
    return { spec: name, perProcess: timings.map((m) => m.timing!) };
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  } finally {
    for (const k of kids) if (k.p.exitCode === null) k.p.kill();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await child(process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
  process.exit(0);
}
