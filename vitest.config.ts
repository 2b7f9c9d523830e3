import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // End-to-end files mostly wait on bot processes and fake servers over loopback, not on the CPU,
    // so more files run side by side than there are cores.
    maxWorkers: 3,
    // A test that fails once under heavy parallel load is run once more; a real failure fails twice.
    retry: 1,
    reporters: ['default'],
  },
});
