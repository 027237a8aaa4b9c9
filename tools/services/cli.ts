/**
 * Real services for local runs, from the same modules the tests use:
 *
 *   node dist/tools/services/cli.js run redis [--aof]   a redis-server on a free loopback port
 *   node dist/tools/services/cli.js run sentinel        master + replica + 3 sentinels
 *   node dist/tools/services/cli.js run ferretdb        FerretDB (SQLite backend), built if needed
 *   node dist/tools/services/cli.js run mariadb         MariaDB with a database `zaqar`
 *   node dist/tools/services/cli.js run postgres        PostgreSQL with a database `zaqar`
 *   node dist/tools/services/cli.js run smtp [--smtps|--starttls] [--user NAME --password PW]
 *                                                       an SMTP server (aiosmtpd) keeping what it receives in a mailbox folder
 *   node dist/tools/services/cli.js run keystone [--messaging-url URL]
 *                                                       Keystone with the test users; prints the
 *                                                       [keystone_authtoken] block and OS_* for demo
 *   node dist/tools/services/cli.js run swift [--expirer]  a Swift all-in-one (tempauth); prints the
 *                                                       [drivers:message_store:swift] options
 *   node dist/tools/services/cli.js ensure-ferretdb     build/cache the FerretDB binary (CI)
 *
 * `run` prints the URI to put in zaqar.conf (`ZAQAR_URI=...`; for smtp its host,
 * port, certificate and mailbox folder) and keeps the service up
 * until Ctrl-C / SIGTERM, then stops it and removes its data.
 */
import { ensureFerretDB, startFerretDB } from './ferretdb';
import { KeystoneServer } from './keystone';
import { MariaDBServer } from './mariadb';
import { PostgresServer } from './postgres';
import { RedisServer } from './redis';
import { SentinelSetup } from './sentinel';
import { SmtpServer } from './smtp';
import { SwiftServer } from './swift';

async function untilSignal(): Promise<void> {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, service, ...flags] = argv;
  if (command === 'ensure-ferretdb') {
    const found = ensureFerretDB((line) => process.stderr.write(`[ferretdb] ${line}\n`));
    if (found.binary === undefined) {
      process.stderr.write(`ensure-ferretdb: ${found.missing}\n`);
      return 1;
    }
    process.stdout.write(`FERRETDB_BIN=${found.binary}\n`);
    return 0;
  }
  if (command !== 'run' || !service) {
    process.stderr.write('usage: cli.js run redis|sentinel|swift|ferretdb|mariadb|postgres|keystone|smtp [flags] | cli.js ensure-ferretdb\n');
    return 2;
  }
  if (service === 'redis') {
    const redis = await RedisServer.start({ aof: flags.includes('--aof') });
    process.stdout.write(`ZAQAR_URI=${redis.uri()}\n`);
    await untilSignal();
    await redis.close();
    return 0;
  }
  if (service === 'swift') {
    const swift = await SwiftServer.start({ expirer: flags.includes('--expirer') });
    process.stdout.write(`ZAQAR_URI=${swift.zaqarUri()}\nSWIFT_AUTH_URL=${swift.authUrl}\n`);
    process.stdout.write(`# zaqar.conf:\n# [drivers:message_store:swift]\n# uri = ${swift.zaqarUri()}\n# auth_url = ${swift.authUrl}\n`);
    await untilSignal();
    await swift.close();
    return 0;
  }
  if (service === 'sentinel') {
    const setup = await SentinelSetup.start();
    process.stdout.write(`ZAQAR_URI=${setup.uri()}\n`);
    await untilSignal();
    await setup.stop();
    return 0;
  }
  if (service === 'ferretdb') {
    const found = ensureFerretDB((line) => process.stderr.write(`[ferretdb] ${line}\n`));
    if (found.binary === undefined) throw new Error(found.missing);
    const ferret = await startFerretDB(found.binary);
    process.stdout.write(`ZAQAR_URI=${ferret.uri}\n`);
    await untilSignal();
    await ferret.stop();
    return 0;
  }
  if (service === 'keystone') {
    const at = flags.indexOf('--messaging-url');
    const keystone = await KeystoneServer.start({ messagingUrl: at >= 0 ? flags[at + 1] : undefined });
    process.stdout.write(`KEYSTONE_URL=${keystone.url}\n# zaqar.conf: [DEFAULT] auth_strategy = keystone, and\n${keystone.authtokenConfig()}\n`);
    process.stdout.write('# the openstack CLI as the demo user of this throw-away Keystone:\n');
    for (const [name, value] of Object.entries(keystone.clientEnvironment('demo'))) process.stdout.write(`export ${name}=${value}\n`);
    await untilSignal();
    await keystone.close();
    return 0;
  }
  if (service === 'mariadb' || service === 'postgres') {
    const server = service === 'mariadb' ? await MariaDBServer.start() : await PostgresServer.start();
    process.stdout.write(`ZAQAR_URI=${await server.createDatabase('zaqar')}\n`);
    await untilSignal();
    await server.close();
    return 0;
  }
  if (service === 'smtp') {
    const value = (flag: string): string | undefined => {
      const i = flags.indexOf(flag);
      return i >= 0 ? flags[i + 1] : undefined;
    };
    const flavour = flags.includes('--smtps') ? 'smtps' : flags.includes('--starttls') ? 'starttls' : 'plain';
    const smtp = await SmtpServer.start({ flavour, user: value('--user'), password: value('--password') });
    process.stdout.write(
      `SMTP_HOST=${smtp.host}\nSMTP_PORT=${smtp.port}\nSMTP_FLAVOUR=${smtp.flavour}\n` +
        `SMTP_CA_FILE=${smtp.caFile}\nSMTP_MAILBOX=${smtp.dir}/mailbox\n`,
    );
    await untilSignal();
    await smtp.close();
    return 0;
  }
  process.stderr.write(`unknown service '${service}'\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`services: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
