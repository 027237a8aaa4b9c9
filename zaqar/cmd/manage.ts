/**
 * `zaqar-manage`: pools, flavors and queue placement from the command line,
 * against the management store zaqar.conf names (the same operations and
 * checks as the admin API). Operators script deployments with it.
 *
 *   zaqar-manage [--config-file F]... pools list [--detailed]
 *   zaqar-manage pools show NAME
 *   zaqar-manage pools create NAME --uri URI --weight N [--flavor F] [--options JSON]
 *   zaqar-manage pools update NAME [--uri URI] [--weight N] [--flavor F] [--options JSON]
 *   zaqar-manage pools delete NAME
 *   zaqar-manage pools drain NAME             move every queue off the pool
 *   zaqar-manage flavors list|show|create|update|delete ... [--project P] [--pools a,b]
 *   zaqar-manage queues show PROJECT QUEUE    where the queue lives
 *   zaqar-manage queues move PROJECT QUEUE --to POOL
 *
 * Results are JSON on standard output. Bad input (usage, a refused value):
 * exit code 2 and one line on standard error; a failure of a store: 1.
 */
import { parseArgs } from 'node:util';
import { internalContext, type RequestContext } from '../api/context';
import { DomainError } from '../api/errors';
import type { OperationSet } from '../api/operations';
import { V2_PROFILE } from '../api/profile';
import { bootstrap, type App } from '../bootstrap/bootstrap';
import { dumpJson } from '../common/json';
import { silentLogger } from '../common/logger';
import { createLogger } from '../common/logging';
import { DEFAULT_GROUP } from '../config/groups';
import { loadConfig } from '../config/load';
import { ConfigError, type Config } from '../config/options';
import { resolveAsync } from '../di/token';
import { MoveRefused, QueueMover } from '../pooling/mover';
import { DoesNotExist } from '../storage/errors';

const USAGE = `usage: zaqar-manage [--config-file PATH]... [--config-dir DIR]... COMMAND ...

  pools list [--detailed] | show NAME | create NAME --uri URI --weight N [--flavor F] [--options JSON]
  pools update NAME [--uri URI] [--weight N] [--flavor F] [--options JSON] | delete NAME | drain NAME
  flavors list | show NAME | create NAME --pools A,B | update NAME --pools A,B | delete NAME   [--project P]
  queues show PROJECT QUEUE | move PROJECT QUEUE --to POOL`;

/** Bad input: exit code 2, one line. */
class UsageError extends Error {}

const body = (document: unknown) => ({ size: 1, document: () => document });

function json(value: unknown): string {
  return dumpJson(value) + '\n';
}

function options(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new UsageError(`--options must be a JSON object, got: ${text}`);
  }
}

