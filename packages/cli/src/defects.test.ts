import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, renderError } from './main.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { bin, FASHION, modelspec as cli, root } from './test-support/cli.js';

/**
 * Issue 13 (part 4): defects found when modelspec was attacked. Each test
 * drives the real binary (built by `tsc -b`) into one of them and expects
 * one clear line, the right exit code, and never a stack trace or a hang.
 */
const modelspec = (args: string[], cwd: string, timeout = 120_000) => cli(args, cwd, { timeout });
/** A shell pipeline, for what only a pipe shows (EPIPE). */
function shell(script: string, cwd: string) {
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${script}`], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
/** One `error:` line (and its `fix:`), no stack trace. */
function oneError(r: { code: number | null; err: string; timedOut?: boolean }, code: number, text: string | RegExp) {
  expect(r.timedOut ?? false, 'the command hung').toBe(false);
  expect(r.err).not.toMatch(/^\s+at /m);
  expect(r.err).not.toContain('node:internal');
  expect(r.err.trim().split('\n').filter((l) => !l.startsWith('  fix: ')), r.err).toHaveLength(1);
  expect(r.err).toMatch(/^error: /);
  if (typeof text === 'string') expect(r.err).toContain(text);
  else expect(r.err).toMatch(text);
  expect(r.code, r.err).toBe(code);
}

const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'modelspec-defects-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('output locations (issue 13, defect 4)', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'afile'), 'x');
  const spec = join(root, 'specs/e-shallow.yaml');
  const quick = ['--limit', '100', '--test-limit', '50', '--epochs', '1'];

  it('train, reproduce and search refuse an --out that is a file, before any training', () => {
    oneError(modelspec(['train', spec, ...quick, '--out', 'afile'], dir), EXIT.error, '--out afile: afile is a file, not a folder');
    oneError(modelspec(['train', spec, ...quick, '--out', 'afile/runs'], dir), EXIT.error, '--out afile/runs: afile is a file, not a folder');
    oneError(modelspec(['reproduce', spec, '--seeds', '1', ...quick, '--out', 'afile'], dir), EXIT.error, '--out afile: afile is a file');
    oneError(modelspec(['reproduce', spec, '--seeds', '1', ...quick, '--reports', 'afile'], dir), EXIT.error, '--reports afile: afile is a file');
    const search = join(dir, 'search.yaml');
    writeFileSync(search, [`extends: ${spec}`, 'name: s', 'search:', '  parameters:', '    - { path: model.layers.2.units, values: [2, 4] }', '  candidates: 1', '  folds: 2'].join('\n'));
    const r = modelspec(['search', search, ...quick, '--out', 'afile'], dir);
    oneError(r, EXIT.error, '--out afile: afile is a file');
    expect(r.out).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['afile', 'search.yaml']);
  });

  it('refuses an --out under /proc at once (it hung at 100% CPU in a recursive mkdir)', () => {
    oneError(modelspec(['train', spec, ...quick, '--out', '/proc/modelspec-runs'], dir, 30_000), EXIT.error, /--out \/proc\/modelspec-runs: cannot create folders in \/proc/);
    oneError(modelspec(['reproduce', spec, '--seeds', '1', ...quick, '--reports', '/proc/x/y'], dir, 30_000), EXIT.error, 'cannot create folders in /proc');
  });

  it('schema --write names the problem with the file: a folder, a missing folder, a full disk', () => {
    mkdirSync(join(dir, 'folder'), { recursive: true });
    oneError(modelspec(['schema', '--write', 'folder'], dir), EXIT.error, 'cannot write folder: it is a folder');
    oneError(modelspec(['schema', '--write', 'nowhere/schema.json'], dir), EXIT.error, 'cannot write nowhere/schema.json: its folder does not exist');
    oneError(modelspec(['schema', '--write', '/proc/schema.json'], dir, 30_000), EXIT.error, 'cannot write /proc/schema.json');
    oneError(modelspec(['schema', '--write', '/dev/full'], dir), EXIT.error, 'no space left on the device');
  });
});

describe('empty folders, folders for files (issue 13, defects 6 and 7)', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', 'notes.txt'), 'not a spec');

  it('validate and reproduce on a folder without specs are an error naming the folder', () => {
    oneError(modelspec(['validate', 'empty'], dir), EXIT.error, 'empty: no spec files (.yaml, .yml, .json) in this folder');
    oneError(modelspec(['reproduce', 'empty', '--seeds', '1'], dir), EXIT.error, 'empty: no spec files');
  });

  it('summary on a folder says it takes one spec file', () => {
    oneError(modelspec(['summary', join(root, 'specs')], dir), EXIT.error, /specs: a folder; summary takes one spec file/);
  });
});

describe('stdout closed early (issue 13, defect 5)', () => {
  it('schema | head and summary | head end quietly', () => {
    const a = shell(`node ${bin} schema | head -c 10`, root);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    // the spec's warnings go to stderr; nothing else may
    const b = shell(`node ${bin} summary specs/e-additional-layers.yaml | head -1`, root);
    expect(b.err).not.toMatch(/EPIPE|^\s+at |^error/m);
    expect(b.code).toBe(0);
  });
});

describe('exit codes and unexpected errors (issue 13, defects 8 and 9)', () => {
  const capture = (out: Io['out'] = () => {}) => {
    const err: string[] = [];
    return { io: { out, err: (t: string) => void err.push(t), tty: false } satisfies Io, err };
  };

  it('an unexpected error is one "internal error" line with how to see the stack, exit 1', async () => {
    const { io, err } = capture(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(await main(['node', 'modelspec', 'schema'], io)).toBe(EXIT.error);
    expect(err.join('\n')).toBe('internal error: cannot read properties of undefined\n  this is a bug in modelspec: run again with MODELSPEC_DEBUG=1 for the stack trace, and report it');
  });

  it('MODELSPEC_DEBUG=1 adds the stack; file-system errors from anywhere are one line', () => {
    const e = new TypeError('boom');
    const debug = capture();
    expect(renderError(e, debug.io, true)).toBe(EXIT.error);
    expect(debug.err.join('\n')).toContain(e.stack);
    const full = Object.assign(new Error("ENOSPC: no space left on device, write '/data/runs/x/history.csv'"), { code: 'ENOSPC', syscall: 'write', path: '/data/runs/x/history.csv' });
    const plain = capture();
    expect(renderError(full, plain.io, false)).toBe(EXIT.error);
    expect(plain.err.join('\n')).toMatch(/^error: cannot write \/data\/runs\/x\/history.csv: no space left on the device \(ENOSPC\)\n {2}fix: /);
  });

  it('reproduce --check exits 3 when it ran but a figure is not reproduced', () => {
    const dir = tmp();
    const r = modelspec(['reproduce', join(root, 'specs/e-shallow.yaml'), '--seeds', '1', '--limit', '100', '--test-limit', '50', '--epochs', '1', '--check', '--out', 'runs', '--reports', 'reports'], dir);
    // a reduced run shows no verdict, yet --check still holds it to the tolerance
    expect(r.out).toContain('REDUCED RUN');
    expect(r.out).toContain('→ outside tolerance (reduced run)');
    expect(r.code, r.err).toBe(EXIT.checkFailed);
  });

  it('--help lists the exit codes; usage errors stay 2', () => {
    const r = modelspec(['--help'], root);
    expect(r.out).toMatch(/Exit codes:\n\s+0 +.*\n\s+1 +.*\n\s+2 +.*usage.*\n\s+3 +.*--check.*\n\s+130 +/);
    expect(modelspec(['summary'], root).code).toBe(EXIT.usage);
  });
});

describe.runIf(existsSync(FASHION))('trained models as input (issue 13, defects 2, 3, 7)', () => {
  let dir: string;
  let run: string;
  let other: string;
  beforeAll(() => {
    dir = tmp();
    for (const [spec, seed] of [['e-shallow', '1'], ['a-mlp1', '2']] as const) {
      const r = modelspec(['train', join(root, `specs/${spec}.yaml`), '--limit', '200', '--test-limit', '100', '--epochs', '1', '--seed', seed, '--out', 'runs'], dir);
      expect(r.code, r.err).toBe(0);
    }
    [run, other] = ['e-shallow', 'a-mlp1'].map((n) => join('runs', readdirSync(join(dir, 'runs')).find((f) => f.startsWith(n))!)) as [string, string];
   }, 240_000);
  /** A copy of the run folder, its model changed by `edit`. */
  let n = 0;
  const tampered = (edit: (model: string) => void) => {
    const copy = join('tampered', `r${++n}`);
    cpSync(join(dir, run), join(dir, copy), { recursive: true });
    edit(join(dir, copy, 'model'));
    return copy;
  };
  const editJson = (f: (j: any) => void) => (model: string) => {
    const j = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
    f(j);
    writeFileSync(join(model, 'model.json'), JSON.stringify(j));
  };

  it('refuses weights changed after training: the hash run.json recorded', () => {
    expect(modelspec(['predict', run, join(FASHION, 't10k-images-idx3-ubyte.gz')], dir).code).toBe(0);
    const copy = tampered((m) => {
      const b = readFileSync(join(m, 'weights.bin'));
      b.writeFloatLE(b.readFloatLE(400) + 0.25, 400);
      writeFileSync(join(m, 'weights.bin'), b);
    });
    const recorded = JSON.parse(readFileSync(join(dir, copy, 'run.json'), 'utf8')).weightsSha256 as string;
    for (const cmd of [['evaluate', copy, '--test-limit', '50'], ['predict', copy, join(FASHION, 't10k-images-idx3-ubyte.gz')]]) {
      const r = modelspec(cmd, dir);
      oneError(r, EXIT.error, `not the ones ${join(copy, 'run.json')} recorded (weightsSha256 ${recorded.slice(0, 12)}`);
      expect(r.out).toBe('');
    }
  });

  it('refuses a tampered model.json or weight file with one line naming it', () => {
    // the whole corpus is in backend-node's model-io.test.ts; here, that the CLI renders them as one line
    const cases: [(m: string) => void, string][] = [
      [editJson((j) => (j.weightsManifest[0].paths = ['../../../../../../../../dev/zero'])), 'is outside the model folder'],
      [(m) => writeFileSync(join(m, 'model.json'), '{"format": "layers-model", "modelTo'), 'not valid JSON'],
      [(m) => writeFileSync(join(m, 'weights.bin'), readFileSync(join(m, 'weights.bin')).subarray(0, 1000)), 'weights.bin holds 1000 bytes'],
      [editJson((j) => (j.weightsManifest[0].weights[0].shape = [100000, 100000])), 'its weights need 37.3 GiB'],
    ];
    for (const [edit, text] of cases) {
      const copy = tampered(edit);
      oneError(modelspec(['evaluate', copy, '--test-limit', '50'], dir, 60_000), EXIT.error, text);
    }
    const copy = tampered((m) => rmSync(join(m, 'model.json')));
    oneError(modelspec(['evaluate', join(copy, 'model')], dir), EXIT.error, 'is neither a run folder nor a model saved by modelspec');
  });

  it('predict reads the PNG header first and refuses a wrong size without decoding it', () => {
    // a 30000x30000 PNG header with no image data: only the header can have been read
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type), data, Buffer.alloc(4)]); // a zero CRC: a decoder stops at it
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30_000, 0);
    ihdr.writeUInt32BE(30_000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    writeFileSync(join(dir, 'huge.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]));
    oneError(modelspec(['predict', run, 'huge.png'], dir), EXIT.error, 'huge.png: the image is 30000x30000, the model takes 784 pixels (28x28)');
  });

  it('predict on a file that is neither a PNG nor IDX images speaks of the input, not the dataset', () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello, this is text');
    const r = modelspec(['predict', run, 'notes.txt'], dir);
    oneError(r, EXIT.error, 'notes.txt: not a PNG image or an IDX images file');
    expect(r.err).not.toContain('dataset');
    oneError(modelspec(['predict', run, '/dev/zero'], dir, 30_000), EXIT.error, '/dev/zero: is not a regular file');
    copyFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'), join(dir, 'labels.gz'));
    const labels = modelspec(['predict', run, 'labels.gz'], dir);
    oneError(labels, EXIT.error, /labels\.gz: .*images/);
    expect(labels.err).not.toContain('dataset');
  });

  it('a dataset file that is a FIFO or a device is refused at once (it hung, or grew to 24 GB)', () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    for (const f of readdirSync(FASHION)) copyFileSync(join(FASHION, f), join(data, f));
    rmSync(join(data, 't10k-labels-idx1-ubyte.gz'));
    expect(spawnSync('mkfifo', [join(data, 't10k-labels-idx1-ubyte')]).status).toBe(0);
    const r = modelspec(['train', join(root, 'specs/e-shallow.yaml'), '--limit', '100', '--epochs', '1', '--set', `data.dataset.dir=${data}`, '--out', 'fifo-runs'], dir, 60_000);
    oneError(r, EXIT.error, 't10k-labels-idx1-ubyte: is not a regular file');
    expect(existsSync(join(dir, 'fifo-runs'))).toBe(false);
  });

  it('report across runs of two specs says so in the user’s words', () => {
    const r = modelspec(['report', run, other, '--out', 'rep'], dir);
    oneError(r, EXIT.error, 'the run folders hold runs of different specs (e-shallow, a-mlp1)');
    expect(r.err).not.toContain('readReproduction');
  });

  it('report --out at a file, or under /proc, is one line', () => {
    writeFileSync(join(dir, 'afile'), 'x');
    oneError(modelspec(['report', run, '--out', 'afile'], dir), EXIT.error, '--out afile: afile is a file, not a folder');
    oneError(modelspec(['report', run, '--out', '/proc/report'], dir, 30_000), EXIT.error, 'cannot create folders in /proc');
  });
});
