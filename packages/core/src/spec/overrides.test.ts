import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides } from './overrides.js';
import { createSpecLoader } from './load.js';
import { builtinRegistries } from '../plugin/host.js';
import { formatIssues } from '../render.js';

const text = readFileSync(join(__dirname, '../../test/fixtures/tiny-csv-mlp.yaml'), 'utf8');
const loader = createSpecLoader(builtinRegistries());
const load = (overrides: Record<string, unknown>) => loader.load(text, 'tiny.yaml', { overrides });
const errors = (overrides: Record<string, unknown>) => {
  const r = load(overrides);
  expect(r.ok).toBe(false);
  return r.issues.filter((i) => i.severity === 'error');
};

describe('overrides (--set, search candidates)', () => {
  it('set a field of a layer, and create a missing mapping on the way', () => {
    const r = load({ 'model.layers.3.units': 64, 'training.earlyStopping.monitor': 'loss' });
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.spec.model.type === 'sequential' && r.spec.model.layers[3]!['units']).toBe(64);
    expect(r.spec.training.earlyStopping).toMatchObject({ monitor: 'loss', patience: 0 });
  });

  it('a name where a list index belongs is one clear error, not silently ignored', () => {
    const e = errors({ 'model.layers.x.units': 64 });
    expect(e).toHaveLength(1);
    expect(formatIssues(e)).toMatchInlineSnapshot(`"tiny.yaml:11:5 error model.layers.x.units: cannot set "model.layers.x.units": model.layers is a list of 5 items (indices 0 to 4), and "x" is not an index"`);
  });

  it('an index past the end is one error naming the list and its length, not 50 lines', () => {
    const e = errors({ 'model.layers.99.units': 64 });
    expect(e).toHaveLength(1);
    expect(formatIssues(e)).toMatchInlineSnapshot(`"tiny.yaml:11:5 error model.layers[99].units: cannot set "model.layers.99.units": model.layers is a list of 5 items (indices 0 to 4): there is no item 99"`);
    expect(errors({ 'model.layers.5': { type: 'dense', units: 3 } })[0]!.message).toContain('there is no item 5');
    expect(errors({ 'model.layers.-1.units': 3 })[0]!.message).toContain('"-1" is not an index');
  });

  it('a field inside a value is refused, and so is a list under a field that is not set', () => {
    expect(errors({ 'training.epochs.x': 1 })[0]!.message).toBe('cannot set "training.epochs.x": training.epochs is 2, not a mapping or a list');
    expect(errors({ 'training.earlyStopping.0': 1 })[0]!.message).toBe('cannot set "training.earlyStopping.0": training.earlyStopping is not set, so it has no item 0');
  });

  it('never reaches Object.prototype', () => {
    for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'model.layers.0.__proto__.polluted', 'a..b', '']) {
      const r = applyOverrides({ model: { layers: [{}] } }, { [path]: 1 });
      expect(r.issues.map((i) => i.code)).toEqual(['bad-override']);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('does not modify its input', () => {
    const data = { model: { layers: [{ units: 1 }] } };
    applyOverrides(data, { 'model.layers.0.units': 2 });
    expect(data.model.layers[0]!.units).toBe(1);
  });
});
