import { defineConfig } from 'vite';
import { contentSecurityPolicy } from './serve.js';

// The headers the built app is served with (serve.js) apply to the dev server too,
// except the CSP: Vite's dev client injects inline scripts.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  base: './',
  resolve: { conditions: ['@modelspec/source'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // no inline <script> or modulepreload polyfill: the page runs under script-src 'self'
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { headers: isolation, fs: { allow: ['../..'] } },
  preview: { headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy() } },
});
