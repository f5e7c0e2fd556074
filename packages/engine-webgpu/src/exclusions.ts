export const webgpuTfjsExclusions = [] as const;
