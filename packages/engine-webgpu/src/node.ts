/**
 * The webgpu engine in Node: Dawn through the npm package `webgpu` (its
 * tarball carries a prebuilt dawn.node; nothing is downloaded at install).
 *
 * Dawn backends are tried in order (Linux: Vulkan, then OpenGL ES; macOS:
 * Metal; Windows: D3D12, then Vulkan) and the first hardware adapter wins,
 * else the first software one. OpenGL ES adapters are WebGPU
 * `compatibility` adapters; tfjs's shaders run on them (Mesa's llvmpipe
 * is how CI tests this engine on machines without a GPU).
 *
 * The probe runs in a child process: creating a Dawn instance prints driver
 * warnings on stderr, keeps the event loop alive, and a broken GPU driver
 * can crash the process that loads it. Only `activate` loads Dawn here.
 */
import { execFile } from 'node:child_process';

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { definePlugin, MODELSPEC_VERSION, PLUGIN_API_VERSION, type EngineAdapter, type EngineProbe } from '@modelspec/core';
import { adapterLine, describeAdapter, type GpuAdapterInfoLike, type GpuLike } from './adapter.js';
import { createWebgpuEngine, type WebgpuSource } from './engine.js';

const require = createRequire(import.meta.url);

/** What the probe found on one Dawn backend. */
export interface DawnBackendProbe {
  backend: string;
  info?: GpuAdapterInfoLike;
  fallback?: boolean;
  /** Why there was no adapter (Dawn's own words, from its stderr), when there was none. */
  problem?: string;
}

export interface DawnProbe {
  /** The backend and adapter the engine will use, or null. */
  chosen: (DawnBackendProbe & { adapter: EngineAdapter }) | null;
  tried: DawnBackendProbe[];
}

export interface DawnOptions {
  /** Dawn backends to try, in order (default: by platform; MODELSPEC_WEBGPU_BACKEND=vulkan,opengles overrides). */
  backends?: readonly string[];
  /** The `webgpu` package's entry (default: resolved from here). */
  module?: string;
  /** Milliseconds the probe may take (creating a GL context on llvmpipe takes a second or two on a busy machine). */
  timeoutMs?: number;
}

const DEFAULT_BACKENDS: Record<string, readonly string[]> = { linux: ['vulkan', 'opengles'], darwin: ['metal'], win32: ['d3d12', 'vulkan'] };
const featureLevel = (backend: string) => (backend === 'opengles' || backend === 'opengl' ? 'compatibility' : 'core');
const BACKEND_NAMES: Record<string, string> = { vulkan: 'Vulkan', opengles: 'OpenGL ES', opengl: 'OpenGL', metal: 'Metal', d3d12: 'D3D12', d3d11: 'D3D11' };
export const backendLabel = (b: string) => `${BACKEND_NAMES[b] ?? b} on Dawn`;

export const DAWN_FIX =
  "install the GPU's Vulkan driver and the Vulkan loader (NVIDIA: the proprietary driver with its Vulkan ICD; AMD/Intel: Debian mesa-vulkan-drivers; and libvulkan1); for the software adapter (tests): Debian libegl1 libgl1-mesa-dri libgles2";

function backendsToTry(o: DawnOptions): readonly string[] {
  const env = process.env['MODELSPEC_WEBGPU_BACKEND'];
  if (env) return env.split(',').map((s) => s.trim()).filter(Boolean);
  return o.backends ?? DEFAULT_BACKENDS[process.platform] ?? [];
}

function webgpuModule(o: DawnOptions): string | null {
  if (o.module) return o.module;
  try {
    return require.resolve('webgpu');
  } catch {
    return null;
  }
}

/** Mesa's EGL needs a platform without a display server; an explicit setting is left alone. */
function dawnEnv(): NodeJS.ProcessEnv {
  return { ...process.env, EGL_PLATFORM: process.env['EGL_PLATFORM'] ?? 'surfaceless' };
}

// Runs in the child: argv = [node, module, ...backends]; prints one JSON line per backend.
const CHILD = `
const [mod, ...backends] = process.argv.slice(1);
const { create } = await import(mod);
for (const backend of backends) {
  const out = { backend };
  try {
    const gpu = create(['backend=' + backend]);
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel: backend === 'opengles' || backend === 'opengl' ? 'compatibility' : 'core' });
    if (a) {
      const i = a.info ?? {};
      out.info = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description };
      out.fallback = !!(a.isFallbackAdapter || i.isFallbackAdapter);
    }
  } catch (e) { out.error = String(e && e.message || e); }
  process.stdout.write('@@' + JSON.stringify(out) + '\\n');
}
process.exit(0);
`;

