import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelspec, root, tempDirs } from './test-support/cli.js';

/** Plugins from the command line, end to end: the example third-party plugin, opted into by path or by the project config. */
const example = join(root, 'examples/modelspec-plugin-example');
const spec = join(example, 'specs/bars-mlp.yaml');
const tmp = tempDirs('plugins');

describe('plugins on the command line', () => {
  it('modelspec plugins lists an opted-in plugin with its version and what it adds', () => {
    const r = modelspec(['plugins', '--plugin', './examples/modelspec-plugin-example']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^modelspec-plugin-example@1\.0\.0 {2}from \.\/examples\/modelspec-plugin-example, kinds as example\/<type>$/m);
    expect(r.out).toMatch(/^ {2}layers +example\/swish$/m);
    expect(r.out).toMatch(/^ {2}datasets +example\/bars$/m);
    expect(r.out).toMatch(/^ {2}engines +example\/js$/m);
    expect(r.out).toMatch(/^@modelspec\/core@0\.1\.0 {2}built in$/m);
  });

  it("trains a spec with the plugin's layer, dataset and engine, and the run and its model name the plugin", { timeout: 300_000 }, () => {
    const out = tmp();
    const small = ['--set', 'data.dataset.train=600', '--set', 'data.dataset.test=200'];
    const r = modelspec(['train', '--plugin', './examples/modelspec-plugin-example', spec, '--engine', 'example/js', '--epochs', '1', ...small, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).run as string;
    expect(r.err).toMatch(/bars-mlp: engine example\/js/);
    const env = JSON.parse(readFileSync(join(run, 'environment.json'), 'utf8'));
    expect(env.engine.name).toBe('example/js');
    expect(env.plugins).toContainEqual({ name: 'modelspec-plugin-example', version: '1.0.0' });
    expect(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).plugins).toContainEqual({ name: 'modelspec-plugin-example', version: '1.0.0' });
    const model = JSON.parse(readFileSync(join(run, 'model/model.json'), 'utf8'));
    expect(model.userDefinedMetadata.modelspec.plugins).toContainEqual({ name: 'modelspec-plugin-example', version: '1.0.0' });
    expect(model.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toContain('modelspec-plugin-example>Swish');

    // the model needs the plugin's layer class: without the plugin, one clear line naming it
    const ev = modelspec(['evaluate', run]);
    expect(ev.code).toBe(1);
    expect(ev.err).toMatch(/the model has the layer Swish of the plugin modelspec-plugin-example, which is not loaded/);
    expect(ev.err).toMatch(/fix: load it with --plugin modelspec-plugin-example/);
    const ok = modelspec(['evaluate', '--plugin', './examples/modelspec-plugin-example', run, '--json']);
    expect(ok.code, ok.err).toBe(0);
  });

  it("a spec that uses a plugin's kinds without the plugin fails at file:line:col, naming the plugin and the opt-in", () => {
    const r = modelspec(['validate', 'examples/modelspec-plugin-example/specs/bars-mlp.yaml']);
    expect(r.code).toBe(1);
    const text = readFileSync(spec, 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes('type: example/bars')) + 1;
    const col = text[line - 1]!.indexOf('example/bars') + 1;
    expect(r.err).toContain(`examples/modelspec-plugin-example/specs/bars-mlp.yaml:${line}:${col} error data.dataset.type: unknown type "example/bars": it comes from the plugin modelspec-plugin-example, which is not loaded`);
    expect(r.err).toMatch(/opt in with --plugin example or a path to it/);
  });

  it('loads the plugins a project config lists, relative to the config file, and builds the schema with them', { timeout: 120_000 }, () => {
    const project = tmp();
    writeFileSync(join(project, 'modelspec.config.json'), JSON.stringify({ plugins: [example] }));
    const r = modelspec(['plugins', '--json'], project);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.configFile).toBe(join(project, 'modelspec.config.json'));
    expect(j.plugins.map((p: { name: string }) => p.name)).toContain('modelspec-plugin-example');
    const schema = modelspec(['schema'], project);
    expect(JSON.parse(schema.out).$defs.layer.oneOf.map((b: { properties: { type: { const: string } } }) => b.properties.type.const)).toContain('example/swish');
  });

  it("modelspec conformance runs the kit on a plugin's engine", { timeout: 300_000 }, () => {
    const r = modelspec(['conformance', './examples/modelspec-plugin-example', '--no-tfjs-tests']);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/^ok {3}engine example\/js › kernel parity › Relu$/m);
    expect(r.out).toMatch(/^ok {3}engine example\/js › determinism › cnn trained twice: bit-identical$/m);
    expect(r.out).toMatch(/^modelspec-plugin-example@1\.0\.0: \d+ passed, 0 failed, 0 skipped$/m);
  });

  it('refuses a broken plugin with a PluginError naming it, and a missing one with the package it looked for', () => {
    const project = tmp();
    writeFileSync(join(project, 'old.mjs'), 'export default { name: "modelspec-plugin-old", version: "1.0.0", apiVersion: 99 };\n');
    const r = modelspec(['plugins', '--plugin', './old.mjs'], project);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: plugin modelspec-plugin-old: was written for plugin API 99; this modelspec has plugin API 1$/m);
    const m = modelspec(['plugins', '--plugin', 'acme'], project);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/cannot find the plugin "acme": no package modelspec-plugin-acme is installed/);
    expect(m.err).toMatch(/fix: npm install modelspec-plugin-acme/);
  });
});
