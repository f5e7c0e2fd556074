import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@modelspec/source'] },
  ssr: { resolve: { conditions: ['@modelspec/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'], testTimeout: 60_000 },
});
