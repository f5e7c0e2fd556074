import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistries, createSpecLoader, formatIssues, PARSE_LIMITS, type Issue, type LoadResult } from '../../src/index.js';

/**
 * A corpus of bad specs: each fixture in this folder is a small variant of a
 * valid spec with one kind of problem (the comment on its first line says
 * which). Every fixture must be refused with located, actionable errors, in
 * well under a second, and its rendered output is pinned at the bottom.
 *
 * Adding a fixture: drop the file here, add an `it` with an empty
 * `toMatchInlineSnapshot()` to the last block, run
 * `npx vitest run test/bad-specs -u` (the path before `-u`: `-u` takes an optional value and would swallow it), then read the snapshot.
 */

const dir = __dirname;
const loader = createSpecLoader(builtinRegistries());
const fixtures = readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

/**
 * Fixtures that core currently gets wrong (see the "known core bugs" block).
 * Their tests are `it.fails`: when core is fixed they start failing, and the
 * fixture moves to the pinned snapshots.
 */
const KNOWN_BUGS: Record<string, string> = {};

const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const fileOf = (name: string) => `bad-specs/${name}`;

function load(name: string, text = read(name)): { result: LoadResult; ms: number } {
  const t0 = performance.now();
  const result = loader.load(text, fileOf(name));
  return { result, ms: performance.now() - t0 };
}

const errorsOf = (r: LoadResult): Issue[] => r.issues.filter((i) => i.severity === 'error');

/** The rendered issues of a fixture, as a user sees them. */
function render(name: string): string {
  return formatIssues(load(name).result.issues);
}

/** 1-based line and column of the first occurrence of `needle` in a fixture, comment lines skipped. */
function positionOf(name: string, needle: string): { line: number; col: number } {
  const lines = read(name).split('\n');
  const line = lines.findIndex((l) => !l.trimStart().startsWith('#') && l.includes(needle));
  if (line < 0) throw new Error(`${needle} not in ${name}`);
  return { line: line + 1, col: lines[line]!.indexOf(needle) + 1 };
}

