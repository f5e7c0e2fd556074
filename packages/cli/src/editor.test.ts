import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistries, createValidator, parseSpecText } from '@modelspec/core';

/**
 * The editor experience, measured with the real yaml-language-server (the
 * server behind VS Code's YAML extension) over LSP on stdio: the published
 * specs, with their `# yaml-language-server: $schema=...` modeline pointing
 * at the checked-in schema.
 */

const root = resolve(__dirname, '../../..');
const server = join(root, 'node_modules/yaml-language-server/bin/yaml-language-server');
const reg = builtinRegistries();

interface Position {
  line: number;
  character: number;
}
interface Diagnostic {
  range: { start: Position; end: Position };
  message: string;
}
interface CompletionItem {
  label: string;
  documentation?: string | { value: string };
  insertText?: string;
  textEdit?: { range: { start: Position; end: Position }; newText: string };
}

/** A minimal LSP client: Content-Length framing, requests by id, the server's own requests answered. */
function lspClient() {
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();
  const diagnostics = new Map<string, (d: Diagnostic[]) => void>();
  let buf = Buffer.alloc(0);
  let nextId = 0;
  const send = (msg: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }));
    proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  // No schema store: the test must not reach the network.
  const settings = { validate: true, hover: true, completion: true, schemaStore: { enable: false } };
  proc.stdout.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString())![1]);
      if (buf.length < end + 4 + length) return;
      const msg = JSON.parse(buf.subarray(end + 4, end + 4 + length).toString());
      buf = buf.subarray(end + 4 + length);
      if (msg.method === undefined) pending.get(msg.id)?.(msg);
      else if (msg.id !== undefined) {
        const items = (msg.params?.items ?? []) as { section?: string }[];
        send({ id: msg.id, result: msg.method === 'workspace/configuration' ? items.map((i) => (i.section === 'yaml' ? settings : null)) : null });
      } else if (msg.method === 'textDocument/publishDiagnostics') diagnostics.get(msg.params.uri)?.(msg.params.diagnostics);
    }
  });
  const request = <T>(method: string, params: unknown) =>
    new Promise<T>((res, rej) => {
      const id = ++nextId;
      pending.set(id, (m) => (m.error ? rej(new Error(JSON.stringify(m.error))) : res(m.result as T)));
      send({ id, method, params });
    });
  const notify = (method: string, params: unknown) => send({ method, params });
  let opened = 0;
  return {
    async start() {
      await request('initialize', {
        processId: process.pid,
        rootUri: pathToFileURL(root).href,
        capabilities: {
          textDocument: { completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } }, hover: { contentFormat: ['markdown'] } },
          workspace: { configuration: true },
        },
      });
      notify('initialized', {});
      notify('workspace/didChangeConfiguration', { settings: { yaml: settings } });
    },
    /** Opens `text` as a file in specs/ (so the modeline's relative path resolves); resolves with its diagnostics. */
    open(text: string, name = `editor-test-${++opened}.yaml`): { uri: string; diagnostics: Promise<Diagnostic[]> } {
      const uri = pathToFileURL(join(root, 'specs', name)).href;
      const diags = new Promise<Diagnostic[]>((res) => diagnostics.set(uri, res));
      notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      return { uri, diagnostics: diags };
    },
    async complete(uri: string, position: Position): Promise<CompletionItem[]> {
      const r = await request<{ items: CompletionItem[] } | CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
      return Array.isArray(r) ? r : r.items;
    },
    hover: (uri: string, position: Position) => request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position }),
    async stop() {
      await request('shutdown', null);
      notify('exit', null);
    },
    proc,
  };
}

const docText = (i: CompletionItem) => (typeof i.documentation === 'string' ? i.documentation : (i.documentation?.value ?? ''));
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

/**
 * What an editor does with a completion item: replace its range by its text,
 * indent the text's following lines like the current line (VS Code's
 * adjustIndentation), and leave each `${n:default}` tab stop at its default.
 */
