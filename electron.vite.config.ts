import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// Explicit inputs: the project does not use electron-vite's default src/ layout.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/shell/index.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
          // The import's worker thread, loaded by main/importers/prepared-batches.ts from beside it.
          'prepare-worker': resolve(__dirname, 'main/importers/prepare-worker.ts'),
        },
        // Shared chunks beside the entries (not in chunks/), so `new URL('./prepare-worker.js',
        // import.meta.url)` names the worker from whichever file the import code lands in.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load ES modules.
      lib: { entry: resolve(__dirname, 'preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
