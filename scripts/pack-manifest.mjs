// `npm pack` and `npm publish` ship dist/ built: the package has nothing to
// build on install. Its `prepare` script (which builds a checkout on `npm ci`)
// would still count as an install script where the tarball is installed, and
// npm would warn that it is not approved. So prepack takes it out of
// package.json, and postpack puts package.json back as it was.
import { readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';

const SAVED = 'package.json.unpacked';
if (process.argv[2] === 'strip') {
  const text = readFileSync('package.json', 'utf8');
  writeFileSync(SAVED, text);
  const manifest = JSON.parse(text);
  delete manifest.scripts.prepare;
  delete manifest.scripts.prepack;
  delete manifest.scripts.postpack;
  writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
} else if (existsSync(SAVED)) {
  renameSync(SAVED, 'package.json');
}
