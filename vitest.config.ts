import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 600_000,
    // Integration tests share one Docker engine and the cache test wipes its builder: files run one at a time.
    fileParallelism: false,
  },
});
