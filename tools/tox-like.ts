/**
 * A small tox: runs the named environments of tox-like.json in order and
 * stops at the first failure. `all` = the default list.
 *
 *   node dist/tools/tox-like.js [ENV|all]...   (after `npm run build`)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Env {
  description: string;
  commands: string[][];
}
interface ToxLike {
  default: string[];
  envs: Record<string, Env>;
}

const root = path.resolve(__dirname, '..', '..');
const spec = JSON.parse(readFileSync(path.join(root, 'tox-like.json'), 'utf8')) as ToxLike;
const requested = process.argv.slice(2);
const names = requested.length === 0 || requested.includes('all') ? spec.default : requested;

for (const name of names) {
  const env = spec.envs[name];
  if (!env) {
    process.stderr.write(`tox-like: unknown environment '${name}' (known: ${Object.keys(spec.envs).join(', ')})\n`);
    process.exit(2);
  }
  process.stdout.write(`\n=== ${name}: ${env.description}\n`);
  for (const [command, ...args] of env.commands) {
    process.stdout.write(`--- ${command} ${args.join(' ')}\n`);
    const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
    if (result.status !== 0) {
      process.stderr.write(`tox-like: ${name} failed (${command} exited with ${result.status ?? result.signal})\n`);
      process.exit(result.status ?? 1);
    }
  }
}
process.stdout.write(`\ntox-like: ${names.join(', ')} passed\n`);
