import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistries, createSpecLoader, formatIssues } from '../src/index.js';

const specsDir = join(__dirname, '../../../specs');
const loader = createSpecLoader(builtinRegistries());

// The parameter counts published in the reference projects (shared/reference/experiments.md).
const published: Record<string, [number, number]> = {
  'a-mlp1': [407_050, 0],
  'a-mlp2': [535_818, 0],
  'a-mlp3': [567_434, 0],
  'c-model1': [693_962, 0],
  'c-model2': [159_882, 0],
  'c-model3': [289_610, 0],
  'd-kaggle-cnn': [693_962, 0],
  'e-shallow': [101_770, 0],
  'e-simple-cnn': [225_034, 0],
  'e-deep-cnn': [159_882, 0],
  'e-additional-layers': [244_164, 62],
  'c-model1-mnist': [693_962, 0],
};

describe('the published experiments in specs/', () => {
  const files = readdirSync(specsDir).filter((f) => f.endsWith('.yaml'));

  it('has a spec for every published model', () => {
    const names = files.map((f) => f.replace(/\.yaml$/, ''));
    for (const name of Object.keys(published)) expect(names).toContain(name);
  });

  const read = async (p: string) => ({ text: readFileSync(join(specsDir, p), 'utf8'), file: `specs/${p}` });
  for (const f of files) {
    it(`${f} validates and starts with the schema line`, async () => {
      const text = readFileSync(join(specsDir, f), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../packages/core/schema/modelspec.schema.json');
      const r = await loader.loadComposed(text, `specs/${f}`, read);
      if (!r.ok) throw new Error(formatIssues(r.issues));
      expect(r.spec.name).toBe(f.replace(/\.yaml$/, ''));
      const want = published[r.spec.name];
      if (want) {
        expect(r.check.totals.total).toBe(want[0]);
        expect(r.check.totals.nonTrainable).toBe(want[1]);
      }
    });
  }
});
