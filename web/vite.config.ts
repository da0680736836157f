import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The config lives in web/ but is run from the project root (`npx vite build --config web/vite.config.ts`),
// so paths are anchored to this file rather than to the working directory.
const root = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  // Absolute asset URLs: the server answers /cable/:ref with the same index.html, where relative URLs would break.
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // The server refuses pages from other origins (src/serve/guard.ts), and the dev page is one: its requests
    // reach the server as if from the server's own page.
    proxy: {
      '/api': { target: server, changeOrigin: true, headers: { origin: server } },
      '/ws': {
        target: server,
        ws: true,
        changeOrigin: true,
        configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', server)),
      },
    },
  },
});
