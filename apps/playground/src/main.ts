import './style.css';
import {
  buildReproduction,
  buildSpecSchema,
  confusionChart,
  createPluginHost,
  createSpecLoader,
  curvesChart,
  figuresChart,
  formatIssue,
  makeJob,
  reproductionJson,
  reproductionMarkdown,
  type EngineStatus,
  type EpochRecord,
  type Issue,
  type ResolvedModelSpec,
  type RunEvent,
  type RunOutcome,
  type RunSummary,
} from '@modelspec/core';
import { IndexedDbRunStore, WorkerRunner, webPlugin, type WorkerRun } from '@modelspec/backend-web';
import * as precompiled from '@modelspec/backend-web/precompiled';
import { browserWebgpuEngine } from '@modelspec/engine-webgpu';
import { createEditor } from './editor.js';
import { drawChart, liveLossChart } from './charts.js';
import { renderClassReport, renderPredictionGrid } from './results.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// The page's own host: the same kinds as the worker's (the job names its plugins), the validator precompiled (no eval).
const host = createPluginHost([{ plugin: webPlugin({ engines: [browserWebgpuEngine] }) }]);
const loader = createSpecLoader(host.registries, { precompiled });
const store = new IndexedDbRunStore();
const runner = new WorkerRunner(() => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));

const specFiles = import.meta.glob('../../../specs/*.{yaml,json}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const specs = Object.fromEntries(Object.entries(specFiles).map(([p, t]) => [`specs/${p.split('/').pop()}`, t]));

interface PageState {
  status: 'idle' | 'running' | 'completed' | 'interrupted' | 'diverged' | 'failed';
  file: string;
  issues: Issue[];
  events: RunEvent[];
  batches: { epoch: number; batch: number; batches: number; loss: number }[];
  history: EpochRecord[];
  outcome: RunOutcome | null;
  error: string | null;
  engines: EngineStatus[];
}
const state: PageState = { status: 'idle', file: 'specs/e-simple-cnn.yaml', issues: [], events: [], batches: [], history: [], outcome: null, error: null, engines: [] };

function setStatus(status: PageState['status'], text: string): void {
  state.status = status;
  const el = $('status');
  el.dataset['status'] = status;
  el.textContent = text;
  document.body.dataset['state'] = status;
  ($('train') as HTMLButtonElement).disabled = status === 'running';
  ($('stop') as HTMLButtonElement).disabled = status !== 'running';
}

// ---- the editor and the spec's problems

const editor = createEditor($('editor'), buildSpecSchema(host.registries), () => scheduleCheck());
let checkTimer: number | undefined;
function scheduleCheck(): void {
  clearTimeout(checkTimer);
  checkTimer = window.setTimeout(check, 200);
}

function check(): boolean {
  const result = loader.load(editor.text(), state.file);
  state.issues = result.issues;
  editor.showIssues(result.issues);
  const list = $('problems');
  list.textContent = '';
  list.dataset['count'] = String(result.issues.filter((i) => i.severity === 'error').length);
  for (const i of result.issues) {
    const row = document.createElement('div');
    row.className = `problem ${i.severity}`;
    row.dataset['line'] = String(i.loc?.line ?? '');
    row.dataset['col'] = String(i.loc?.col ?? '');
    row.textContent = formatIssue(i);
    row.addEventListener('click', () => {
      const line = editor.view.state.doc.line(Math.min(i.loc?.line ?? 1, editor.view.state.doc.lines));
      editor.view.dispatch({ selection: { anchor: Math.min(line.from + (i.loc?.col ?? 1) - 1, line.to) }, scrollIntoView: true });
      editor.view.focus();
    });
    list.append(row);
  }
  if (!result.issues.length) list.textContent = `${state.file}: no problems`;
  return result.ok;
}

function openSpec(file: string, text: string): void {
  state.file = file;
  editor.setText(text, file);
  check();
}

const select = $('spec-select') as HTMLSelectElement;
for (const f of Object.keys(specs).sort()) select.add(new Option(f, f));
select.value = state.file in specs ? state.file : Object.keys(specs)[0]!;
select.addEventListener('change', () => openSpec(select.value, specs[select.value]!));
$('spec-file').addEventListener('change', async (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) openSpec(f.name, await f.text());
});
openSpec(select.value, specs[select.value]!);

