// Bundles the CLI (dist/cli/main.js and what it imports) into dist/bundle/, split
// per command, so `tcpcmd exec` reads a few files instead of a hundred modules
// and starts faster (docs/benchmarks.md). The library (dist/index.js) is not bundled.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: old ones would pile up.
rmSync('dist/bundle', { recursive: true, force: true });

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
