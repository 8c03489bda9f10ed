// Installs node modules when they are missing or older than package-lock.json, so that
// `npm test` and `npm run local` work on a fresh clone with nothing run first.
// Plain Node (no dependencies): it runs before node_modules exists.
import { execSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
const modules = join(root, 'node_modules');
if (stale && existsSync(modules) && lstatSync(modules).isSymbolicLink()) {
  // A linked node_modules (a git worktree sharing another checkout's) is someone else's: `npm ci`
  // would empty it under every checkout that uses it.
  console.warn(
    'fjc: node_modules is a link and older than package-lock.json; run npm ci where it points',
  );
} else if (stale) {
  console.log('fjc: installing node modules (npm ci)…');
  // Errors only: npm's warnings here are about packages' own dependencies and, on Node 20, an
  // EBADENGINE notice for aws-local-stepfunctions (it declares Node 22; fjc supplies the one API
  // it needs), which reads like a failure when it is not one. The local run says it in one line.
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
}