// ---- dataset files: a folder URL, or files picked or dropped

let dataFiles: File[] = [];
function setDataFiles(files: File[]): void {
  dataFiles = files;
  $('data-files-list').textContent = files.length ? files.map((f) => f.name).join(', ') : '';
}
$('data-files').addEventListener('change', (e) => setDataFiles([...((e.target as HTMLInputElement).files ?? [])]));
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  const files = [...(e.dataTransfer?.files ?? [])];
  const spec = files.find((f) => /\.(ya?ml|json)$/.test(f.name));
  if (spec) void spec.text().then((t) => openSpec(spec.name, t));
  const data = files.filter((f) => f !== spec);
  if (data.length) setDataFiles(data);
});

/** The dataset folder as an absolute URL (the worker resolves relative URLs against its own script). */
const dataUrl = (): string | null => {
  const v = ($('data-url') as HTMLInputElement).value.trim();
  return v ? new URL(v, location.href).href : null;
};

// ---- engines, as the worker (where training runs) sees them

const engineSelect = $('engine-select') as HTMLSelectElement;
const enginesReady = runner.engines().then((list) => {
  state.engines = list;
  for (const e of list) {
    const o = new Option(e.available ? `${e.name}${e.adapter?.software ? ' (software GPU)' : ''}` : `${e.name} (unavailable)`, e.name);
    o.disabled = !e.available;
    o.title = e.available ? e.description : `${e.reason ?? ''}${e.fix ? ` Fix: ${e.fix}` : ''}`;
    engineSelect.add(o);
  }
  return list;
});

// ---- training

const num = (id: string): number | null => {
  const v = ($(id) as HTMLInputElement).value.trim();
  return v === '' ? null : Math.max(1, Math.floor(Number(v)));
};

let current: WorkerRun | null = null;
let liveTimer: number | undefined;
let liveDirty = false;

function provisional(spec: ResolvedModelSpec, engine: string): ReturnType<typeof buildReproduction> {
  const run: RunSummary = { location: null, seed: spec.seed, engine, stopReason: 'running', history: state.history, measured: {}, test: null, trainSeconds: 0, weightsSha256: '' };
  return buildReproduction(spec, state.file, [], [run], 0);
}

async function drawLive(spec: ResolvedModelSpec, engine: string): Promise<void> {
  liveDirty = false;
  const points = state.batches.map((b) => ({ step: (b.epoch - 1) * b.batches + b.batch, loss: b.loss, epoch: b.epoch }));
  await drawChart($('chart-live'), liveLossChart(points));
  if (state.history.length) await drawChart($('chart-curves'), curvesChart(provisional(spec, engine)));
}