function applyCompletion(text: string, item: CompletionItem, at: Position): string {
  const lines = text.split('\n');
  const range = item.textEdit?.range ?? { start: at, end: at };
  const line = lines[range.start.line]!;
  const indent = /^\s*/.exec(line)![0];
  const insert = (item.textEdit?.newText ?? item.insertText ?? item.label)
    .split('\n')
    .map((l, i) => (i === 0 ? l : indent + l))
    .join('\n')
    .replace(/\$\{\d+:((?:\\.|[^}\\])*)\}/g, (_, d: string) => d.replace(/\\(.)/g, '$1'))
    .replace(/\$\d+/g, '');
  lines[range.start.line] = line.slice(0, range.start.character) + insert + lines[range.end.line]!.slice(range.end.character);
  lines.splice(range.start.line + 1, range.end.line - range.start.line);
  return lines.join('\n');
}

describe('yaml-language-server on the published specs', () => {
  const client = lspClient();
  const spec = readFileSync(join(root, 'specs/c-model3.yaml'), 'utf8');
  beforeAll(() => client.start(), 20_000);
  afterAll(() => client.stop().catch(() => client.proc.kill()));

  it('opens every published spec without a problem', async () => {
    const files = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml'));
    const all = await Promise.all(files.map((f) => client.open(readFileSync(join(root, 'specs', f), 'utf8'), f).diagnostics));
    expect(Object.fromEntries(files.map((f, i) => [f, all[i]!.map((d) => d.message)]))).toEqual(Object.fromEntries(files.map((f) => [f, []])));
  });

  it("completes a layer's `type` with every layer kind, each with its description", async () => {
    // A new layer after the flatten layer, its type still to choose.
    const line = lineOf(spec, '- type: flatten') + 1;
    const lines = spec.split('\n');
    lines.splice(line, 0, '    - type: ');
    const { uri } = client.open(lines.join('\n'));
    const items = await client.complete(uri, { line, character: '    - type: '.length });
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const kind of reg.layers.values()) {
      expect(byLabel.has(kind.type), kind.type).toBe(true);
      expect(docText(byLabel.get(kind.type)!)).toContain(kind.description);
    }
  });

  it("shows conv2d's own description and Keras equivalent on hover, not the union's", async () => {
    const { uri } = client.open(spec);
    const line = lineOf(spec, '- type: conv2d');
    const hover = await client.hover(uri, { line, character: spec.split('\n')[line]!.indexOf('conv2d') + 2 });
    const conv2d = reg.layers.get('conv2d')!;
    expect(hover?.contents.value).toContain(conv2d.description);
    expect(hover?.contents.value).toContain('Keras `tf.keras.layers.Conv2D`');
    expect(hover?.contents.value).not.toContain('The kind.');
    // A field's hover names its kind too, with its default.
    const padding = lineOf(spec, 'padding: valid');
    const field = await client.hover(uri, { line: padding, character: 8 });
    expect(field?.contents.value).toContain('Default: `valid`');
    expect(field?.contents.value).toContain('`conv2d` layer · Keras `tf.keras.layers.Conv2D`');
  });

  it('inserts a complete, valid dense layer from the snippet', async () => {
    // A new list item after the flatten layer: "    - " and the cursor after it.
    const after = lineOf(spec, '- type: flatten');
    const lines = spec.split('\n');
    lines.splice(after + 1, 0, '    - ');
    const text = lines.join('\n');
    const { uri } = client.open(text);
    const at = { line: after + 1, character: 6 };
    const items = await client.complete(uri, at);
    const snippet = items.find((i) => i.label === 'dense layer');
    expect(snippet, items.map((i) => i.label).join(', ')).toBeDefined();
    const edited = applyCompletion(text, snippet!, at);
    expect(edited.split('\n').slice(after, after + 5)).toEqual(['    - type: flatten', '    - type: dense', '      units: 128', '      activation: relu', '    - type: dense']);
    const parsed = parseSpecText(edited, 'edited.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const data = parsed.source.data as { model: { layers: unknown[] } };
    expect(data.model.layers[8]).toEqual({ type: 'dense', units: 128, activation: 'relu' });
    expect(createValidator(reg).validate(data)).toMatchObject({ ok: true });
    expect(await client.open(edited).diagnostics).toEqual([]);
  });

  it('flags a misspelled key, with the did-you-mean the CLI gives', async () => {
    const text = spec.replace('batchSize: 512', 'batchSze: 512');
    const line = lineOf(text, 'batchSze');
    const diagnostics = await client.open(text).diagnostics;
    const here = diagnostics.filter((d) => d.range.start.line === line).map((d) => d.message);
    expect(here).toEqual(['Property batchSze is not allowed.', 'Unknown field: did you mean "batchSize"?']);
  });
}, 20_000);
