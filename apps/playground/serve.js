// The playground's static server: the built app (dist/) with the headers it
// needs (cross-origin isolation for threads and the stop flag; a
// Content-Security-Policy without eval), and the Debian Fashion-MNIST files
// under /datasets/fashion-mnist/ when they are installed. No dependencies.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('./dist/', import.meta.url));
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** `script-src 'self'`, as browser extensions and editor webviews have it; 'wasm-unsafe-eval' lets WebAssembly compile (not JavaScript). */
export function contentSecurityPolicy({ wasm = true } = {}) {
  return [
    "default-src 'self'",
    `script-src 'self'${wasm ? " 'wasm-unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "worker-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.gz': 'application/gzip',
  '.yaml': 'text/yaml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * Serves `root` (default: the built playground) on `host:port` (port 0: any free one).
 * `csp`: a policy string, or { wasm: false } for `script-src 'self'` exactly.
 * `routes`: extra files by URL path (the tests' pages), as { type, body } or a file path.
 */
export function startServer({ root = DIST, port = 0, host = '127.0.0.1', csp = contentSecurityPolicy(), datasets = SYSTEM_FASHION_MNIST_DIR, routes = {} } = {}) {
  const rootDir = resolve(root);
  const mounts = [['/datasets/fashion-mnist/', datasets && existsSync(datasets) ? resolve(datasets) : null]];
  const policy = typeof csp === 'string' ? csp : contentSecurityPolicy(csp);

  const server = createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Content-Security-Policy': policy,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (status, type, body) => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed');
    const extra = routes[path];
    if (extra) {
      if (typeof extra === 'string') return sendFile(extra);
      return send(200, extra.type, extra.body);
    }
    let file = null;
    for (const [prefix, dir] of mounts) {
      if (path.startsWith(prefix)) {
        if (!dir) return send(404, 'text/plain', `no dataset folder here (install the Debian package dataset-fashion-mnist)`);
        file = inside(dir, path.slice(prefix.length));
      }
    }
    if (!file) {
      file = inside(rootDir, path.endsWith('/') ? `${path.slice(1)}index.html` : path.slice(1));
    }
    if (!file) return send(403, 'text/plain', 'forbidden');
    return sendFile(file);

    function sendFile(f) {
      let st;
      try {
        st = statSync(f);
      } catch {
        return send(404, 'text/plain', `not found: ${path}`);
      }
      if (!st.isFile()) return send(404, 'text/plain', `not found: ${path}`);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(f)] ?? 'application/octet-stream', 'Content-Length': st.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(f).pipe(res);
    }
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolvePromise({ url: `http://${host === '127.0.0.1' || host === '::1' ? 'localhost' : host}:${a.port}/`, port: a.port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** A path under `dir`, or null when the request climbs out of it. */
function inside(dir, rel) {
  const p = normalize(join(dir, rel));
  return p === dir || p.startsWith(dir + sep) ? p : null;
}

// `node serve.js [port]`: serve the built playground
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('the playground is not built: run `npm run build -w @modelspec/playground` (or `npm run build`) first');
    process.exit(1);
  }
  const s = await startServer({ port: Number(process.argv[2] ?? 5178) });
  console.log(`modelspec playground: ${s.url}`);
}
