import { describe, expect, it } from 'vitest';
import { collectSet, runOverrides } from './overrides.js';

describe('--set', () => {
  it('reads the value as YAML', () => {
    expect(collectSet('training.epochs=3')).toEqual({ 'training.epochs': 3 });
    expect(collectSet('model.layers.0.shape=[28, 28]', { a: 1 })).toEqual({ a: 1, 'model.layers.0.shape': [28, 28] });
    expect(runOverrides({ set: { 'a.b': 1 }, seed: 2, epochs: 3 })).toEqual({ 'a.b': 1, seed: 2, 'training.epochs': 3 });
  });

  it('refuses a path with empty segments, and a value no spec file could hold', () => {
    expect(() => collectSet('model..units=3')).toThrow(/not a spec path/);
    expect(() => collectSet('=3')).toThrow(/expected path=value/);
    // 5,000 nested lists (yaml would recurse into them) and a tagged variant the pre-scan once missed.
    expect(() => collectSet(`reference.notes=${'['.repeat(5000)}${']'.repeat(5000)}`)).toThrow(/nests deeper than 64 levels/);
    expect(() => collectSet(`reference.notes=${'!!seq ['.repeat(5000)}${']'.repeat(5000)}`)).toThrow(/nests deeper than 64 levels/);
    expect(() => collectSet('a=[unclosed')).toThrow(/cannot read the value of "a" as YAML/);
  });
});
