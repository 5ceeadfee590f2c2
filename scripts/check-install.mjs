// Checks that the package installs cleanly where it is used: `npm pack`, then
// `npm install ./tcpcmd-*.tgz` in an empty folder (from npm's cache only, no
// network), with no warning and no build step, and `npx tcpcmd` works there.
// Run by .ci/run after the tests; by hand: `node scripts/check-install.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'tcpcmd-install-'));
const problems = [];

function npm(args, cwd) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
}

try {
  npm(['pack', '--pack-destination', dir, '--silent'], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  npm(['init', '-y'], dir);
  const install = npm(['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], dir);
  const warnings = `${install.stdout}${install.stderr}`.split('\n').filter((l) => /\bwarn\b/i.test(l));
  if (warnings.length > 0) problems.push(`npm install ./${tarball} warned:\n  ${warnings.join('\n  ')}`);
  const installed = join(dir, 'node_modules', 'tcpcmd');
  if (!existsSync(join(installed, 'dist', 'bundle', 'main.js'))) problems.push('the installed package has no dist/bundle/main.js');
  if (existsSync(join(installed, 'src'))) problems.push('the installed package ships src/');
  const version = execFileSync('npx', ['--no-install', 'tcpcmd', '--version'], { cwd: dir, encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+/.test(version)) problems.push(`npx tcpcmd --version printed "${version}"`);
  const help = spawnSync('npx', ['--no-install', 'tcpcmd', 'exec', '--help'], { cwd: dir, encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('Examples:') || help.stderr !== '') problems.push(`npx tcpcmd exec --help: exit ${help.status}, stderr "${help.stderr}"`);
} catch (err) {
  problems.push(err.message);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`check-install: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('check-install: npm pack, npm install ./tcpcmd-*.tgz and npx tcpcmd work, with no warning and no build');
