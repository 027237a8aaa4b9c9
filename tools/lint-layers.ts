/**
 * Layering rules, checked on every import (and, for operations, on every
 * word). Fails with the offending lines.
 *
 * - The core (zaqar/) never imports a plugin: plugins are found at run time
 *   by name (zaqar/plugins/registry.ts).
 * - Plugins import the core's contracts, never its composition
 *   (zaqar/bootstrap, zaqar/cmd): what a plugin needs is handed to it.
 * - A plugin never imports another plugin (plugins/<kind>/<name>/ is
 *   one plugin): plugins talk through core contracts (a notifier gets
 *   Keystone trusts as zaqar/auth/trusts.ts, not from plugins/auth/keystone),
 *   so each can be replaced or left out on its own.
 * - Operations, domain rules and request stages (zaqar/api) know no
 *   transport: no transport code, and no HTTP notion (status codes, hrefs,
 *   Location, query strings) in operations.
 * - Storage knows no API: zaqar/storage never imports zaqar/api.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Rule {
  /** Files under this folder (relative to the root) obey the rule. */
  files: string;
  /** They may not import anything under these folders. */
  mayNotImport: string[];
  /**
   * And not anything under `files` outside their own folder this many
   * levels below `files` (plugins: 2, plugins/<kind>/<name>).
   */
  ownFolderDepth?: number;
  /** Nor mention these words (outside comments). */
  mayNotSay?: RegExp;
  why: string;
}

const RULES: Rule[] = [
  { files: 'zaqar', mayNotImport: ['plugins'], why: 'the core must not import plugins' },
  { files: 'plugins', mayNotImport: ['zaqar/bootstrap', 'zaqar/cmd'], why: 'plugins import core contracts, not the composition' },
  { files: 'plugins', mayNotImport: [], ownFolderDepth: 2, why: 'a plugin never imports another plugin: they talk through core contracts' },
  { files: 'zaqar/api', mayNotImport: ['zaqar/transport', 'zaqar/bootstrap', 'zaqar/cmd'], why: 'the API layer knows no transport' },
  {
    files: 'zaqar/api/operations',
    mayNotImport: ['zaqar/transport'],
    mayNotSay: /\b(HttpError|HttpRequest|HttpResponse|href|hrefs|Location|status(Code)?|toQueryString|restify|node:http)\b/,
    why: 'operations are free of HTTP notions',
  },
  { files: 'zaqar/storage', mayNotImport: ['zaqar/api', 'zaqar/transport', 'zaqar/bootstrap'], why: 'storage knows no API' },
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The code of a line without its comment (good enough for this codebase's style: no `//` inside strings we check). */
function codeOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return '';
  const comment = line.indexOf(' // ');
  return comment >= 0 ? line.slice(0, comment) : line;
}

/** The folder `depth` levels below `base` that holds `file` (with a trailing separator; `base` itself for files higher up). */
function ownFolder(base: string, file: string, depth: number): string {
  const parts = path.relative(base, path.dirname(file)).split(path.sep).filter(Boolean);
  return path.join(base, ...parts.slice(0, depth)) + path.sep;
}

const offenders: string[] = [];
for (const rule of RULES) {
  const forbidden = rule.mayNotImport.map((folder) => path.join(root, folder) + path.sep);
  const base = path.join(root, rule.files);
  for (const file of walk(base)) {
    const own = rule.ownFolderDepth === undefined ? undefined : ownFolder(base, file, rule.ownFolderDepth);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const where = `${path.relative(root, file)}:${i + 1}: ${line.trim()}  (${rule.why})`;
        const m = /(?:from\s+|require\(\s*|^\s*import\s+)['"]([^'"]+)['"]/.exec(line);
        if (m && m[1].startsWith('.')) {
          const target = path.resolve(path.dirname(file), m[1]) + path.sep;
          if (forbidden.some((folder) => target.startsWith(folder))) offenders.push(where);
          else if (own !== undefined && target.startsWith(base + path.sep) && !target.startsWith(own)) offenders.push(where);
        }
        if (rule.mayNotSay && rule.mayNotSay.test(codeOf(line))) offenders.push(where);
      });
  }
}
if (offenders.length) {
  process.stderr.write(`Layering rules broken:\n${offenders.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`lint-layers: ${RULES.length} rules hold\n`);
