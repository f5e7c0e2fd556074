import * as tf from '@tensorflow/tfjs-core';
import { defineEngine, type EngineAdapter, type EngineProbe } from '@modelspec/core';

/** Renderers that draw on the CPU: fine for tests, never preferred to a CPU engine. */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

function webgl2(): WebGL2RenderingContext | null {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1).getContext('webgl2');
  if (typeof document !== 'undefined') return document.createElement('canvas').getContext('webgl2');
  return null;
}

function adapterOf(gl: WebGL2RenderingContext): EngineAdapter {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const vendor = String(info ? gl.getParameter(info.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR));
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return { vendor, architecture: renderer, backend: 'webgl2', software: SOFTWARE.test(`${vendor} ${renderer}`) };
}

export const webglEngine = defineEngine({
  type: 'webgl',
  description: 'tfjs-backend-webgl: kernels as WebGL2 shaders on the GPU (float32 textures); agrees with cpu within float rounding.',
  priority: 4,
  environments: ['browser'],
  tfjsBackend: 'webgl',
  capabilities: { kernels: [], missingTrainingKernels: [], dtypes: ['float32', 'int32', 'bool'], determinism: { class: 'tolerance', relative: 1e-2 } },
  async probe(): Promise<EngineProbe> {
    let gl: WebGL2RenderingContext | null = null;
    try {
      gl = webgl2();
    } catch {
      gl = null;
    }
    if (!gl) return { available: false, reason: 'this browser gives no WebGL2 context here', fix: 'enable hardware acceleration (or, headless, run Chromium with --enable-unsafe-swiftshader)' };
    if (!gl.getExtension('EXT_color_buffer_float')) return { available: false, reason: 'WebGL2 here cannot render to float32 textures (EXT_color_buffer_float)' };
    const adapter = adapterOf(gl);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, detail: adapter.architecture ?? adapter.vendor, adapter };
  },
  async activate() {
    await import('@tensorflow/tfjs-backend-webgl');
    // float32 everywhere: half-float textures would break parity with the other engines
    tf.env().set('WEBGL_FORCE_F16_TEXTURES', false);
    if (!(await tf.setBackend('webgl'))) throw new Error('tfjs could not initialize the webgl backend');
  },
});
