/**
 * Removes compiled files whose TypeScript source is gone (a renamed or
 * deleted module), so a stale spec or plugin in dist/ never runs. Called by
 * `npm run build` after tsc.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const COMPILED = /\.(js|js\.map|d\.ts)$/;

function prune(dir: string): number {
  let removed = 0;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      removed += prune(full);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
      continue;
    }
    if (!COMPILED.test(entry)) continue;
    const source = path.join(root, path.relative(dist, full)).replace(COMPILED, '.ts');
    if (!existsSync(source)) {
      rmSync(full);
      removed++;
    }
  }
  return removed;
}

const removed = existsSync(dist) ? prune(dist) : 0;
if (removed > 0) process.stdout.write(`prune-dist: removed ${removed} stale compiled file(s)\n`);
