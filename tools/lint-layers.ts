/**
 * Layering rule: the core (zaqar/) never imports a concrete plugin
 * (plugins/). Plugins are found at run time by name (zaqar/plugins/registry).
 * Fails with the offending import lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const offenders: string[] = [];
for (const file of walk(path.join(root, 'zaqar'))) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /(?:from\s+|require\()\s*['"]([^'"]+)['"]/.exec(line);
      if (!m) return;
      const target = path.resolve(path.dirname(file), m[1]);
      if (m[1].startsWith('.') && target.startsWith(path.join(root, 'plugins') + path.sep)) {
        offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      }
    });
}
if (offenders.length) {
  process.stderr.write(`The core must not import plugins:\n${offenders.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('lint-layers: zaqar/ imports no plugin\n');