/** Asks Dawn, in a child process, which adapters each backend gives. */
export function probeDawn(o: DawnOptions = {}): Promise<DawnProbe | { error: string; fix: string }> {
  const mod = webgpuModule(o);
  if (!mod) return Promise.resolve({ error: 'the npm package webgpu (Dawn for Node) is not installed', fix: 'npm install webgpu' });
  const backends = backendsToTry(o);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD, pathToFileURL(mod).href, ...backends],
      { env: dawnEnv(), timeout: o.timeoutMs ?? 60_000, maxBuffer: 1 << 20, windowsHide: true },
      (err, stdout, stderr) => {
        const tried: DawnBackendProbe[] = stdout
          .split('\n')
          .filter((l) => l.startsWith('@@'))
          .map((l) => JSON.parse(l.slice(2)) as DawnBackendProbe & { error?: string });
        if (tried.length === 0) {
          const why = err ? (err.killed ? `timed out after ${(o.timeoutMs ?? 60_000) / 1000} s` : `exited with ${err.code ?? err.signal}`) : 'printed nothing';
          resolve({ error: `loading Dawn (dawn.node) failed: the probe ${why}${stderr.trim() ? `: ${lastLines(stderr)}` : ''}`, fix: DAWN_FIX });
          return;
        }
        // Dawn's reasons go to stderr; attach the lines naming a backend to it
        for (const t of tried as (DawnBackendProbe & { error?: string })[]) {
          if (t.info) continue;
          const said = stderr.split('\n').filter((l) => new RegExp(BACKEND_NAMES[t.backend] ?? t.backend, 'i').test(l) && !/^\s+at /.test(l));
          t.problem = t.error ?? (said.length ? said[0]!.trim() : 'no adapter');
        }
        const found = tried.filter((t) => t.info).map((t) => ({ ...t, adapter: describeAdapter(t.info!, backendLabel(t.backend), t.fallback) }));
        const chosen = found.find((t) => !t.adapter.software) ?? found[0] ?? null;
        resolve({ chosen, tried });
      },
    );
  });
}

const lastLines = (s: string) => s.trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-3).join(' / ').slice(0, 400);

/** A source over Dawn in this process. */
export function dawnWebgpuSource(o: DawnOptions = {}): WebgpuSource {
  let probed: Promise<Awaited<ReturnType<typeof probeDawn>>> | null = null;
  const probe = () => (probed ??= probeDawn(o));
  return {
    environments: ['node'],
    async probe(): Promise<EngineProbe> {
      const p = await probe();
      if ('error' in p) return { available: false, reason: p.error, fix: p.fix };
      if (!p.chosen) return { available: false, reason: `Dawn found no adapter (${p.tried.map((t) => `${backendLabel(t.backend)}: ${t.problem}`).join('; ')})`, fix: DAWN_FIX };
      const others = p.tried.filter((t) => t !== p.chosen && t.backend !== p.chosen!.backend);
      const why = others.length ? `; not ${others.map((t) => `${BACKEND_NAMES[t.backend] ?? t.backend} (${t.info ? 'a software adapter' : t.problem})`).join(', ')}` : '';
      return { available: true, detail: `${adapterLine(p.chosen.adapter)}${why}`, adapter: p.chosen.adapter };
    },
    async open() {
      const p = await probe();
      if ('error' in p || !p.chosen) throw new Error('webgpu: no adapter (see modelspec doctor)');
      const backend = p.chosen.backend;
      process.env['EGL_PLATFORM'] ??= 'surfaceless';
      const { create, globals } = (await import(pathToFileURL(webgpuModule(o)!).href)) as { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
      const gpu = create([`backend=${backend}`]);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel: featureLevel(backend) });
      if (!adapter) throw new Error(`webgpu: Dawn's ${backendLabel(backend)} gave an adapter to the probe but not here`);
      // tfjs-backend-webgpu checks navigator.gpu and uses the WebGPU enums (GPUBufferUsage, GPUMapMode…) as globals
      for (const [k, v] of Object.entries(globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      const g = globalThis as { navigator?: { gpu?: unknown } };
      if (!g.navigator) g.navigator = {};
      if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
      return { adapter, info: adapter.info ?? {} };
    },
  };
}

/** The webgpu engine on Dawn, for Node. */
export const nodeWebgpuEngine = createWebgpuEngine(dawnWebgpuSource());

/** The engine as a plugin, composed by the CLI beside backend-node's. */
export const webgpuPlugin = definePlugin({
  name: '@modelspec/engine-webgpu',
  version: MODELSPEC_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'The webgpu engine: tfjs-backend-webgpu on Dawn (Vulkan, Metal, D3D12, or OpenGL ES).',
  engines: [nodeWebgpuEngine],
});

