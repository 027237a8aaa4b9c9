/**
 * Layering rules, checked on every import (and, for operations, on every
 * word). Fails with the offending lines.
 *
 * - The core (zaqar/) never imports a plugin: plugins are found at run time
 *   by name (zaqar/plugins/registry.ts).
 * - Plugins import the core's contracts, never its composition
 *   (zaqar/bootstrap, zaqar/cmd): what a plugin needs is handed to it.
 * - A plugin imports no other plugin (the WebSocket transport nothing of
 *   the HTTP one): what two plugins share belongs in the core.
 * - Operations, domain rules and request stages (zaqar/api) know no
 *   transport: no transport code, and no HTTP notion (status codes, hrefs,
 *   Location, query strings) in operations.
 * - Storage knows no API: zaqar/storage never imports zaqar/api.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface Rule {
  /** Files under this folder (relative to the root) obey the rule; `plugins/*\/*` = each plugin folder on its own. */
  files: string;
  /** They may not import anything under these folders. */
  mayNotImport: string[];
  /** Nor mention these words (outside comments). */
  mayNotSay?: RegExp;
  why: string;
}

const RULES: Rule[] = [
  { files: 'zaqar', mayNotImport: ['plugins'], why: 'the core must not import plugins' },
  { files: 'plugins', mayNotImport: ['zaqar/bootstrap', 'zaqar/cmd'], why: 'plugins import core contracts, not the composition' },
  { files: 'plugins/*/*', mayNotImport: ['plugins'], why: 'a plugin imports no other plugin' },
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

interface Scope {
  dir: string;
  forbidden: string[];
  /** A plugin's own folder, which its files may import. */
  own?: string;
}

/** The folders a rule applies to, each with the folders its files may not import. */
function scopes(rule: Rule): Scope[] {
  const forbidden = rule.mayNotImport.map((folder) => path.join(root, folder) + path.sep);
  if (!rule.files.endsWith('/*/*')) return [{ dir: path.join(root, rule.files), forbidden }];
  const base = path.join(root, rule.files.slice(0, -4));
  const subdirs = (dir: string) => readdirSync(dir).map((name) => path.join(dir, name)).filter((d) => statSync(d).isDirectory());
  return subdirs(base).flatMap(subdirs).map((dir) => ({ dir, forbidden, own: dir + path.sep }));
}

const offenders: string[] = [];
for (const rule of RULES) {
  for (const { dir, forbidden, own } of scopes(rule)) {
  for (const file of walk(dir)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const where = `${path.relative(root, file)}:${i + 1}: ${line.trim()}  (${rule.why})`;
        const m = /(?:from\s+|require\(\s*|^\s*import\s+)['"]([^'"]+)['"]/.exec(line);
        if (m && m[1].startsWith('.')) {
          const target = path.resolve(path.dirname(file), m[1]);
          const inside = own !== undefined && (target + path.sep).startsWith(own);
          if (!inside && forbidden.some((folder) => (target + path.sep).startsWith(folder))) offenders.push(where);
        }
        if (rule.mayNotSay && rule.mayNotSay.test(codeOf(line))) offenders.push(where);
      });
  }
  }
}
if (offenders.length) {
  process.stderr.write(`Layering rules broken:\n${offenders.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`lint-layers: ${RULES.length} rules hold\n`);
