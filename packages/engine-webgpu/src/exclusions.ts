/**
 * What of tfjs-core's own test suite (4,232 specs, tfjs-core 4.22) the webgpu
 * engine cannot pass, each with its reason: the conformance kit's exclusion
 * format (`specs`: a name pattern, not run; `kernel`: failures only for a
 * kernel the backend lacks are excused). Measured on Dawn's OpenGL ES backend
 * over Mesa's llvmpipe (a `compatibility` adapter) with asynchronous reads.
 */
export type WebgpuTfjsExclusion = { specs: string; reason: string } | { kernel: string; reason: string };

export const webgpuTfjsExclusions: readonly WebgpuTfjsExclusion[] = [];
