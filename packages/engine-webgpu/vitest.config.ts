import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@modelspec/source'] },
  ssr: { resolve: { conditions: ['@modelspec/source'] } },
  // One engine per test file (tfjs state is per process); llvmpipe is slow, so files run one at a time.
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 300_000, fileParallelism: false },
});
