import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@modelspec/source'] },
  ssr: { resolve: { conditions: ['@modelspec/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 120_000, fileParallelism: false },
});
