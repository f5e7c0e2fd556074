import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@modelspec/source'] },
  ssr: { resolve: { conditions: ['@modelspec/source'] } },
  // Each engine's kit runs in its own file (tfjs state is per process); tfjs-core's own tests take tens of seconds.
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 300_000 },
});
