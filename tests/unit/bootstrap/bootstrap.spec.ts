/**
 * The whole container, built in-process from a zaqar.conf text: the roles
 * compose, every request stage lands in order, the operations reach the
 * stores, and a failed start-up closes exactly what it opened.
 */
import { expect } from 'chai';
import { ContainerModule } from 'inversify';
import { RequestPipeline } from '../../../zaqar/api/request/pipeline';
import { bootstrap, discoverPlugins } from '../../../zaqar/bootstrap/bootstrap';
import { silentLogger } from '../../../zaqar/common/logger';
import { ConfigError } from '../../../zaqar/config/options';
import { resolve, resolveAsync } from '../../../zaqar/di/token';
import { ManagementStoreFactory, MessageStoreFactory } from '../../../zaqar/storage/factories';
import type { ManagementStore } from '../../../zaqar/storage/interfaces';
import { internalContext } from '../../../zaqar/api/context';
import { V2_PROFILE } from '../../../zaqar/api/profile';
import { loadConfig } from '../../../zaqar/config/load';
import { configFrom, TempDir } from '../config/helpers';

function embedded(dir: string, extra = ''): string {
  return `[drivers]
transport = wsgi
message_store = sqlite
management_store = sqlalchemy

[drivers:transport:wsgi]
port = 0

[drivers:message_store:sqlite]
uri = sqlite:///${dir}/messages.sqlite
synchronous = NORMAL

[drivers:management_store:sqlalchemy]
uri = sqlite:///${dir}/management.sqlite
${extra}`;
}

describe('bootstrap: the container, in-process', () => {
  const dir = new TempDir();
  after(() => dir.cleanup());

  it('composes the roles: one transport, the request stages in order, operations over the stores', async () => {
    const config = configFrom([embedded(dir.path)]);
    const app = await bootstrap({ config, logger: silentLogger });
    try {
      expect(app.transports.map((t) => t.name)).to.deep.equal(['wsgi']);
      const pipeline = await resolveAsync(app.container, RequestPipeline);
      expect(pipeline.stages.map((s) => s.name)).to.deep.equal(['signed-url', 'authentication', 'identity', 'identification', 'extra-spec', 'policy']);

      const ops = app.operations.for(V2_PROFILE);
      const ctx = internalContext('tenant', 'req-test', '3381af92-2b9e-11e3-b191-71861300734c');
      expect(await ops.queues.create(ctx, 'q', { size: undefined, document: () => undefined })).to.equal(true);
      const ids = await ops.messages.post(ctx, 'q', { size: 40, document: () => ({ messages: [{ body: 'hello' }] }) });
      expect(ids).to.have.length(1);
      expect((await app.storage.queues.stats('q', 'tenant')).messages).to.include({ claimed: 0, free: 1, total: 1 });
    } finally {
      await app.close();
    }
    expect(await app.storage.isAlive()).to.equal(false);
  });

  it('refuses an unknown transport before opening any store', async () => {
    const config = configFrom([embedded(dir.path).replace('transport = wsgi', 'transport = wsgi, carrier-pigeon')]);
    const failure = await bootstrap({ config, logger: silentLogger }).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ConfigError);
    expect(String(failure)).to.match(/\[drivers\] transport: unknown transport plugin 'carrier-pigeon' \(available: websocket, wsgi\)$/);
  });

  it('refuses an unknown auth_strategy, naming file, group, option and the strategies there are', async () => {
    const file = dir.write('auth.conf', embedded(dir.path, '\n[DEFAULT]\nauth_strategy = foo\n'));
    const { config } = loadConfig(['--config-file', file], { searchDirs: [] });
    const failure = await bootstrap({ config, logger: silentLogger }).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ConfigError);
    expect(String(failure)).to.equal(`${file} [DEFAULT] auth_strategy: unknown auth plugin 'foo' (available: keystone, noauth)`);
  });

  it('closes the management store when the message store fails to open', async () => {
    let closed = 0;
    const management = { close: async () => void closed++ } as unknown as ManagementStore;
    const registry = discoverPlugins(configFrom([]), silentLogger);
    registry.add(
      {
        manifest: [
          {
            kind: 'management_store',
            name: 'recording',
            description: 'test',
            load: () => new ContainerModule(({ bind }) => void bind(ManagementStoreFactory).toConstantValue(async () => management).whenNamed('recording')),
          },
          {
            kind: 'message_store',
            name: 'broken',
            description: 'test',
            load: () =>
              new ContainerModule(({ bind }) =>
                void bind(MessageStoreFactory)
                  .toConstantValue(async () => {
                    throw new Error('cannot open');
                  })
                  .whenNamed('broken'),
              ),
          },
        ],
      },
      'tests',
    );
    const config = configFrom([embedded(dir.path).replace('message_store = sqlite', 'message_store = broken').replace('management_store = sqlalchemy', 'management_store = recording')]);
    const failure = await bootstrap({ config, logger: silentLogger, registry }).catch((err: unknown) => err);
    expect(String(failure)).to.contain('cannot open');
    expect(closed).to.equal(1);
  });

  it('binds each plugin factory only when zaqar.conf selects the plugin', async () => {
    const config = configFrom([embedded(dir.path)]);
    const app = await bootstrap({ config, logger: silentLogger });
    try {
      expect(() => resolve(app.container, MessageStoreFactory, 'redis')).to.throw();
      expect(resolve(app.container, MessageStoreFactory, 'sqlite')).to.be.a('function');
    } finally {
      await app.close();
    }
  });
});