async function train(): Promise<void> {
  if (!check()) {
    setStatus('failed', 'The spec has problems: fix them first (listed under the editor).');
    return;
  }
  const seed = num('seed') ?? 0;
  const epochs = num('epochs');
  const overrides: Record<string, unknown> = { seed };
  if (epochs !== null) overrides['training.epochs'] = epochs;
  const loaded = loader.load(editor.text(), state.file, { overrides });
  if (!loaded.ok) return void check();
  const limit = num('limit');
  const testLimit = num('test-limit');
  const engine = engineSelect.value || null;
  const job = makeJob({ spec: loaded.spec, specFile: state.file, overrides, limit, testLimit, engine, plugins: host.records() });
  const conditions = [...(limit !== null ? [`--limit ${limit}`] : []), ...(testLimit !== null ? [`--test-limit ${testLimit}`] : []), ...(epochs !== null ? [`--epochs ${epochs}`] : [])];

  Object.assign(state, { events: [], batches: [], history: [], outcome: null, error: null });
  $('results').hidden = true;
  $('downloads').textContent = '';
  ($('progress') as HTMLProgressElement).value = 0;
  await drawChart($('chart-live'), null);
  await drawChart($('chart-curves'), null);
  setStatus('running', `Starting ${loaded.spec.name}: loading the dataset…`);
  let engineName = engine ?? '';
  const t0 = performance.now();
  const run = runner.run(job, {
    data: { ...(dataUrl() ? { baseUrl: dataUrl()! } : {}), files: dataFiles },
    onEvent: (e) => {
      state.events.push(e);
      if (e.type === 'started') {
        engineName = e.engine.name;
        const fell = e.fellBackFrom ? ` (not ${e.fellBackFrom.name}: ${e.fellBackFrom.reason})` : '';
        setStatus('running', `Training ${loaded.spec.name} on ${e.engine.name}${fell}: ${e.counts.train} training, ${e.counts.validation} validation, ${e.counts.test} test examples`);
      } else if (e.type === 'batch') {
        state.batches.push(e.progress);
        const p = e.progress;
        ($('progress') as HTMLProgressElement).value = (p.epoch - 1 + p.batch / p.batches) / loaded.spec.training.epochs;
        $('status').textContent = `Epoch ${p.epoch}/${loaded.spec.training.epochs}, batch ${p.batch}/${p.batches} on ${engineName}: loss ${p.loss.toFixed(4)}`;
        liveDirty = true;
      } else if (e.type === 'epoch') {
        state.history.push(e.record);
        liveDirty = true;
      }
    },
  });
  current = run;
  // redraw the live charts at most a few times a second, whatever the batch rate
  liveTimer = window.setInterval(() => {
    if (liveDirty) void drawLive(loaded.spec, engineName);
  }, 300);
  try {
    const outcome = await run.outcome;
    state.outcome = outcome;
    await drawLive(loaded.spec, engineName);
    await showResults(outcome, loaded.spec, conditions, (performance.now() - t0) / 1000, loaded.issues);
    const last = outcome.summary?.history.at(-1);
    const acc = outcome.summary?.measured['testAccuracy'];
    const words = { completed: 'Completed', interrupted: 'Stopped', diverged: 'Diverged', failed: 'Failed', running: 'Running' } as const;
    setStatus(
      outcome.status === 'running' ? 'completed' : outcome.status,
      `${words[outcome.status]}: ${outcome.summary?.history.length ?? 0} epoch(s) on ${outcome.engine.name}${last ? `, loss ${last.train['loss']!.toFixed(4)}` : ''}${acc !== undefined ? `, test accuracy ${acc.toFixed(4)}` : ''}`,
    );
  } catch (e) {
    state.error = e instanceof Error ? e.message : String(e);
    setStatus('failed', `Failed: ${state.error}`);
  } finally {
    clearInterval(liveTimer);
    current = null;
  }
}

async function showResults(outcome: RunOutcome, spec: ResolvedModelSpec, conditions: string[], seconds: number, warnings: readonly Issue[]): Promise<void> {
  if (!outcome.summary) return;
  const repro = buildReproduction(spec, state.file, outcome.classNames, [outcome.summary], seconds, conditions, new Date(), warnings.map((w) => w.message));
  $('results').hidden = false;
  await drawChart($('chart-curves'), curvesChart(repro));
  await drawChart($('chart-confusion'), confusionChart(repro));
  await drawChart($('chart-figures'), figuresChart(repro));
  renderClassReport($('class-report'), outcome.summary, outcome.classNames);
  renderPredictionGrid($('prediction-grid'), outcome.summary, outcome.classNames);

  const links = $('downloads');
  links.textContent = '';
  const link = (name: string, body: BlobPart, type: string) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([body], { type }));
    a.download = name;
    a.textContent = name;
    links.append(a);
  };
  link(`${spec.name}-report.json`, JSON.stringify(reproductionJson(repro), null, 2), 'application/json');
  link(`${spec.name}-report.md`, reproductionMarkdown(repro), 'text/markdown');
  if (outcome.location) {
    link(`${spec.name}-run.json`, await store.runJson(outcome.location), 'application/json');
    const files = await store.modelFiles(outcome.location);
    if (files) {
      link('model.json', files['model.json'], 'application/json');
      link('weights.bin', files['weights.bin'], 'application/octet-stream');
    }
  }
}

$('train').addEventListener('click', () => void train());
$('stop').addEventListener('click', () => {
  current?.stop();
  $('status').textContent = 'Stopping at the end of this batch (the last complete epoch is kept)…';
});
setStatus('idle', 'Edit a spec and press Train.');

// For tests and the console: the page's state and a way to put a spec in the editor.
(window as unknown as Record<string, unknown>)['playground'] = { state, openSpec, check, enginesReady, store };
