import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The server (target/marquee.jar) serves what this builds from its classpath webroot.
// `npm run dev` proxies the API and the socket to a server on :3001.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.MARQUEE_WEBROOT ?? '../target/classes/webroot',
    emptyOutDir: true,
    // No inline script anywhere: the Content-Security-Policy forbids it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3001',
      '/ws': { target: 'ws://127.0.0.1:3001', ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
