import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit, type Scalar } from 'yaml';
import { buildSpecSchema, builtinRegistries, createSpecLoader, formatIssues, formatSpec, parseSpecText } from '../index.js';

const specsDir = join(__dirname, '../../../../specs');
const reg = builtinRegistries();
const schema = buildSpecSchema(reg);
const loader = createSpecLoader(reg);
const files = readdirSync(specsDir).filter((f) => f.endsWith('.yaml')).sort();
const original = Object.fromEntries(files.map((f) => [f, readFileSync(join(specsDir, f), 'utf8')]));

function format(text: string, file = 'spec.yaml'): string {
  const r = formatSpec(text, file, schema);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.text;
}
const formatted = Object.fromEntries(files.map((f) => [f, format(original[f]!, f)]));

/** A spec resolved (extends included) from a set of texts: the published ones, or their formatted copies. */
async function resolved(texts: Record<string, string>, f: string) {
  const read = async (p: string) => ({ text: texts[p]!, file: `specs/${p}` });
  const r = await loader.loadComposed(texts[f]!, `specs/${f}`, read);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.spec;
}

const commentLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trimStart().startsWith('#'))
    .map((l) => l.trim());

describe('modelspec fmt on the published specs', () => {
  for (const f of files) {
    it(`${f}: same data and resolved spec, comments kept, stable`, async () => {
      const out = formatted[f]!;
      expect(parseSpecText(out, f)).toMatchObject({ ok: true });
      expect((parseSpecText(out, f) as { source: { data: unknown } }).source.data).toEqual((parseSpecText(original[f]!, f) as { source: { data: unknown } }).source.data);
      expect(await resolved(formatted, f)).toEqual(await resolved(original, f));
      expect(out.split('\n')[0]).toBe(original[f]!.split('\n')[0]);
      expect(commentLines(out)).toEqual(commentLines(original[f]!));
      expect(format(out, f)).toBe(out);
    });
  }

  it('formats a flow-style copy of each published spec (as they were written before fmt) back to it', () => {
    for (const f of files) {
      const doc = parseDocument(original[f]!);
      visit(doc, {
        Map(_, m) {
          // Mappings of scalars that read the same in flow style (no block scalar, nothing a flow plain scalar must quote).
          const flowSafe = (s: Scalar) => typeof s.value !== 'string' || s.type === 'QUOTE_DOUBLE' || /^[\w./-]*$/.test(s.value);
          const simple = m.items.every((p) => isScalar(p.value) && flowSafe(p.value) && !p.value.comment && !(p.key as Scalar).commentBefore);
          if (m.items.length && simple) m.flow = true;
        },
      });
      const flow = doc.toString({ lineWidth: 0 });
      expect(flow).toMatch(/: \{ \w+: /);
      expect(format(flow, f)).toBe(formatted[f]);
    }
  });

  it('leaves no flow mapping (the language server completes nothing inside one), and puts `type` first', () => {
    for (const f of files) {
      visit(parseDocument(formatted[f]!), {
        Map(_, m) {
          expect(Boolean(m.flow) && m.items.length > 0, `${f}: a flow mapping`).toBe(false);
          const keys = m.items.map((p) => String((p.key as { value: unknown }).value));
          if (keys.includes('type')) expect(keys[0], `${f}: ${keys.join(', ')}`).toBe('type');
        },
      });
    }
  });
});

describe('formatSpec', () => {
  const messy = [
    '# yaml-language-server: $schema=schema.json',
    'name: messy   # the run folder name',
    'specVersion: 1',
    'model:',
    '  layers:',
    '    - { units: 10, type: dense }',
    '    - { type: mystery, b: 1, a: 2 }',
    '  type: sequential',
    'training:',
    '  # Keras default',
    '  loss: { type: sparseCategoricalCrossentropy }',
    '  optimizer: {type: adam, learningRate: 0.01}',
    '  metrics:',
    '    - accuracy',
    'data: {}',
    '',
  ].join('\n');

  it('orders keys by the schema, unknown keys last in their own order, the header comment staying on top', () => {
    expect(format(messy)).toMatchInlineSnapshot(`
      "# yaml-language-server: $schema=schema.json
      specVersion: 1
      name: messy # the run folder name
      data: {}
      model:
        type: sequential
        layers:
          - type: dense
            units: 10
          - type: mystery
            b: 1
            a: 2
      training:
        optimizer:
          type: adam
          learningRate: 0.01
        # Keras default
        loss:
          type: sparseCategoricalCrossentropy
        metrics: [accuracy]
      "
    `);
  });

  it('keeps a list of scalars in block style when it has comments or does not fit on a line', () => {
    const text = ['specVersion: 1', 'reproduce:', '  seeds:', '    - 1 # first', '    - 2', 'reference:', `  confusionDiagonal: [${Array(30).fill(1000).join(', ')}]`, ''].join('\n');
    const out = format(text);
    expect(out).toContain('    - 1 # first\n');
    expect(out).toContain('  confusionDiagonal:\n    - 1000\n');
  });

  it('re-wraps block scalars but never folds a plain or quoted string', () => {
    const long = 'word '.repeat(40).trim();
    const out = format(`specVersion: 1\ntitle: "${long}"\ndescription: ${long}\nreference:\n  notes: >-\n    ${long}\n`);
    expect(out).toContain(`title: "${long}"\n`);
    expect(out).toContain(`description: ${long}\n`);
    expect(Math.max(...out.split('\n').filter((l) => !l.includes('title') && !l.includes('description:')).map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('formats JSON specs as JSON, in the same key order', () => {
    const r = formatSpec('{"training": {"loss": {"fromLogits": true, "type": "categoricalCrossentropy"}}, "specVersion": 1, "model": {"layers": [{"shape": [28, 28], "type": "input"}], "type": "sequential"}}', 'x.json', schema);
    expect(r.ok && r.text).toBe(
      ['{', '  "specVersion": 1,', '  "model": {', '    "type": "sequential",', '    "layers": [', '      {', '        "type": "input",', '        "shape": [28, 28]', '      }', '    ]', '  },', '  "training": {', '    "loss": {', '      "type": "categoricalCrossentropy",', '      "fromLogits": true', '    }', '  }', '}', ''].join('\n'),
    );
  });

  it('refuses text that does not parse, with located issues', () => {
    const r = formatSpec('specVersion: 1\nname: [unclosed\n', 'broken.yaml', schema);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: 'syntax', loc: { file: 'broken.yaml' } });
  });
});