function weight(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--weight must be a whole number, got: ${text}`);
  return Number(text);
}

function operand(args: string[], index: number, what: string): string {
  const value = args[index];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`missing ${what}`);
  return value;
}

type Out = (text: string) => void;

async function pools(ops: OperationSet, app: App, args: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { detailed: { type: 'boolean' }, uri: { type: 'string' }, weight: { type: 'string' }, flavor: { type: 'string' }, options: { type: 'string' } },
  });
  const [verb] = positionals;
  const name = () => operand(positionals, 1, 'pool NAME');
  switch (verb) {
    case 'list':
      out(json((await ops.pools.list({ limit: 0, detailed: values.detailed ?? false }, false)).pools));
      return;
    case 'show':
      out(json(await ops.pools.get(name(), true)));
      return;
    case 'create': {
      if (values.uri === undefined || values.weight === undefined) throw new UsageError('pools create needs --uri and --weight');
      const document: Record<string, unknown> = { uri: values.uri, weight: weight(values.weight) };
      if (values.flavor !== undefined) document.flavor = values.flavor;
      if (values.options !== undefined) document.options = options(values.options);
      await ops.pools.create(name(), body(document));
      out(json(await ops.pools.get(name(), true)));
      return;
    }
    case 'update': {
      const document: Record<string, unknown> = {};
      if (values.uri !== undefined) document.uri = values.uri;
      if (values.weight !== undefined) document.weight = weight(values.weight);
      if (values.flavor !== undefined) document.flavor = values.flavor;
      if (values.options !== undefined) document.options = options(values.options);
      out(json(await ops.pools.update(name(), body(document), ['weight', 'uri', 'flavor', 'options'], 'pools update needs one of --uri, --weight, --flavor, --options')));
      return;
    }
    case 'delete':
      await ops.pools.delete(name());
      out(json({ deleted: name() }));
      return;
    case 'drain': {
      const mover = await resolveAsync(app.container, QueueMover);
      out(json(await mover.drain(name(), (line) => process.stderr.write(`zaqar-manage: ${line}\n`))));
      return;
    }
    default:
      throw new UsageError(`unknown pools command '${verb ?? ''}'`);
  }
}

async function flavors(ops: OperationSet, args: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, pools: { type: 'string' }, detailed: { type: 'boolean' } },
  });
  const ctx: RequestContext = internalContext(values.project ?? null, 'req-zaqar-manage');
  const [verb] = positionals;
  const name = () => operand(positionals, 1, 'flavor NAME');
  const poolList = () => {
    if (values.pools === undefined) throw new UsageError(`flavors ${verb} needs --pools`);
    return values.pools.split(',').map((p) => p.trim()).filter(Boolean);
  };
  switch (verb) {
    case 'list':
      out(json((await ops.flavors.list(ctx, { detailed: values.detailed ?? true })).flavors));
      return;
    case 'show':
      out(json(await ops.flavors.get(ctx, name())));
      return;
    case 'create':
      await ops.flavors.create(ctx, name(), body({ pool_list: poolList() }));
      out(json(await ops.flavors.get(ctx, name())));
      return;
    case 'update':
      out(json(await ops.flavors.update(ctx, name(), body({ pool_list: poolList() }))));
      return;
    case 'delete':
      await ops.flavors.delete(ctx, name());
      out(json({ deleted: name() }));
      return;
    default:
      throw new UsageError(`unknown flavors command '${verb ?? ''}'`);
  }
}

async function queues(app: App, args: string[], out: Out): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { to: { type: 'string' } } });
  const [verb] = positionals;
  const project = operand(positionals, 1, 'PROJECT');
  const queue = operand(positionals, 2, 'QUEUE');
  const mover = await resolveAsync(app.container, QueueMover);
  switch (verb) {
    case 'show':
      out(json(await mover.where(queue, project)));
      return;
    case 'move':
      if (values.to === undefined) throw new UsageError('queues move needs --to POOL');
      out(json(await mover.move(queue, project, values.to, (line) => process.stderr.write(`zaqar-manage: ${line}\n`))));
      return;
    default:
      throw new UsageError(`unknown queues command '${verb ?? ''}'`);
  }
}

/** Splits the configuration arguments from the command. */
function splitArgs(argv: string[]): { configArgs: string[]; command: string[] } {
  const configArgs: string[] = [];
  const command: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config-file' || arg === '--config-dir') {
      configArgs.push(arg, argv[++i] ?? '');
    } else if (arg.startsWith('--config-file=') || arg.startsWith('--config-dir=')) {
      configArgs.push(arg);
    } else {
      command.push(arg);
    }
  }
  return { configArgs, command };
}

/** Runs one command; resolves with the exit code. */
export async function main(argv: string[], out: Out = (text) => process.stdout.write(text)): Promise<number> {
  const { configArgs, command } = splitArgs(argv);
  if (command.length === 0 || command[0] === '--help' || command[0] === '-h') {
    out(USAGE + '\n');
    return command.length === 0 ? 2 : 0;
  }
  let app: App | undefined;
  try {
    const loaded = loadConfig(configArgs, { prog: 'zaqar-manage', onWarning: () => undefined });
    // The admin operations are pooling's: on whether or not this file turns pooling on for the API.
    const config: Config = loaded.config.withOverrides('DEFAULT', { pooling: true });
    const logger = config.get(DEFAULT_GROUP).debug ? createLogger(config.get(DEFAULT_GROUP)) : silentLogger;
    app = await bootstrap({ config, logger, transports: false });
    const ops = app.operations.for(V2_PROFILE);
    const [resource, ...rest] = command;
    if (resource === 'pools') await pools(ops, app, rest, out);
    else if (resource === 'flavors') await flavors(ops, rest, out);
    else if (resource === 'queues') await queues(app, rest, out);
    else throw new UsageError(`unknown command '${resource}'`);
    return 0;
  } catch (err) {
    // A pool or queue that does not exist, or a move that cannot be made, is bad input too.
    const refused =
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof MoveRefused ||
      err instanceof DoesNotExist ||
      (err instanceof DomainError && err.code !== 'unavailable');
    const why = err instanceof DomainError && err.code === 'unavailable' ? `store failed: ${(err.cause as Error)?.message ?? err.cause}` : (err as Error).message;
    process.stderr.write(`zaqar-manage: ${why.replace(/\s*\n\s*/g, ' ')}\n`);
    return refused || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 2 : 1;
  } finally {
    await app?.close().catch(() => undefined);
  }
}

export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`zaqar-manage: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
