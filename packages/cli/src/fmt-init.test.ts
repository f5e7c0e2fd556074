import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION, modelspec, root, tempDirs } from './test-support/cli.js';

const tmp = tempDirs('fmt');

describe('modelspec fmt', () => {
  it('--check passes on specs/: every published spec is formatted (CI runs this)', () => {
    const r = modelspec(['fmt', '--check', 'specs/'], root);
    const n = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml')).length;
    expect(r.err).toContain(`${n} files: 0 would be reformatted, ${n} already formatted`);
    expect(r.code).toBe(0);
  });

  // That the data and the resolved spec do not change is tested in core (format.test.ts), on every published spec.
  it('--check fails on a spec in flow style and writes nothing; fmt rewrites it, keeping its comments', () => {
    const dir = tmp();
    const flow = [
      '# yaml-language-server: $schema=../packages/core/schema/modelspec.schema.json',
      'name: flow',
      'specVersion: 1',
      'data: { dataset: { type: fashionMnist } }',
      'model:',
      '  type: sequential',
      '  layers:',
      '    - { type: input, shape: [28, 28] }',
      '    - { type: flatten }',
      '    - { units: 10, type: dense, activation: softmax }  # the output',
      'training: { loss: { type: sparseCategoricalCrossentropy } }',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'flow.yaml'), flow);
    const check = modelspec(['fmt', '--check', '.'], dir);
    expect(check.code).toBe(1);
    expect(check.out).toContain('would reformat flow.yaml');
    expect(readFileSync(join(dir, 'flow.yaml'), 'utf8')).toBe(flow);

    expect(modelspec(['fmt', 'flow.yaml'], dir)).toMatchObject({ code: 0, out: 'formatted flow.yaml\n' });
    const text = readFileSync(join(dir, 'flow.yaml'), 'utf8');
    expect(text).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=../packages/core/schema/modelspec.schema.json
      specVersion: 1
      name: flow
      data:
        dataset:
          type: fashionMnist
      model:
        type: sequential
        layers:
          - type: input
            shape: [28, 28]
          - type: flatten
          - type: dense
            units: 10
            activation: softmax
            # the output
      training:
        loss:
          type: sparseCategoricalCrossentropy
      "
    `);
    expect(modelspec(['fmt', '--check', 'flow.yaml'], dir).code).toBe(0);
  });

  it('refuses a file that does not parse, with its location', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yaml'), 'specVersion: 1\nname: [unclosed\n');
    const r = modelspec(['fmt', 'bad.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bad\.yaml:\d+:\d+ error YAML syntax/m);
  });
});

describe('modelspec init', () => {
  it('writes a valid spec with the modeline and a pointer to the docs, and never overwrites a file', () => {
    const dir = tmp();
    const r = modelspec(['init', 'mnist-cnn.yaml', '--dataset', 'mnist', '--template', 'cnn', '--validation', 'random', '--seed', '3'], dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('wrote mnist-cnn.yaml: a small convolutional network on mnist, random validation, seed 3\n');
    const text = readFileSync(join(dir, 'mnist-cnn.yaml'), 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^# yaml-language-server: \$schema=\S+\/packages\/core\/schema\/modelspec\.schema\.json$/);
    expect(existsSync(resolve(dir, lines[0]!.split('$schema=')[1]!))).toBe(true);
    expect(text).toContain('README ("Specs")');
    expect(text).toContain('name: mnist-cnn\n');
    expect(text).toContain('seed: 3\n');
    expect(modelspec(['validate', 'mnist-cnn.yaml'], dir)).toMatchObject({ code: 0, out: 'ok mnist-cnn.yaml\n' });
    expect(modelspec(['fmt', '--check', 'mnist-cnn.yaml'], dir).code).toBe(0);

    writeFileSync(join(dir, 'mine.yaml'), 'my own notes\n');
    const again = modelspec(['init', 'mine.yaml'], dir);
    expect(again.code).toBe(1);
    expect(again.err).toContain('mine.yaml already exists; modelspec init never overwrites a file');
    expect(readFileSync(join(dir, 'mine.yaml'), 'utf8')).toBe('my own notes\n');
  });

  it('says what it accepts, with a did-you-mean', () => {
    const r = modelspec(['init', 'x.yaml', '--dataset', 'fashionMnst'], tmp());
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown dataset "fashionMnst" (did you mean "fashionMnist"?); choose one of fashionMnist, mnist, csv');
  });

  it.runIf(existsSync(FASHION))('writes a spec that trains', () => {
    const dir = tmp();
    expect(modelspec(['init', '--yes'], dir).code).toBe(0);
    const r = modelspec(['train', 'experiment.yaml', '--limit', '200', '--test-limit', '200', '--epochs', '1', '--out', 'runs', '--json'], dir);
    expect(r.code, r.err).toBe(0);
    const metrics = JSON.parse(r.out);
    expect(metrics.test.accuracy).toBeGreaterThan(0.1);
  });
});
