/**
 * The `openstack` CLI (Debian's python3-openstackclient with
 * python-zaqarclient's plugin) against zaqar-server behind Keystone: the
 * client logs in to Keystone as the demo user, finds the `messaging`
 * endpoint in its catalog (pointed at this server), and creates, lists
 * and posts with the token it got. The deprecated `openstack queue list`
 * prints empty rows against any v2 server (python-zaqarclient's v1 command
 * iterates the v2 `(queues, count)` pair), so the listing uses
 * `openstack messaging queue list`.
 *
 * Needs python3-keystone, uwsgi-core, uwsgi-plugin-python3,
 * python3-openstackclient and python3-zaqarclient (skips with a reason
 * otherwise; fails under CI=true).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { CLIENT_ID } from '../helpers/client';
import { KeystoneServer, keystoneMissing } from '../../tools/services/keystone';
import { findExecutable, skipUnlessAvailable } from '../../tools/services/process';
import { startKeystoneZaqar, TokenClient, type KeystoneZaqar } from './keystone-setup';

function cliMissing(): string | undefined {
  if (!findExecutable('openstack')) return 'openstack CLI not available (install Debian packages python3-openstackclient python3-zaqarclient)';
  const plugin = spawnSync('/usr/bin/python3', ['-c', 'import zaqarclient'], { encoding: 'utf8' });
  return plugin.status === 0 ? undefined : 'python-zaqarclient not available (install Debian package python3-zaqarclient)';
}

describe('integration: the openstack CLI through the Keystone catalog', function () {
  this.timeout(180_000);
  let keystone: KeystoneServer | undefined;
  let zaqar: KeystoneZaqar | undefined;

  before(async function () {
    skipUnlessAvailable(this, keystoneMissing() ?? cliMissing());
    keystone = await KeystoneServer.start();
    zaqar = await startKeystoneZaqar(keystone);
    await keystone.setMessagingEndpoint(zaqar.server.url);
  });
  after(async () => {
    await zaqar?.cleanup();
    await keystone?.close();
  });

  function openstack(...args: string[]): string {
    const env = { ...process.env, ...keystone!.clientEnvironment('demo'), OS_MESSAGE_CLIENT_ID: CLIENT_ID };
    const result = spawnSync('openstack', args, { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, `openstack ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`).to.equal(0);
    return result.stdout;
  }

  it('creates a queue, lists it and posts a message as a Keystone user', async () => {
    openstack('queue', 'create', 'cli-queue');
    const listed = JSON.parse(openstack('messaging', 'queue', 'list', '-f', 'json')) as { Name: string }[];
    expect(listed.map((row) => row.Name)).to.deep.equal(['cli-queue']);
    openstack('message', 'post', 'cli-queue', '[{"body": {"event": "from the cli"}, "ttl": 300}]');
    openstack('messaging', 'message', 'post', 'cli-queue', '[{"body": {"event": "again"}, "ttl": 300}]');
    const messages = JSON.parse(openstack('messaging', 'message', 'list', 'cli-queue', '--echo', '-f', 'json')) as { Body: unknown }[];
    expect(messages).to.have.length(2);

    // It all happened in the demo project, which only the demo user's token reaches.
    const demo = new TokenClient(zaqar!.server.url, await keystone!.token('demo'));
    const read = await demo.get('/v2/queues/cli-queue/messages?echo=true');
    expect(read.json.messages.map((m: { body: unknown }) => m.body)).to.deep.equal([{ event: 'from the cli' }, { event: 'again' }]);
    const alt = new TokenClient(zaqar!.server.url, await keystone!.token('alt'));
    expect((await alt.get('/v2/queues')).json.queues).to.deep.equal([]);
  });
});
