// Bundles the CLI (dist/cli/main.js and what it imports) into dist/bundle/, split
// per command, so `tcpcmd exec` reads a few files instead of a hundred modules
// and starts faster (docs/benchmarks.md). The library (dist/index.js) is not bundled.
// Also builds the web page of `tcpcmd ui` into dist/ui-web/.
import { copyFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: old ones would pile up.
rmSync('dist/bundle', { recursive: true, force: true });
rmSync('dist/ui-web', { recursive: true, force: true });

await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // CommonJS dependencies (enquirer) call require() for Node's own modules.
  banner: { js: "import { createRequire as __tcpcmdRequire } from 'node:module'; const require = __tcpcmdRequire(import.meta.url);" },
});

// The page of `tcpcmd ui`: one script and one style sheet (uPlot's included), no
// inline script (its CSP forbids it), next to the code that serves it.
await build({
  entryPoints: { app: 'src/ui/browser/main.ts' },
  outdir: 'dist/ui-web',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome110',
  minify: true,
  logLevel: 'warning',
});
copyFileSync('src/ui/browser/index.html', 'dist/ui-web/index.html');
