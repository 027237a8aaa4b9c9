/**
 * The per-request budget: where a server's CPU time goes, in µs per
 * request, from a V8 CPU profile (`node --cpu-prof bin/zaqar-server.js …`)
 * taken while the benchmark ran one scenario.
 *
 *   node dist/tools/bench/budget.js --profile FILE.cpuprofile --requests N [--json]
 *
 * Each sample is charged to the innermost frame on its stack that belongs
 * to a part of the request's path (so the socket write under the Redis
 * client counts as storage, the one under writeResponse as response).
 * Idle time and start-up (module loading, bootstrap) are left out; N is the
 * number of requests the server answered while profiling.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Parts of the path, innermost rule first where two could match one frame. */
export const PARTS: readonly (readonly [part: string, test: (fn: string, url: string) => boolean])[] = [
  ['JSON (parse, dump, MessagePack)', (_f, u) => /lossless-json|\/zaqar\/common\/(json|python)\.js|\/plugins\/storage\/\w+\/(codec|json-fields|bson-json)\.js/.test(u)],
  ['storage (client, scripts, socket writes)', (_f, u) => /\/plugins\/storage\/|node_modules\/(@redis|redis|better-sqlite3|mongodb|undici)\//.test(u)],
  ['response (render, socket write)', (_f, u) => /\/plugins\/transport\/wsgi\/response\.js|^node:_http_outgoing/.test(u)],
  ['validation and domain rules', (_f, u) => /\/zaqar\/api\/(validation|rules\/)/.test(u)],
  ['request stages (auth, identity, policy)', (_f, u) => /\/zaqar\/(api\/request|auth)\//.test(u)],
  ['routing (restify, find-my-way)', (_f, u) => /node_modules\/(restify|find-my-way)\//.test(u)],
  ['operations and presenters', (_f, u) => /\/zaqar\/api\/operations\/|\/plugins\/transport\/wsgi\//.test(u)],
  ['HTTP parsing (node:http)', (f, u) => /^node:_http_(server|incoming|common)/.test(u) || f === 'parserOnHeadersComplete' || f === 'parserOnBody'],
  ['garbage collection', (f) => f === '(garbage collector)'],
];
const STARTUP = /^node:internal\/modules\/|\/zaqar\/(bootstrap|cmd)\//;
const OTHER = 'other (event loop, promises, runtime)';

export interface BudgetLine {
  part: string;
  usPerRequest: number;
  share: number;
}

/** µs per request by part, largest first, plus the total. */
export function budget(profile: CpuProfile, requests: number): { lines: BudgetLine[]; totalUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, string | null>();
  const partOf = (leaf: number): string | null => {
    const known = cache.get(leaf);
    if (known !== undefined) return known;
    let found: string | null = OTHER;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const { functionName, url } = byId.get(id)!.callFrame;
      if (functionName === '(idle)' || STARTUP.test(url)) {
        found = null;
        break;
      }
      if (found !== OTHER) continue; // keep walking only to spot start-up frames further out
      const rule = PARTS.find(([, test]) => test(functionName, url));
      if (rule) found = rule[0];
    }
    cache.set(leaf, found);
    return found;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const part = partOf(id);
    if (part !== null) totals.set(part, (totals.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const lines = [...totals]
    .map(([part, us]) => ({ part, usPerRequest: us / requests, share: all > 0 ? us / all : 0 }))
    .sort((a, b) => b.usPerRequest - a.usPerRequest);
  return { lines, totalUs: all / requests };
}

export function formatBudget(result: { lines: BudgetLine[]; totalUs: number }): string {
  const rows = result.lines.map((l) => `| ${l.part} | ${l.usPerRequest.toFixed(1)} | ${(100 * l.share).toFixed(0)} % |`);
  return ['| part | µs / request | share |', '|---|---|---|', ...rows, `| **total** | **${result.totalUs.toFixed(1)}** | |`].join('\n');
}

function main(): void {
  const { values } = parseArgs({ options: { profile: { type: 'string' }, requests: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const requests = Number(values.requests);
  if (!values.profile || !(requests > 0)) {
    process.stderr.write('usage: budget.js --profile FILE.cpuprofile --requests N [--json]\n');
    process.exit(2);
  }
  const result = budget(JSON.parse(readFileSync(values.profile, 'utf8')) as CpuProfile, requests);
  process.stdout.write((values.json ? JSON.stringify(result) : formatBudget(result)) + '\n');
}

if (require.main === module) main();