// Hostile inputs generated at run time rather than committed.
const generated: Record<string, () => string> = {
  // A valid spec padded with a comment to one byte over the size limit.
  'oversized.yaml': () => {
    const spec = read('misspelled-layer-type.yaml').replace('type: dnese', 'type: dense');
    return spec + '# ' + 'x'.repeat(PARSE_LIMITS.maxBytes - Buffer.byteLength(spec) - 1);
  },
  // 300 block mappings, each indented one space deeper (about 45 KB, under the size limit).
  'deep-block-mapping.yaml': () => {
    const lines = ['specVersion: 1', 'name: deep-block-map', 'reference:'];
    for (let i = 0; i < 300; i++) lines.push(`${' '.repeat(i + 1)}k${i}:`);
    lines.push(`${' '.repeat(301)}leaf: 1`);
    return lines.join('\n') + '\n';
  },
  // 5,000 nested flow mappings.
  'deep-flow-mapping.yaml': () => `specVersion: 1\nname: deep\nreference: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`,
  // 5,000 nested JSON arrays.
  'deep-nesting.json': () => `{"specVersion": 1, "name": "deep", "model": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
  // A tag before each flow collection (10 KB) once hid the nesting from the pre-scan: yaml overflowed the stack.
  'deep-tagged-flow.yaml': () => `specVersion: 1\nname: deep\nreference: !!map {"a": !!seq ${'['.repeat(5000)}${']'.repeat(5000)}}\n`,
  'deep-local-tags.yaml': () => `specVersion: 1\nname: deep\nreference: ${'!local ['.repeat(3000)}1${']'.repeat(3000)}\n`,
  'deep-verbatim-tags.yaml': () => `specVersion: 1\nname: deep\nreference: ${'!<tag:yaml.org,2002:seq> ['.repeat(3000)}1${']'.repeat(3000)}\n`,
  'deep-anchors.yaml': () => `specVersion: 1\nname: deep\nreference: ${'&a {k: '.repeat(3000)}1${'}'.repeat(3000)}\n`,
  'deep-tags-in-flow.yaml': () => `specVersion: 1\nname: deep\nreference: [${'1, !!seq ['.repeat(3000)}1${']'.repeat(3000)}]\n`,
};

describe('every bad spec in test/bad-specs', () => {
  it('has a corpus of at least 35 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(35);
  });

  const all: [string, () => string][] = [...fixtures.map((f): [string, () => string] => [f, () => read(f)]), ...Object.entries(generated)];
  for (const [name, text] of all) {
    const test = KNOWN_BUGS[name] ? it.fails : it;
    test(`${name} is refused with located errors, in under a second${KNOWN_BUGS[name] ? ` (KNOWN BUG: ${KNOWN_BUGS[name]})` : ''}`, () => {
      const src = text();
      const { result, ms } = load(name, src);
      expect(result.ok).toBe(false);
      const errors = errorsOf(result);
      expect(errors.length).toBeGreaterThan(0);
      // One problem gives a line or two, never a wall of schema errors.
      expect(errors.length).toBeLessThanOrEqual(3);
      const lineCount = src.split('\n').length;
      for (const e of errors) {
        expect(e.message.trim(), JSON.stringify(e)).not.toBe('');
        expect(e.message).not.toMatch(/undefined|\[object Object\]|NaN/);
        expect(e.loc, JSON.stringify(e)).toBeDefined();
        expect(e.loc!.file).toBe(fileOf(name));
        expect(e.loc!.line).toBeGreaterThanOrEqual(1);
        expect(e.loc!.col).toBeGreaterThanOrEqual(1);
        expect(e.loc!.line).toBeLessThanOrEqual(lineCount);
      }
      expect(ms).toBeLessThan(1000);
    });
  }

  it('pins the output of every fixture below, or lists it as a known bug', () => {
    const pinned = [...read('bad-specs.test.ts').matchAll(/render\('([^']+)'\)\)\.toMatchInlineSnapshot/g)].map((m) => m[1]!);
    expect([...pinned, ...Object.keys(KNOWN_BUGS)].sort()).toEqual(fixtures);
  });
});

describe('hostile specs return issues instead of throwing', () => {
  const cases: [string, string][] = [
    ['alias-bomb.yaml', 'alias-limit'],
    ['deep-nesting-flow.yaml', 'too-deep'],
    ['deep-nesting-block.yaml', 'too-deep'],
    ['deep-block-mapping.yaml', 'too-deep'],
    ['deep-flow-mapping.yaml', 'too-deep'],
    ['deep-nesting.json', 'too-deep'],
    ['deep-tagged-flow.yaml', 'too-deep'],
    ['deep-local-tags.yaml', 'too-deep'],
    ['deep-verbatim-tags.yaml', 'too-deep'],
    ['deep-anchors.yaml', 'too-deep'],
    ['deep-tags-in-flow.yaml', 'too-deep'],
    ['oversized.yaml', 'too-large'],
    ['proto-key.yaml', 'forbidden-key'],
    ['constructor-key.yaml', 'forbidden-key'],
  ];
  for (const [name, code] of cases) {
    it(`${name}: ${code}`, () => {
      const text = generated[name]?.() ?? read(name);
      let out: ReturnType<typeof load> | undefined;
      expect(() => (out = load(name, text))).not.toThrow();
      expect(out!.result.ok).toBe(false);
      expect(out!.result.issues.map((i) => i.code)).toEqual([code]);
      expect(out!.ms).toBeLessThan(1000);
    });
  }

  it('the oversized spec is refused with its size and the limit', () => {
    const text = generated['oversized.yaml']!();
    expect(Buffer.byteLength(text)).toBe(PARSE_LIMITS.maxBytes + 1);
    expect(formatIssues(load('oversized.yaml', text).result.issues)).toMatchInlineSnapshot(`"bad-specs/oversized.yaml:1:1 error the spec is 131073 bytes; the limit is 131072 (a spec describes an experiment; data belongs in dataset files)"`);
  });

  it('deep nesting is refused, in every style', () => {
    expect(formatIssues(load('deep-block-mapping.yaml', generated['deep-block-mapping.yaml']!()).result.issues)).toMatchInlineSnapshot(`"bad-specs/deep-block-mapping.yaml:67:65 error nesting is deeper than 64 levels (no valid spec nests this deep)"`);
    expect(formatIssues(load('deep-flow-mapping.yaml', generated['deep-flow-mapping.yaml']!()).result.issues)).toMatchInlineSnapshot(`"bad-specs/deep-flow-mapping.yaml:3:264 error nesting is deeper than 64 levels (no valid spec nests this deep)"`);
    expect(formatIssues(load('deep-nesting.json', generated['deep-nesting.json']!()).result.issues)).toMatchInlineSnapshot(`"bad-specs/deep-nesting.json:1:107 error nesting is deeper than 64 levels (no valid spec nests this deep)"`);
  });

  it('tags and anchors before flow collections do not hide the nesting, on the first parse or any later one', () => {
    const text = generated['deep-tagged-flow.yaml']!();
    expect(Buffer.byteLength(text)).toBeLessThan(11_000);
    for (let i = 0; i < 3; i++) {
      const { result } = load('deep-tagged-flow.yaml', text);
      expect(formatIssues(result.issues)).toBe('bad-specs/deep-tagged-flow.yaml:3:92 error nesting is deeper than 64 levels (no valid spec nests this deep)');
    }
  });

  it('a __proto__ key does not pollute Object.prototype', () => {
    load('proto-key.yaml');
    load('constructor-key.yaml');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('key cases, beyond the snapshots', () => {
  it('a misspelled layer type suggests "dense" at the exact line and column of the value', () => {
    const errors = errorsOf(load('misspelled-layer-type.yaml').result);
    expect(errors).toHaveLength(1);
    const e = errors[0]!;
    expect(e.code).toBe('unknown-type');
    expect(e.path).toBe('model.layers.2.type');
    expect(e.hint).toBe('did you mean "dense"?');
    expect(e.loc).toEqual({ file: 'bad-specs/misspelled-layer-type.yaml', line: 14, col: 15 });
    expect(e.loc).toEqual({ file: 'bad-specs/misspelled-layer-type.yaml', ...positionOf('misspelled-layer-type.yaml', 'dnese') });
  });

  it('a misspelled layer type in block style and in JSON is located at the value too', () => {
    const block = errorsOf(load('misspelled-layer-type-block.yaml').result);
    expect(block.map((e) => [e.hint, e.loc?.line, e.loc?.col])).toEqual([
      ['did you mean "maxPooling2d"?', ...Object.values(positionOf('misspelled-layer-type-block.yaml', 'maxPoolin2d'))],
    ]);
    const json = errorsOf(load('misspelled-layer-type.json').result);
    expect(json.map((e) => [e.hint, e.loc?.line, e.loc?.col])).toEqual([['did you mean "conv2d"?', ...Object.values(positionOf('misspelled-layer-type.json', '"conv2D"'))]]);
  });

  it('the two-problem file yields exactly two errors, one per problem', () => {
    const errors = errorsOf(load('two-problems.yaml').result);
    expect(errors).toHaveLength(2);
    expect(errors.map((e) => e.path).sort()).toEqual(['model.layers.2.rate', 'model.layers.5.type']);
    expect(errors.find((e) => e.code === 'unknown-type')?.hint).toBe('did you mean "dense"?');
  });

  it.each([
    ['misspelled-optimizer-type.yaml', 'adma', 'adam'],
    ['misspelled-loss-type.yaml', 'sparseCategoricalCrossEntropy', 'sparseCategoricalCrossentropy'],
    ['misspelled-dataset-type.yaml', 'fashionMinst', 'fashionMnist'],
    ['misspelled-initializer.yaml', 'heUniorm', 'heUniform'],
    ['misspelled-initializer-object.yaml', 'glorotNormall', 'glorotNormal'],
    ['misspelled-activation.yaml', 'reul', 'relu'],
    ['misspelled-model-type.yaml', 'sequental', 'sequential'],
  ])('%s: "%s" suggests "%s" at the value', (name, wrong, right) => {
    const errors = errorsOf(load(name).result);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.hint).toBe(`did you mean "${right}"?`);
    expect({ line: errors[0]!.loc?.line, col: errors[0]!.loc?.col }).toEqual(positionOf(name, wrong));
  });

  it.each([
    ['unknown-top-level-key.yaml', 'descripton', 'description'],
    ['unknown-layer-key.yaml', 'unit', 'units'],
    ['unknown-training-key.yaml', 'batch_size', 'batchSize'],
  ])('%s: unknown key "%s" suggests "%s" at the key', (name, wrong, right) => {
    const unknown = errorsOf(load(name).result).filter((e) => e.code === 'unknown-field');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.hint).toBe(`did you mean "${right}"?`);
    expect({ line: unknown[0]!.loc?.line, col: unknown[0]!.loc?.col }).toEqual(positionOf(name, `${wrong}:`));
  });

  it('the memory budget refusal gives the estimate and the budget', () => {
    const errors = errorsOf(load('billion-dense-units.yaml').result);
    expect(errors.map((e) => e.code)).toEqual(['memory-budget']);
    expect(errors[0]!.message).toMatch(/needs an estimated [\d.]+ TiB/);
    expect(errors[0]!.message).toContain('over the budget of 4.0 GiB');
    expect(errors[0]!.loc?.line).toBe(positionOf('billion-dense-units.yaml', 'units: 1000000000').line);
  });

  it('shape and wiring problems are found statically, each at the offending layer', () => {
    const at = (name: string) => errorsOf(load(name).result).map((e) => [e.code, e.path, e.loc?.line]);
    expect(at('kernel-larger-than-input.yaml')).toEqual([['shape', 'model.layers.5.kernelSize', positionOf('kernel-larger-than-input.yaml', 'kernelSize: 7').line]]);
    expect(at('pool-larger-than-input.yaml')).toEqual([['shape', 'model.layers.7.poolSize', 17]]);
    expect(at('reshape-mismatch.yaml')).toEqual([['shape', 'model.layers.1.targetShape', positionOf('reshape-mismatch.yaml', 'targetShape').line]]);
    expect(at('output-units-mismatch.yaml')).toEqual([['output-shape', 'model.layers.3', positionOf('output-units-mismatch.yaml', 'units: 12,').line]]);
    expect(at('loss-labels-mismatch.yaml')).toEqual([['labels-vs-loss', 'data.preprocess.labels', positionOf('loss-labels-mismatch.yaml', 'labels: integer').line]]);
    expect(at('graph-unknown-input.yaml')).toEqual([['unknown-node', 'model.nodes.2.inputs.0', positionOf('graph-unknown-input.yaml', 'inputs: [pixelDense]').line]]);
    expect(at('early-stopping-without-validation.yaml')).toEqual([['no-validation', 'training.earlyStopping.monitor', positionOf('early-stopping-without-validation.yaml', 'monitor').line]]);
  });
});

describe('once-broken cases (a crash or an accepted bad file, fixed in core)', () => {
  it('sequential-without-input.yaml: says the model must start with an input layer', () => {
    const { result } = load('sequential-without-input.yaml');
    expect(errorsOf(result).map((e) => e.code)).toEqual(['missing-input']);
  });

  it('graph-node-without-inputs.yaml: says flatten takes one input', () => {
    const { result } = load('graph-node-without-inputs.yaml');
    expect(errorsOf(result).map((e) => [e.code, e.path])).toEqual([['arity', 'model.nodes.1.inputs']]);
  });

  it('flatten-rank-1.yaml: flatten on an already flat input is refused (tfjs would reject it at compile)', () => {
    const { result } = load('flatten-rank-1.yaml');
    expect(errorsOf(result).map((e) => [e.code, e.path, e.loc?.line])).toEqual([['shape', 'model.layers.1', positionOf('flatten-rank-1.yaml', 'type: flatten').line]]);
  });

  it('graph-unused-input.yaml and graph-two-inputs.yaml: a model takes exactly one input', () => {
    expect(errorsOf(load('graph-unused-input.yaml').result).map((e) => [e.code, e.path, e.loc?.line])).toEqual([['inputs', 'model.nodes.1', positionOf('graph-unused-input.yaml', 'name: extra').line]]);
    expect(errorsOf(load('graph-two-inputs.yaml').result).map((e) => [e.code, e.path, e.loc?.line])).toEqual([['inputs', 'model.nodes.1', positionOf('graph-two-inputs.yaml', 'name: right').line]]);
  });

  it.each([
    ['json-single-quotes.json', "'integer'"],
    ['json-comment.json', '// flatten'],
    ['json-unquoted-value.json', 'softmax }'],
    ['json-yaml-infinity.json', '.inf'],
    ['json-syntax-error.json', '"preprocess"'],
    ['trailing-comma.json', ',\n    ]'],
  ])('%s: the JSON syntax error is located where it is, not at 1:1', (name, needle) => {
    const errors = errorsOf(load(name).result);
    expect(errors.map((e) => e.code)).toEqual(['syntax']);
    const text = read(name);
    const at = text.indexOf(needle);
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    expect({ line: errors[0]!.loc!.line, col: errors[0]!.loc!.col }).toEqual({ line, col });
    // The message is about JSON, and does not quote a slab of the file.
    expect(errors[0]!.message).toMatch(/^JSON syntax: /);
    expect(errors[0]!.message.length).toBeLessThan(120);
  });

  it('json-unclosed.json: a file that ends inside the value is located at its end', () => {
    const errors = errorsOf(load('json-unclosed.json').result);
    const lines = read('json-unclosed.json').split('\n');
    expect(errors.map((e) => [e.code, e.loc?.line])).toEqual([['syntax', lines.length]]);
    expect(errors[0]!.message).toContain('ends');
  });

  it.each([
    ['search-log-uniform-negative.yaml', 'search-bounds', 'search.parameters.0.distribution.low', 'low: -1'],
    ['search-low-above-high.yaml', 'search-bounds', 'search.parameters.0.distribution.low', 'low: 0.1'],
    ['search-int-uniform-fraction.yaml', 'search-bounds', 'search.parameters.0.distribution.low', 'low: 8.5'],
    ['search-proto-path.yaml', 'search-path', 'search.parameters.0.path', '__proto__.polluted'],
    ['search-unknown-path.yaml', 'search-path', 'search.parameters.0.path', 'model.layers.2.unit'],
    ['search-index-past-end.yaml', 'search-path', 'search.parameters.0.path', 'model.layers.7.units'],
    ['search-path-to-mapping.yaml', 'search-path', 'search.parameters.0.path', 'training.optimizer,'],
    ['search-neither-values-nor-distribution.yaml', 'search-values', 'search.parameters.0', 'path: model.layers.2.units'],
    ['search-value-invalid.yaml', 'search-values', 'search.parameters.0.values.1', 'values: [32, 0]'],
    ['search-uniform-on-integer.yaml', 'search-values', 'search.parameters.0.distribution.type', 'type: uniform'],
  ])('%s: an impossible search is refused when the spec is checked, at the parameter', (name, code, path, needle) => {
    const errors = errorsOf(load(name).result);
    expect(errors.map((e) => [e.code, e.path])).toEqual([[code, path]]);
    const at = positionOf(name, needle);
    expect(errors[0]!.loc!.line).toBe(at.line);
  });

  it('trailing-comma.json: a .json spec that is not JSON is refused', () => {
    const { result } = load('trailing-comma.json');
    expect(result.ok).toBe(false);
  });
});

describe('pinned output of every fixture', () => {
  it('sequential-without-input.yaml', () => {
    expect(render('sequential-without-input.yaml')).toMatchInlineSnapshot(`"bad-specs/sequential-without-input.yaml:10:7 error model.layers[0]: a sequential model starts with an input layer, e.g. {type: input, shape: [28, 28]}; got flatten"`);
  });
  it('graph-node-without-inputs.yaml', () => {
    expect(render('graph-node-without-inputs.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-node-without-inputs.yaml:11:7 error model.nodes[1].inputs: flatten takes exactly one input, got 0"`);
  });
  it('trailing-comma.json', () => {
    expect(render('trailing-comma.json')).toMatchInlineSnapshot(`"bad-specs/trailing-comma.json:13:64 error JSON syntax: a comma before "]" (JSON allows no trailing comma)"`);
  });
  it('alias-bomb.yaml', () => {
    expect(render('alias-bomb.yaml')).toMatchInlineSnapshot(`"bad-specs/alias-bomb.yaml:5:12 error aliases (*name) expand too often (more than 100 times); a spec does not need this"`);
  });

  it('bad-indentation.yaml', () => {
    expect(render('bad-indentation.yaml')).toMatchInlineSnapshot(`"bad-specs/bad-indentation.yaml:6:1 error YAML syntax: All mapping items must start at the same column"`);
  });

  it('bare-list.yaml', () => {
    expect(render('bare-list.yaml')).toMatchInlineSnapshot(`"bad-specs/bare-list.yaml:2:1 error the document is a list; a spec is a mapping of fields (specVersion, name, data, model, training, ...)"`);
  });

  it('bare-scalar.yaml', () => {
    expect(render('bare-scalar.yaml')).toMatchInlineSnapshot(`"bad-specs/bare-scalar.yaml:2:1 error the document is a single value ("e-shallow"); a spec is a mapping of fields (specVersion, name, data, model, training, ...)"`);
  });

  it('billion-dense-units.yaml', () => {
    expect(render('billion-dense-units.yaml')).toMatchInlineSnapshot(`"bad-specs/billion-dense-units.yaml:12:7 error model.layers[2]: training needs an estimated 12 TiB (parameters and optimizer state 12 TiB, activations 238 GiB at batch 32), over the budget of 4.0 GiB (the largest layer is dense_2 with 785,000,000,000 parameters; raise the budget with --memory-budget if this is intended)"`);
  });

  it('comment-only.yaml', () => {
    expect(render('comment-only.yaml')).toMatchInlineSnapshot(`"bad-specs/comment-only.yaml:1:1 error the file is empty (or only comments); a spec is a mapping of fields (specVersion, name, data, model, training, ...)"`);
  });

  it('concatenate-in-sequential.yaml', () => {
    expect(render('concatenate-in-sequential.yaml')).toMatchInlineSnapshot(`"bad-specs/concatenate-in-sequential.yaml:12:7 error model.layers[2]: concatenate joins several inputs, which a sequential model cannot express (use model.type: graph)"`);
  });

  it('constructor-key.yaml', () => {
    expect(render('constructor-key.yaml')).toMatchInlineSnapshot(`"bad-specs/constructor-key.yaml:4:1 error constructor: the key "constructor" is not allowed in a spec"`);
  });

  it('deep-nesting-block.yaml', () => {
    expect(render('deep-nesting-block.yaml')).toMatchInlineSnapshot(`"bad-specs/deep-nesting-block.yaml:10:5 error nesting is deeper than 64 levels (no valid spec nests this deep)"`);
  });

  it('deep-nesting-flow.yaml', () => {
    expect(render('deep-nesting-flow.yaml')).toMatchInlineSnapshot(`"bad-specs/deep-nesting-flow.yaml:9:89 error nesting is deeper than 64 levels (no valid spec nests this deep)"`);
  });

  it('dropout-rate-too-high.yaml', () => {
    expect(render('dropout-rate-too-high.yaml')).toMatchInlineSnapshot(`"bad-specs/dropout-rate-too-high.yaml:12:30 error model.layers[2].rate: must be < 1, got 1.5"`);
  });

  it('duplicate-key.json', () => {
    expect(render('duplicate-key.json')).toMatchInlineSnapshot(`"bad-specs/duplicate-key.json:13:40 error model.layers[2].units: duplicate key "units" (first at line 13, column 26): a key may appear once in a mapping"`);
  });

  it('duplicate-key.yaml', () => {
    expect(render('duplicate-key.yaml')).toMatchInlineSnapshot(`"bad-specs/duplicate-key.yaml:17:3 error training.epochs: duplicate key "epochs" (first at line 15, column 3): a key may appear once in a mapping"`);
  });

  it('early-stopping-default-monitor.yaml', () => {
    expect(render('early-stopping-default-monitor.yaml')).toMatchInlineSnapshot(`"bad-specs/early-stopping-default-monitor.yaml:15:18 error training.earlyStopping.monitor: earlyStopping watches valLoss, but data.validation is none (monitor loss, or add data.validation)"`);
  });

  it('early-stopping-without-validation.yaml', () => {
    expect(render('early-stopping-without-validation.yaml')).toMatchInlineSnapshot(`"bad-specs/early-stopping-without-validation.yaml:19:14 error training.earlyStopping.monitor: earlyStopping watches valLoss, but data.validation is none (monitor loss, or add data.validation)"`);
  });

  it('empty-layers.yaml', () => {
    expect(render('empty-layers.yaml')).toMatchInlineSnapshot(`"bad-specs/empty-layers.yaml:9:11 error model.layers: needs at least 2 items, got 0"`);
  });

  it('empty.yaml', () => {
    expect(render('empty.yaml')).toMatchInlineSnapshot(`"bad-specs/empty.yaml:1:1 error the file is empty (or only comments); a spec is a mapping of fields (specVersion, name, data, model, training, ...)"`);
  });

  it('graph-concatenate-one-input.yaml', () => {
    expect(render('graph-concatenate-one-input.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-concatenate-one-input.yaml:12:50 error model.nodes[2].inputs: concatenate takes two or more inputs, got 1"`);
  });

  it('graph-cycle.yaml', () => {
    expect(render('graph-cycle.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-cycle.yaml:11:7 error model.nodes[1]: the nodes pixelDense1, pixelDense2 form a cycle: each is, through its inputs, an input of itself"`);
  });

  it('graph-duplicate-node-names.yaml', () => {
    expect(render('graph-duplicate-node-names.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-duplicate-node-names.yaml:12:15 error model.nodes[2].name: the name "pixelDense" is already used by model.nodes[1]"`);
  });

  it('graph-unknown-input.yaml', () => {
    expect(render('graph-unknown-input.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-unknown-input.yaml:12:79 error model.nodes[2].inputs[0]: no node is named "pixelDense" (did you mean "pixelDense1"?)"`);
  });

  it('graph-unknown-output.yaml', () => {
    expect(render('graph-unknown-output.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-unknown-output.yaml:13:13 error model.outputs[0]: no node is named "score" (did you mean "scores"?)"`);
  });

  it('input-shape-wrong-size.yaml', () => {
    expect(render('input-shape-wrong-size.yaml')).toMatchInlineSnapshot(`"bad-specs/input-shape-wrong-size.yaml:10:29 error model.layers[0].shape: input (32, 32, 1) has 1024 values per example but fashionMnist images have 28x28 = 784"`);
  });

  it('json-syntax-error.json', () => {
    expect(render('json-syntax-error.json')).toMatchInlineSnapshot(`"bad-specs/json-syntax-error.json:6:5 error JSON syntax: a comma is missing before this string (or a "}" after the one before)"`);
  });

  it('kernel-larger-than-input.yaml', () => {
    expect(render('kernel-larger-than-input.yaml')).toMatchInlineSnapshot(`"bad-specs/kernel-larger-than-input.yaml:15:48 error model.layers[5].kernelSize: conv2d #6: kernel 7 is larger than its 5x5 input (use padding: same, a smaller kernel, or pad the input (zeroPadding2d))"`);
  });

  it('kernel-size-zero.yaml', () => {
    expect(render('kernel-size-zero.yaml')).toMatchInlineSnapshot(`"bad-specs/kernel-size-zero.yaml:11:48 error model.layers[1].kernelSize: must be >= 1, got 0"`);
  });

  it('labels-abbreviated.yaml', () => {
    expect(render('labels-abbreviated.yaml')).toMatchInlineSnapshot(`
      "bad-specs/labels-abbreviated.yaml:6:40 error data.preprocess.labels: "int" is not allowed (did you mean "integer"?)
          expected: integer, oneHot"
    `);
  });

  it('loss-labels-mismatch.yaml', () => {
    expect(render('loss-labels-mismatch.yaml')).toMatchInlineSnapshot(`"bad-specs/loss-labels-mismatch.yaml:6:40 error data.preprocess.labels: categoricalCrossentropy needs oneHot labels, but data.preprocess.labels is integer (set data.preprocess.labels: oneHot, or use sparseCategoricalCrossentropy)"`);
  });

  it('missing-layer-type.yaml', () => {
    expect(render('missing-layer-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/missing-layer-type.yaml:12:7 error model.layers[2].type: missing "type" (a string naming the kind)
          expected: input, reshape, flatten, dense, dropout, conv2d, maxPooling2d, averagePooling2d, zeroPadding2d, rescaling, batchNormalization, activation, concatenate, globalAveragePooling2d"
    `);
  });

  it('missing-loss.yaml', () => {
    expect(render('missing-loss.yaml')).toMatchInlineSnapshot(`"bad-specs/missing-loss.yaml:13:1 error training.loss: missing required field "loss""`);
  });

  it('missing-model.yaml', () => {
    expect(render('missing-model.yaml')).toMatchInlineSnapshot(`"bad-specs/missing-model.yaml:2:1 error model: missing required field "model""`);
  });

  it('missing-units.yaml', () => {
    expect(render('missing-units.yaml')).toMatchInlineSnapshot(`"bad-specs/missing-units.yaml:10:5 error model.layers[2].units: missing required field "units""`);
  });

  it('misspelled-activation.yaml', () => {
    expect(render('misspelled-activation.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-activation.yaml:12:46 error model.layers[2].activation: "reul" is not allowed (did you mean "relu"?)
          expected: linear, relu, relu6, elu, selu, sigmoid, hardSigmoid, softmax, softplus, softsign, tanh, swish, mish, gelu"
    `);
  });

  it('misspelled-dataset-type.yaml', () => {
    expect(render('misspelled-dataset-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-dataset-type.yaml:5:20 error data.dataset.type: unknown type "fashionMinst" (did you mean "fashionMnist"?)
          expected: fashionMnist, mnist, csv"
    `);
  });

  it('misspelled-initializer-object.yaml', () => {
    expect(render('misspelled-initializer-object.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-initializer-object.yaml:12:79 error model.layers[2].kernelInitializer.type: unknown type "glorotNormall" (did you mean "glorotNormal"?)
          expected: zeros, ones, constant, glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal, randomUniform, randomNormal"
    `);
  });

  it('misspelled-initializer.yaml', () => {
    expect(render('misspelled-initializer.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-initializer.yaml:14:71 error model.layers[3].kernelInitializer: "heUniorm" is not allowed (did you mean "heUniform"?)
          expected: zeros, ones, constant, glorotUniform, glorotNormal, heUniform, heNormal, lecunUniform, lecunNormal, randomUniform, randomNormal"
    `);
  });

  it('misspelled-layer-type-block.yaml', () => {
    expect(render('misspelled-layer-type-block.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-layer-type-block.yaml:19:13 error model.layers[2].type: unknown type "maxPoolin2d" (did you mean "maxPooling2d"?)
          expected: input, reshape, flatten, dense, dropout, conv2d, maxPooling2d, averagePooling2d, zeroPadding2d, rescaling, batchNormalization, activation, concatenate, globalAveragePooling2d"
    `);
  });

  it('misspelled-layer-type.json', () => {
    expect(render('misspelled-layer-type.json')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-layer-type.json:12:17 error model.layers[1].type: unknown type "conv2D" (did you mean "conv2d"?)
          expected: input, reshape, flatten, dense, dropout, conv2d, maxPooling2d, averagePooling2d, zeroPadding2d, rescaling, batchNormalization, activation, concatenate, globalAveragePooling2d"
    `);
  });

  it('misspelled-layer-type.yaml', () => {
    expect(render('misspelled-layer-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-layer-type.yaml:14:15 error model.layers[2].type: unknown type "dnese" (did you mean "dense"?)
          expected: input, reshape, flatten, dense, dropout, conv2d, maxPooling2d, averagePooling2d, zeroPadding2d, rescaling, batchNormalization, activation, concatenate, globalAveragePooling2d"
    `);
  });

  it('misspelled-loss-type.yaml', () => {
    expect(render('misspelled-loss-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-loss-type.yaml:16:17 error training.loss.type: unknown type "sparseCategoricalCrossEntropy" (did you mean "sparseCategoricalCrossentropy"?)
          expected: sparseCategoricalCrossentropy, categoricalCrossentropy, meanSquaredError"
    `);
  });

  it('misspelled-model-type.yaml', () => {
    expect(render('misspelled-model-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-model-type.yaml:8:9 error model.type: unknown type "sequental" (did you mean "sequential"?)
          expected: sequential, graph"
    `);
  });

  it('misspelled-optimizer-type.yaml', () => {
    expect(render('misspelled-optimizer-type.yaml')).toMatchInlineSnapshot(`
      "bad-specs/misspelled-optimizer-type.yaml:15:22 error training.optimizer.type: unknown type "adma" (did you mean "adam"?)
          expected: adam, adamax, sgd, rmsprop, adagrad"
    `);
  });

  it('name-uppercase.yaml', () => {
    expect(render('name-uppercase.yaml')).toMatchInlineSnapshot(`"bad-specs/name-uppercase.yaml:3:7 error name: "E-Shallow" is not allowed here: use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit"`);
  });

  it('negative-units.yaml', () => {
    expect(render('negative-units.yaml')).toMatchInlineSnapshot(`"bad-specs/negative-units.yaml:13:14 error model.layers[2].units: must be >= 1, got -128"`);
  });

  it('output-units-mismatch.yaml', () => {
    expect(render('output-units-mismatch.yaml')).toMatchInlineSnapshot(`"bad-specs/output-units-mismatch.yaml:13:7 error model.layers[3]: the model outputs (12) per example, but fashionMnist has 10 classes: the output must be (10) (end with {type: dense, units: 10, activation: softmax})"`);
  });

  it('pool-larger-than-input.yaml', () => {
    expect(render('pool-larger-than-input.yaml')).toMatchInlineSnapshot(`"bad-specs/pool-larger-than-input.yaml:17:39 error model.layers[7].poolSize: maxPooling2d #8: pool 2 is larger than its 1x1 input (use padding: same, a smaller pool, or pad the input (zeroPadding2d))"`);
  });

  it('proto-key.yaml', () => {
    expect(render('proto-key.yaml')).toMatchInlineSnapshot(`"bad-specs/proto-key.yaml:14:7 error model.layers[2].__proto__: the key "__proto__" is not allowed in a spec"`);
  });

  it('reshape-mismatch.yaml', () => {
    expect(render('reshape-mismatch.yaml')).toMatchInlineSnapshot(`"bad-specs/reshape-mismatch.yaml:11:37 error model.layers[1].targetShape: reshape #2: cannot reshape (784) (784 elements) to (28, 28, 3) (2352 elements)"`);
  });

  it('spec-version-2.yaml', () => {
    expect(render('spec-version-2.yaml')).toMatchInlineSnapshot(`"bad-specs/spec-version-2.yaml:2:14 error specVersion: this spec is version 2, but this modelspec reads up to version 1 (upgrade modelspec)"`);
  });

  it('spec-version-missing.yaml', () => {
    expect(render('spec-version-missing.yaml')).toMatchInlineSnapshot(`"bad-specs/spec-version-missing.yaml:2:1 error specVersion: missing required field "specVersion" (add "specVersion: 1" at the top)"`);
  });

  it('spec-version-string.yaml', () => {
    expect(render('spec-version-string.yaml')).toMatchInlineSnapshot(`
      "bad-specs/spec-version-string.yaml:2:14 error specVersion: specVersion must be a positive integer, got "one"
          expected: 1"
    `);
  });

  it('tab-indentation.yaml', () => {
    expect(render('tab-indentation.yaml')).toMatchInlineSnapshot(`
      "bad-specs/tab-indentation.yaml:14:1 error YAML syntax: Tabs are not allowed as indentation
      bad-specs/tab-indentation.yaml:15:1 error YAML syntax: Tabs are not allowed as indentation"
    `);
  });

  it('two-documents.yaml', () => {
    expect(render('two-documents.yaml')).toMatchInlineSnapshot(`"bad-specs/two-documents.yaml:14:1 error YAML syntax: a spec file holds one YAML document, but a second one starts here (---)"`);
  });

  it('two-problems.yaml', () => {
    expect(render('two-problems.yaml')).toMatchInlineSnapshot(`
      "bad-specs/two-problems.yaml:13:30 error model.layers[2].rate: must be < 1, got 1.5
      bad-specs/two-problems.yaml:16:15 error model.layers[5].type: unknown type "dnese" (did you mean "dense"?)
          expected: input, reshape, flatten, dense, dropout, conv2d, maxPooling2d, averagePooling2d, zeroPadding2d, rescaling, batchNormalization, activation, concatenate, globalAveragePooling2d"
    `);
  });

  it('units-empty.yaml', () => {
    expect(render('units-empty.yaml')).toMatchInlineSnapshot(`"bad-specs/units-empty.yaml:13:13 error model.layers[2].units: expected integer, got null"`);
  });

  it('units-not-a-number.yaml', () => {
    expect(render('units-not-a-number.yaml')).toMatchInlineSnapshot(`"bad-specs/units-not-a-number.yaml:12:29 error model.layers[2].units: expected integer, got string "abc""`);
  });

  it('units-overflow.yaml', () => {
    expect(render('units-overflow.yaml')).toMatchInlineSnapshot(`"bad-specs/units-overflow.yaml:12:29 error model.layers[2].units: must be <= 2147483647, got 1e+308"`);
  });

  it('unknown-layer-key.yaml', () => {
    expect(render('unknown-layer-key.yaml')).toMatchInlineSnapshot(`
      "bad-specs/unknown-layer-key.yaml:12:22 error model.layers[2].unit: unknown field "unit" (did you mean "units"?)
          expected: type, name, units, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer"
    `);
  });

  it('unknown-top-level-key.yaml', () => {
    expect(render('unknown-top-level-key.yaml')).toMatchInlineSnapshot(`
      "bad-specs/unknown-top-level-key.yaml:4:1 error descripton: unknown field "descripton" (did you mean "description"?)
          expected: $schema, extends, specVersion, name, title, description, source, reference, data, model, training, seed, reproduce, search, outputs"
    `);
  });

  it('unknown-training-key.yaml', () => {
    expect(render('unknown-training-key.yaml')).toMatchInlineSnapshot(`
      "bad-specs/unknown-training-key.yaml:16:3 error training.batch_size: unknown field "batch_size" (did you mean "batchSize"?)
          expected: optimizer, loss, metrics, epochs, batchSize, shuffle, earlyStopping"
    `);
  });

  it('validation-fraction-too-high.yaml', () => {
    expect(render('validation-fraction-too-high.yaml')).toMatchInlineSnapshot(`"bad-specs/validation-fraction-too-high.yaml:7:41 error data.validation.fraction: must be < 1, got 1.2"`);
  });

  it('wrong-type.json', () => {
    expect(render('wrong-type.json')).toMatchInlineSnapshot(`"bad-specs/wrong-type.json:18:15 error training.epochs: expected integer, got string "ten""`);
  });

  it('yaml-syntax-error.yaml', () => {
    expect(render('yaml-syntax-error.yaml')).toMatchInlineSnapshot(`"bad-specs/yaml-syntax-error.yaml:12:5 error YAML syntax: Flow map in block collection must be sufficiently indented and end with a }"`);
  });

  it('zero-filters.yaml', () => {
    expect(render('zero-filters.yaml')).toMatchInlineSnapshot(`"bad-specs/zero-filters.yaml:11:32 error model.layers[1].filters: must be >= 1, got 0"`);
  });

  it('flatten-rank-1.yaml', () => {
    expect(render('flatten-rank-1.yaml')).toMatchInlineSnapshot(`"bad-specs/flatten-rank-1.yaml:11:7 error model.layers[1]: flatten #2: its input (784) is already flat (remove this flatten layer)"`);
  });

  it('graph-unused-input.yaml', () => {
    expect(render('graph-unused-input.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-unused-input.yaml:11:7 error model.nodes[1]: input node "extra" feeds nothing; a model has one input, fed the dataset's images (remove "extra")"`);
  });

  it('graph-two-inputs.yaml', () => {
    expect(render('graph-two-inputs.yaml')).toMatchInlineSnapshot(`"bad-specs/graph-two-inputs.yaml:11:7 error model.nodes[1]: "right" is a second input node (besides "left"); a model has one input, fed the dataset's images (take every branch from "left")"`);
  });

  it('json-single-quotes.json', () => {
    expect(render('json-single-quotes.json')).toMatchInlineSnapshot(`"bad-specs/json-single-quotes.json:6:48 error JSON syntax: strings and keys take double quotes ("), not single quotes"`);
  });

  it('json-comment.json', () => {
    expect(render('json-comment.json')).toMatchInlineSnapshot(`"bad-specs/json-comment.json:12:30 error JSON syntax: JSON has no comments"`);
  });

  it('json-unquoted-value.json', () => {
    expect(render('json-unquoted-value.json')).toMatchInlineSnapshot(`"bad-specs/json-unquoted-value.json:13:53 error JSON syntax: expected a value, got unquoted text "softmax" (JSON strings take double quotes)"`);
  });

  it('json-unclosed.json', () => {
    expect(render('json-unclosed.json')).toMatchInlineSnapshot(`"bad-specs/json-unclosed.json:18:1 error JSON syntax: the file ends inside a mapping: a closing "}" is missing"`);
  });

  it('json-yaml-infinity.json', () => {
    expect(render('json-yaml-infinity.json')).toMatchInlineSnapshot(`"bad-specs/json-yaml-infinity.json:6:33 error JSON syntax: ".inf" is not a JSON number (JSON numbers are plain decimals, e.g. 255 or 0.5)"`);
  });

  it('search-log-uniform-negative.yaml', () => {
    expect(render('search-log-uniform-negative.yaml')).toMatchInlineSnapshot(`"bad-specs/search-log-uniform-negative.yaml:19:87 error search.parameters[0].distribution.low: logUniform samples the logarithm, so it needs 0 < low < high; got low -1"`);
  });

  it('search-low-above-high.yaml', () => {
    expect(render('search-low-above-high.yaml')).toMatchInlineSnapshot(`"bad-specs/search-low-above-high.yaml:19:84 error search.parameters[0].distribution.low: uniform needs low < high; got low 0.1 and high 0.001"`);
  });

  it('search-int-uniform-fraction.yaml', () => {
    expect(render('search-int-uniform-fraction.yaml')).toMatchInlineSnapshot(`"bad-specs/search-int-uniform-fraction.yaml:19:76 error search.parameters[0].distribution.low: intUniform draws integers between integer bounds; got low 8.5"`);
  });

  it('search-proto-path.yaml', () => {
    expect(render('search-proto-path.yaml')).toMatchInlineSnapshot(`"bad-specs/search-proto-path.yaml:19:15 error search.parameters[0].path: "__proto__.polluted" is not a spec field: no field is named "__proto__""`);
  });

  it('search-unknown-path.yaml', () => {
    expect(render('search-unknown-path.yaml')).toMatchInlineSnapshot(`"bad-specs/search-unknown-path.yaml:19:15 error search.parameters[0].path: "model.layers.2.unit" is not in this spec: model.layers.2 has no field "unit" (did you mean model.layers.2.units?)"`);
  });

  it('search-index-past-end.yaml', () => {
    expect(render('search-index-past-end.yaml')).toMatchInlineSnapshot(`"bad-specs/search-index-past-end.yaml:19:15 error search.parameters[0].path: "model.layers.7.units" is not in this spec: model.layers is a list of 4 items (indices 0 to 3): there is no item 7"`);
  });

  it('search-neither-values-nor-distribution.yaml', () => {
    expect(render('search-neither-values-nor-distribution.yaml')).toMatchInlineSnapshot(`"bad-specs/search-neither-values-nor-distribution.yaml:19:7 error search.parameters[0]: a search parameter needs values (a list) or a distribution"`);
  });

  it('search-path-to-mapping.yaml', () => {
    expect(render('search-path-to-mapping.yaml')).toMatchInlineSnapshot(`"bad-specs/search-path-to-mapping.yaml:19:15 error search.parameters[0].path: "training.optimizer" is a mapping; a search varies one value (e.g. training.optimizer.learningRate)"`);
  });

  it('search-value-invalid.yaml', () => {
    expect(render('search-value-invalid.yaml')).toMatchInlineSnapshot(`"bad-specs/search-value-invalid.yaml:19:50 error search.parameters[0].values[1]: model.layers.2.units cannot be 0: must be >= 1, got 0"`);
  });

  it('search-uniform-on-integer.yaml', () => {
    expect(render('search-uniform-on-integer.yaml')).toMatchInlineSnapshot(`"bad-specs/search-uniform-on-integer.yaml:19:59 error search.parameters[0].distribution.type: uniform draws fractions such as 51.65, which model.layers.2.units cannot be: expected integer, got number 51.65070725258456 (use intUniform for an integer field, or values for a list of choices)"`);
  });
});
