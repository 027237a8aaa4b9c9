/**
 * A `swift://` URI as a pool of a pooled zaqar-server (the catalogue in
 * SQLite), on a real Swift:
 *
 * - the pool is accepted only when the store at its URI answers (a wrong
 *   password is refused with 400, as Zaqar refuses pools it cannot reach);
 * - the capability check: a pool joining a flavor must offer what the
 *   flavor's pools offer, so an SQLite pool (FIFO) cannot join the Swift
 *   pool's flavor, while a second Swift URI can; the flavor reports the
 *   Swift store's capabilities;
 * - a queue of that flavor keeps its messages in the pool's Swift account
 *   (Zaqar's container), and post, list, claim, delete and stats work there.
 *
 * Needs Debian's Swift (skips with a reason otherwise; fails under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ZaqarClient } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import { skipUnlessAvailable } from '../../tools/services/process';
import { SwiftServer, swiftMissing } from '../../tools/services/swift';
import { AdminClient, startPooledServer } from './pooling-cluster';

const PROJECT = 'pooled';

describe('integration: a swift:// pool in pooling', function () {
  this.timeout(120_000);
  let swift: SwiftServer | undefined;
  let shared: string | undefined;
  let server: RunningServer | undefined;

  before(async function () {
    skipUnlessAvailable(this, swiftMissing());
    swift = await SwiftServer.start();
    shared = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-swift-pool-'));
    server = await startPooledServer(shared);
  });
  after(async () => {
    await server?.cleanup();
    await swift?.close();
    if (shared) rmSync(shared, { recursive: true, force: true });
  });

  it('accepts a reachable swift:// pool, checks capabilities against its flavor and serves queues from Swift', async () => {
    const admin = new AdminClient(server!.url, PROJECT);
    const options = { auth_url: swift!.authUrl };

    const refused = await admin.request('PUT', '/v2/pools/wrong', { uri: 'swift://tester:nope@/test', weight: 10, options });
    expect(refused.status, `a pool with a wrong password: ${refused.text}`).to.equal(400);

    await admin.putPool('objects', { uri: swift!.zaqarUri(), weight: 100, options });
    await admin.putFlavor('cold', ['objects']);
    const pool = await admin.request('GET', '/v2/pools/objects?detailed=true');
    expect(pool.status).to.equal(200);
    expect(pool.json.uri).to.equal(swift!.zaqarUri());
    expect(pool.json.options).to.deep.equal(options);

    // Capabilities: the flavor offers the Swift store's; SQLite (FIFO) does not match them, another Swift account does.
    const flavor = await admin.request('GET', '/v2/flavors/cold');
    expect(flavor.status, flavor.text).to.equal(200);
    expect([...(flavor.json.capabilities as string[])].sort()).to.deep.equal(['AOD', 'CLAIMS', 'DURABILITY'].sort());
    const mismatch = await admin.request('PUT', '/v2/pools/embedded', { uri: `sqlite:///${shared}/pool.sqlite`, weight: 10, flavor: 'cold' });
    expect(mismatch.status, `an SQLite pool joining the Swift flavor: ${mismatch.text}`).to.equal(400);
    await admin.putPool('objects2', { uri: swift!.zaqarUri('tester2', 'testing2', 'test2'), weight: 10, flavor: 'cold', options });

    // A queue of the flavor lives in the pool's Swift account.
    const client = new ZaqarClient(server!.url, PROJECT);
    expect((await client.put('/v2/queues/archive', { body: { _flavor: 'cold' } })).status).to.equal(201);
    const posted = await client.post('/v2/queues/archive/messages', { body: { messages: [{ body: 1 }, { body: 2 }, { body: 3 }] } });
    expect(posted.status, posted.text).to.equal(201);
    const ids = (posted.json.resources as string[]).map((href) => href.split('/').pop()!);
    const container = `zaqar_message:archive:${PROJECT}`;
    const names = [...(await swift!.names(container)), ...(await swift!.names(container, { auth: ['test2:tester2', 'testing2'] }))];
    expect(names.sort()).to.deep.equal([...ids].sort());

    const listed = await client.get('/v2/queues/archive/messages?echo=true');
    expect((listed.json.messages as { id: string }[]).map((m) => m.id).sort()).to.deep.equal([...ids].sort());
    const claim = await client.post('/v2/queues/archive/claims?limit=2', { body: { ttl: 60, grace: 60 } });
    expect(claim.status, claim.text).to.equal(201);
    for (const message of claim.json.messages as { href: string }[]) expect((await client.delete(message.href)).status).to.equal(204);
    expect((await client.get('/v2/queues/archive/stats')).json.messages).to.include({ total: 1, claimed: 0, free: 1 });
    expect((await client.delete('/v2/queues/archive')).status).to.equal(204);
  });
});

