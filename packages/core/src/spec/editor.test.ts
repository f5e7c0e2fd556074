import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { distance } from 'fastest-levenshtein';
import { parse } from 'yaml';
import { buildSpecSchema, builtinRegistries, defineLayer } from '../index.js';
import { forValidation, typoPattern } from './editor.js';
import { opt, req } from './fields.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const reg = builtinRegistries();
const schema = buildSpecSchema(reg);

/** Every subschema with `defaultSnippets`, by JSON pointer. */
function withSnippets(node: unknown, path = '', out: { path: string; schema: Json }[] = []) {
  if (Array.isArray(node)) node.forEach((n, i) => withSnippets(n, `${path}/${i}`, out));
  else if (isObj(node)) {
    if (Array.isArray(node['defaultSnippets'])) out.push({ path, schema: node });
    for (const [k, v] of Object.entries(node)) if (k !== 'defaultSnippets' && k !== 'examples' && k !== 'default') withSnippets(v, `${path}/${k}`, out);
  }
  return out;
}

/** What the editor inserts, as data: every `${n:text}` tab stop replaced by its text. */
function inserted(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(inserted);
  if (isObj(body)) return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, inserted(v)]));
  if (typeof body === 'string') {
    const m = /^\$\{\d+:(.*)\}$/s.exec(body);
    return m ? parse(m[1]!.replace(/\\([$}\\])/g, '$1')) : body;
  }
  return body;
}

describe('the editor annotations of the spec schema', () => {
  const unions = withSnippets(schema);
  const ajv = new Ajv2020({ strict: true, strictTypes: false, discriminator: true, allErrors: true });
  ajv.addSchema(forValidation(schema));
  const id = schema['$id'] as string;

  it('give every union discriminated on `type` one snippet per kind', () => {
    const paths = unions.map((u) => u.path);
    for (const p of ['/$defs/layer', '/$defs/node', '/$defs/optimizer', '/$defs/loss', '/$defs/dataset', '/$defs/regularizer', '/$defs/initializer/else', '/properties/data/properties/validation', '/properties/model']) {
      expect(paths).toContain(p);
    }
    for (const u of unions) expect((u.schema['defaultSnippets'] as unknown[]).length, u.path).toBe((u.schema['oneOf'] as unknown[]).length);
  });

  it('make every snippet, as inserted, a valid instance of its kind', () => {
    for (const u of unions) {
      const check = ajv.getSchema(`${id}#${u.path}`)!;
      for (const s of u.schema['defaultSnippets'] as { label: string; body: Json }[]) {
        const value = inserted(s.body);
        expect(check(value), `${s.label}: ${JSON.stringify(value)} ${JSON.stringify(check.errors)}`).toBe(true);
      }
    }
  });

  it("show each kind's description and Keras equivalent on its `type` and its fields", () => {
    const layers = (schema['$defs'] as Json)['layer'] as Json;
    for (const b of layers['oneOf'] as Json[]) {
      const props = b['properties'] as Record<string, Json>;
      const kind = reg.layers.get(props['type']!['const'] as string)!;
      expect(props['type']!['markdownDescription']).toContain(kind.description);
      expect(props['type']!['markdownDescription']).toContain(`Keras \`${kind.keras}\``);
      for (const [k, f] of Object.entries(props)) if (k !== 'type' && k !== 'name') expect(f['markdownDescription'], `${kind.type}.${k}`).toContain(`\`${kind.type}\` layer · Keras`);
    }
    // The union's own `type` has no description: editors show the first they meet, which hid every kind's behind "The kind.".
    expect(((layers['properties'] as Json)['type'] as Json)['description']).toBeUndefined();
  });

  it('reach Ajv not at all: the validation schema has no editor keyword and no did-you-mean hint', () => {
    const text = JSON.stringify(forValidation(schema));
    for (const k of ['markdownDescription', 'defaultSnippets', 'errorMessage', 'enumDescriptions', 'propertyNames', 'did-you-mean']) expect(text).not.toContain(`"${k}"`);
    expect(JSON.stringify(schema)).toContain('"errorMessage":"Unknown field: did you mean \\"batchSize\\"?"');
  });

  it('ask nothing of a spec that extends another in the editor; Ajv, which sees the merged spec, still requires the fields', () => {
    expect(schema['required']).toBeUndefined();
    expect((schema['else'] as Json)['required']).toEqual(['specVersion', 'name', 'data', 'model', 'training']);
    expect(forValidation(schema)['required']).toEqual(['specVersion', 'name', 'data', 'model', 'training']);
  });

  it('give a plugin kind its Markdown, Keras equivalent and snippet too', () => {
    const swish = defineLayer({
      type: 'acme/swish',
      description: 'x * sigmoid(beta * x).',
      keras: 'tf.keras.activations.swish',
      arity: 1,
      params: Type.Object({ beta: opt(Type.Number({ examples: [1.5] }), 1, 'Slope.'), scale: req(Type.Number(), 'Multiplier.') }),
      infer: (_p, inputs) => ({ shape: inputs[0]!, trainable: 0, nonTrainable: 0 }),
      build: () => {
        throw new Error('not built in this test');
      },
    });
    const s = buildSpecSchema({ ...reg, layers: reg.layers.with(swish) });
    const layer = (s['$defs'] as Json)['layer'] as Json;
    const snippet = (layer['defaultSnippets'] as { label: string; body: Json }[]).find((x) => x.label === 'acme/swish layer');
    expect(snippet?.body).toEqual({ type: 'acme/swish', beta: '${1:1.5}', scale: '${2:0}' });
    const branch = (layer['oneOf'] as Json[]).find((b) => ((b['properties'] as Json)['type'] as Json)['const'] === 'acme/swish')!;
    expect(((branch['properties'] as Json)['type'] as Json)['markdownDescription']).toContain('Keras `tf.keras.activations.swish`');
    expect(((branch['properties'] as Json)['beta'] as Json)['markdownDescription']).toBe('Slope.\n\nDefault: `1`\n\n`acme/swish` layer · Keras `tf.keras.activations.swish`');
  });
});

describe('typoPattern', () => {
  const alphabet = 'abcSz_/.19';
  const edits = (n: string) => {
    const out = new Set<string>();
    for (let i = 0; i <= n.length; i++) {
      for (const c of alphabet) {
        out.add(n.slice(0, i) + c + n.slice(i));
        if (i < n.length) out.add(n.slice(0, i) + c + n.slice(i + 1));
      }
      if (i < n.length) out.add(n.slice(0, i) + n.slice(i + 1));
      if (i + 1 < n.length) out.add(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2));
    }
    return out;
  };

  it('matches every string one edit (or one swap) away, and the snake_case spelling', () => {
    for (const n of ['units', 'batchSize', 'acme/swish', 'kernelInitializer']) {
      const re = new RegExp(typoPattern(n), 'u');
      for (const v of edits(n)) expect(re.test(v), `${n} vs ${v}`).toBe(true);
    }
    expect(new RegExp(typoPattern('batchSize')).test('batch_size')).toBe(true);
  });

  it('matches nothing two edits away', () => {
    for (const n of ['units', 'l2Rate']) {
      const re = new RegExp(typoPattern(n), 'u');
      const one = edits(n);
      for (const v of [...one].flatMap((x) => [...edits(x)])) {
        if (!one.has(v) && distance(v, n) >= 2 && v !== 'l2_rate') expect(re.test(v), `${n} vs ${v}`).toBe(false);
      }
    }
  });
});
