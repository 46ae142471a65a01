// Builds the task pane (taskpane.html) and the ribbon's function file (commands.html) into dist/addin/,
// which the service serves at its root. `vite --config addin/vite.config.ts` serves them for development
// and passes /api on to a service running on http://localhost:3000.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => ({
  root,
  base: './',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../dist/addin', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The production build ships no source maps (`vite build --mode development` writes them).
    sourcemap: mode !== 'production',
    rolldownOptions: {
      input: {
        taskpane: fileURLToPath(new URL('taskpane.html', import.meta.url)),
        commands: fileURLToPath(new URL('commands.html', import.meta.url)),
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': process.env.JACHI_API ?? 'http://localhost:3000' },
  },
}));
