import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves the built app from dist/web; /api is proxied in dev (`npx vite web`) to a
// running `textvault serve`.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    // One app chunk plus vendor chunks; no inline scripts so a strict CSP (script-src 'self') holds.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});
