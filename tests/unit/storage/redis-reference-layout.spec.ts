/**
 * Reading a store written by the reference (Zaqar 15's own Redis
 * controllers) through our drivers: the key layout, MessagePack bodies and
 * metadata, UNIX-second times, ranks, claims and the claim list name are
 * Zaqar's, so an operator can point this server at an existing Redis.
 *
 * REFERENCE_STORE below is a dump of a Redis that Zaqar 15.0.0's
 * zaqar.storage.redis controllers (Debian's python3-zaqar, with stand-ins
 * for the `index_messages` and `claim_messages` Lua scripts the package
 * lacks, written to behave as Zaqar 15's) wrote, made with this script
 * (system python3 with python3-redis, against an empty redis-server):
 *
 *   driver.queue_controller.create('fizbit', {'_default_message_ttl': 3600,
 *       'description': 'made by Zaqar 15', 'ratio': 1.5, 'big': 2**63 - 1}, 'tenant-a')
 *   (and 'a.b' in tenant-a, 'globalq' in the global namespace; each also through
 *   MessageQueueHandler.create, which indexes the message set)
 *   ids = driver.message_controller.post('fizbit', [{'ttl': 300, 'body': b} for b in bodies],
 *       '3381af92-2b9e-11e3-b191-71861300734c', 'tenant-a')      # enable_checksum = True
 *   delayed = ...post('fizbit', [{'ttl': 300, 'delay': 60, 'body': 'delayed'}], ...)
 *   claim_id, claimed = driver.claim_controller.create('fizbit', {'ttl': 60, 'grace': 30}, 'tenant-a', limit=2)
 *   ...post('a.b', [{'ttl': 120, 'body': {'in': 'a.b'}}], ...); ...post('globalq', ..., None)
 *   then every key dumped (type, content; hash values base64). Key TTLs are not
 *   kept: expiry is checked against `e` with a fake clock at the dump's time.
 *
 * REFERENCE_SUBSCRIPTIONS is the same for subscriptions: what Zaqar 15's
 * zaqar.storage.redis.subscriptions controller wrote (driven directly, with
 * a stand-in driver holding the connection):
 *
 *   hook = ctrl.create('fizbit', 'http://example.com/hook', 3600, {'_retry_policy':
 *       {'minimum_delay': 5}, 'ratio': 1.5, 'big': 2**63 - 1, 'nested': {'list': [1, 'two', None, True]}}, 'tenant-a')
 *   mail = ctrl.create('fizbit', 'mailto:ops@example.com', 600, {'from': 'zaqar@example.com',
 *       'subject': 'ünïcode'}, 'tenant-a'); ctrl.confirm('fizbit', mail, 'tenant-a', True)
 *   ctrl.create('fizbit', 'http://example.com/hook', 60, {}, 'tenant-a')       # None: a duplicate
 *   ctrl.create('globalq', 'https://example.com/global', 120, {}, '')
 *
 * (project '' for the global namespace: the reference's `'p': None` is
 * refused by redis-py 4).
 *
 * The other direction (the reference reading what we write) was checked
 * the same way during development (for subscriptions too: its list, get,
 * get_with_subscriber, exists and duplicate check on ours): its controllers listed, got, claimed and
 * counted our messages and read our queue metadata; codec bytes are
 * compared with python's msgpack in redis-codec.spec.ts.
 */
import { expect } from 'chai';
import * as sinon from 'sinon';
import { controlManifest, dataManifest } from '../../../plugins/storage/redis';
import { messageChecksum } from '../../../zaqar/api/rules/checksum';
import { dumpJson, parseJsonText } from '../../../zaqar/common/json';
import { MessageDoesNotExist, SubscriptionAlreadyExists, SubscriptionDoesNotExist } from '../../../zaqar/storage/errors';
import type { ManagementStore, MessageStore, Project, StoredMessage, SubscriptionController } from '../../../zaqar/storage/interfaces';
import { type RedisServer, useRedisServer } from '../../../tools/services/redis';
import { expectError } from '../../../zaqar/testing/conformance/helpers';
import { openManagementStore, openMessageStore } from '../../../zaqar/testing/stores';

type DumpedKey = ['hash', Record<string, string>] | ['zset', [string, number][]] | ['list', string[]] | ['string', string];

/** Dump of the store Zaqar 15 wrote (see the module comment). */
const REFERENCE_STORE = {
  now: 1795749733,
  messages: ["0a5b653c-3623-43df-8a39-7fd00102e087", "6dea6e1b-1cdb-4680-b4fa-2ead05b831cb", "e4496788-8b58-42a3-937d-bc592bdc6853", "129702e5-2c7b-44aa-9444-7ddb028461fe", "23286600-9809-4e63-9d09-46fbee4cc85f"],
  delayed: ["2e8c7ff8-8566-4490-afdc-f721d21e0dfd"],
  claimed: ["0a5b653c-3623-43df-8a39-7fd00102e087", "6dea6e1b-1cdb-4680-b4fa-2ead05b831cb"],
  dotted: ["d7016a7e-27c4-45f4-b719-17540cb1ed5a"],
  global: ["14e5ddce-ced8-49c9-96c7-076cb6a3bb12"],
  referenceListing: ["e4496788-8b58-42a3-937d-bc592bdc6853", "129702e5-2c7b-44aa-9444-7ddb028461fe", "23286600-9809-4e63-9d09-46fbee4cc85f", "2e8c7ff8-8566-4490-afdc-f721d21e0dfd"],
  claim: "4bd240e5-eea5-4f7c-a927-b9f490fef15e",
  /** json.dumps(body, ensure_ascii=False) of each posted body, as the reference API would answer. */
  bodies: [
    "{\"event\": \"BackupStarted\", \"n\": 0}",
    "{\"float\": 1.0, \"exp\": 1e+100, \"neg\": -0.5, \"n\": 1}",
    "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, \"n\": 2}",
    "{\"ключ\": \"😀 ✓\", \"nul\": \"\\u0000\", \"n\": 3}",
    "[1, \"two\", null, true, {\"n\": 4}]",
  ],
  /** Every key: [type, content]; hash values base64. */
  keys: {
    ".globalq": ["hash", {"c": "MA==", "cl": "MA==", "m": "gA==", "t": "MTc5NTc0OTczMw=="}],
    ".globalq.messages": ["zset", [["14e5ddce-ced8-49c9-96c7-076cb6a3bb12", 1.0]]],
    ".globalq.rank_counter": ["string", "2"],
    ".queues_set": ["zset", [[".globalq", 1.0]]],
    "0a5b653c-3623-43df-8a39-7fd00102e087": ["hash", {"id": "MGE1YjY1M2MtMzYyMy00M2RmLThhMzktN2ZkMDAxMDJlMDg3", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "NGJkMjQwZTUtZWVhNS00ZjdjLWE5MjctYjlmNDkwZmVmMTVl", "c.e": "MTc5NTc0OTc5Mw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1Ojg3NDM5ZjczN2NhYTdhZjAzNTA5ZGQwNmU5NjIxMWIz", "b": "gqVldmVudK1CYWNrdXBTdGFydGVkoW4A"}],
    "129702e5-2c7b-44aa-9444-7ddb028461fe": ["hash", {"id": "MTI5NzAyZTUtMmM3Yi00NGFhLTk0NDQtN2RkYjAyODQ2MWZl", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OmU5ZmQwOGJhMWEzNzk2YmQwMWRmZWQwMWJiMDZhYzRl", "b": "g6jQutC70Y7Rh6jwn5iAIOKck6NudWyhAKFuAw=="}],
    "14e5ddce-ced8-49c9-96c7-076cb6a3bb12": ["hash", {"id": "MTRlNWRkY2UtY2VkOC00OWM5LTk2YzctMDc2Y2I2YTNiYjEy", "t": "MTIw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc0OTg1Mw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OmU2MzIwZmFkNmMzMjgxNzM0MWZlZWYwZGM4NzhhYjZh", "b": "gaJpbqZnbG9iYWw="}],
    "23286600-9809-4e63-9d09-46fbee4cc85f": ["hash", {"id": "MjMyODY2MDAtOTgwOS00ZTYzLTlkMDktNDZmYmVlNGNjODVm", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OjEzYjBjYWFmNmVmZTdiNzFhZjhmYjQ3MWU5MTBjNGEx", "b": "lQGjdHdvwMOBoW4E"}],
    "2e8c7ff8-8566-4490-afdc-f721d21e0dfd": ["hash", {"id": "MmU4YzdmZjgtODU2Ni00NDkwLWFmZGMtZjcyMWQyMWUwZGZk", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTc5Mw==", "cs": "TUQ1OmU1ODgwMDk4YjMyODYxMTAxOGE2NzA4YzkwNmYxMDJl", "b": "p2RlbGF5ZWQ="}],
    "4bd240e5-eea5-4f7c-a927-b9f490fef15e": ["hash", {"id": "NGJkMjQwZTUtZWVhNS00ZjdjLWE5MjctYjlmNDkwZmVmMTVl", "t": "NjA=", "e": "MTc5NTc0OTc5Mw==", "n": "Mg=="}],
    "6dea6e1b-1cdb-4680-b4fa-2ead05b831cb": ["hash", {"id": "NmRlYTZlMWItMWNkYi00NjgwLWI0ZmEtMmVhZDA1YjgzMWNi", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "NGJkMjQwZTUtZWVhNS00ZjdjLWE5MjctYjlmNDkwZmVmMTVl", "c.e": "MTc5NTc0OTc5Mw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OjY5NjFlZTg0ZTViZTA2NjkzMjA3Zjc4ZGNkN2IxODg4", "b": "hKVmbG9hdMs/8AAAAAAAAKNleHDLVLJJrSWUw32jbmVny7/gAAAAAAAAoW4B"}],
    "d7016a7e-27c4-45f4-b719-17540cb1ed5a": ["hash", {"id": "ZDcwMTZhN2UtMjdjNC00NWY0LWI3MTktMTc1NDBjYjFlZDVh", "t": "MTIw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc0OTg1Mw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OmViMDZjZDY3MGU4OGM3YjVhNzU4ZmQxNzBmMTE3ZjFk", "b": "gaJpbqNhLmI="}],
    "e4496788-8b58-42a3-937d-bc592bdc6853": ["hash", {"id": "ZTQ0OTY3ODgtOGI1OC00MmEzLTkzN2QtYmM1OTJiZGM2ODUz", "t": "MzAw", "cr": "MTc5NTc0OTczMw==", "e": "MTc5NTc1MDAzMw==", "u": "MzM4MWFmOTItMmI5ZS0xMWUzLWIxOTEtNzE4NjEzMDA3MzRj", "c": "", "c.e": "MTc5NTc0OTczMw==", "c.c": "MA==", "d": "MTc5NTc0OTczMw==", "cs": "TUQ1OjJhMGFkYmI3MzBiZWMyNWViMTgxZjAwZDg2NmJkMjI3", "b": "g6NtYXjPf/////////+jbWlu04AAAAAAAAAAoW4C"}],
    "messages.4bd240e5-eea5-4f7c-a927-b9f490fef15e": ["list", ["0a5b653c-3623-43df-8a39-7fd00102e087", "6dea6e1b-1cdb-4680-b4fa-2ead05b831cb"]],
    "msgset_index": ["zset", [[".globalq.messages", 1.0], ["tenant-a.a.b.messages", 1.0], ["tenant-a.fizbit.messages", 1.0]]],
    "tenant-a.a.b": ["hash", {"c": "MA==", "cl": "MA==", "m": "gA==", "t": "MTc5NTc0OTczMw=="}],
    "tenant-a.a.b.messages": ["zset", [["d7016a7e-27c4-45f4-b719-17540cb1ed5a", 1.0]]],
    "tenant-a.a.b.rank_counter": ["string", "2"],
    "tenant-a.fizbit": ["hash", {"t": "MTc5NTc0OTczMw==", "cl": "MA==", "c": "MA==", "m": "hLRfZGVmYXVsdF9tZXNzYWdlX3R0bM0OEKtkZXNjcmlwdGlvbrBtYWRlIGJ5IFphcWFyIDE1pXJhdGlvyz/4AAAAAAAAo2JpZ89//////////w=="}],
    "tenant-a.fizbit.claims": ["zset", [["4bd240e5-eea5-4f7c-a927-b9f490fef15e", 1795749793.0]]],
    "tenant-a.fizbit.messages": ["zset", [["0a5b653c-3623-43df-8a39-7fd00102e087", 1.0], ["6dea6e1b-1cdb-4680-b4fa-2ead05b831cb", 2.0], ["e4496788-8b58-42a3-937d-bc592bdc6853", 3.0], ["129702e5-2c7b-44aa-9444-7ddb028461fe", 4.0], ["23286600-9809-4e63-9d09-46fbee4cc85f", 5.0], ["2e8c7ff8-8566-4490-afdc-f721d21e0dfd", 6.0]]],
    "tenant-a.fizbit.rank_counter": ["string", "7"],
    "tenant-a.queues_set": ["zset", [["tenant-a.a.b", 1.0], ["tenant-a.fizbit", 1.0]]],
  } as Record<string, DumpedKey>,
};

/** Dump of the subscriptions Zaqar 15 wrote (see the module comment). */
const REFERENCE_SUBSCRIPTIONS = {
  now: 1796184947,
  hook: '0e66ee78-d664-4239-a87a-99c742aa449a',
  mail: 'f6499f29-66f7-47a4-93e8-03331ec54218',
  global: 'f8a2dd39-8c77-44b7-b143-f23685b4b9e8',
  /** json.dumps of the options as the reference returns them. */
  hookOptions: '{"_retry_policy": {"minimum_delay": 5}, "ratio": 1.5, "big": 9223372036854775807, "nested": {"list": [1, "two", null, true]}}',
  keys: {
    '.globalq.subscriptions': ['zset', [['f8a2dd39-8c77-44b7-b143-f23685b4b9e8', 1.0]]],
    '0e66ee78-d664-4239-a87a-99c742aa449a': ['hash', {"s": "Zml6Yml0", "e": "MTc5NjE4ODU0Nw==", "id": "MGU2NmVlNzgtZDY2NC00MjM5LWE4N2EtOTljNzQyYWE0NDlh", "p": "dGVuYW50LWE=", "u": "aHR0cDovL2V4YW1wbGUuY29tL2hvb2s=", "t": "MzYwMA==", "c": "MA==", "o": "hK1fcmV0cnlfcG9saWN5ga1taW5pbXVtX2RlbGF5BaVyYXRpb8s/+AAAAAAAAKNiaWfPf/////////+mbmVzdGVkgaRsaXN0lAGjdHdvwMM="}],
    'f6499f29-66f7-47a4-93e8-03331ec54218': ['hash', {"id": "ZjY0OTlmMjktNjZmNy00N2E0LTkzZTgtMDMzMzFlYzU0MjE4", "s": "Zml6Yml0", "u": "bWFpbHRvOm9wc0BleGFtcGxlLmNvbQ==", "t": "NjAw", "e": "MTc5NjE4NTU0Nw==", "o": "gqRmcm9tsXphcWFyQGV4YW1wbGUuY29tp3N1YmplY3Spw7xuw69jb2Rl", "p": "dGVuYW50LWE=", "c": "MQ=="}],
    'f8a2dd39-8c77-44b7-b143-f23685b4b9e8': ['hash', {"id": "ZjhhMmRkMzktOGM3Ny00NGI3LWIxNDMtZjIzNjg1YjRiOWU4", "s": "Z2xvYmFscQ==", "u": "aHR0cHM6Ly9leGFtcGxlLmNvbS9nbG9iYWw=", "t": "MTIw", "e": "MTc5NjE4NTA2Nw==", "o": "gA==", "p": "", "c": "MA=="}],
    'tenant-a.fizbit.subscriptions': ['zset', [['0e66ee78-d664-4239-a87a-99c742aa449a', 1.0], ['f6499f29-66f7-47a4-93e8-03331ec54218', 1.0]]],
  } as Record<string, DumpedKey>,
};

const PROJECT = 'tenant-a';
const QUEUE = 'fizbit';
const SECOND = 1000;

/** Writes a dump into an empty Redis. */
async function load(redis: RedisServer, keys: Record<string, DumpedKey>): Promise<void> {
  await redis.command('FLUSHALL');
  for (const [key, [type, content]] of Object.entries(keys)) {
    if (type === 'hash') {
      const fields = Object.entries(content as Record<string, string>).flatMap(([f, v]) => [f, Buffer.from(v, 'base64')]);
      await redis.command('HSET', key, ...fields);
    } else if (type === 'zset') {
      await redis.command('ZADD', key, ...(content as [string, number][]).flatMap(([m, s]) => [String(s), m]));
    } else if (type === 'list') {
      await redis.command('RPUSH', key, ...(content as string[]));
    } else {
      await redis.command('SET', key, content as string);
    }
  }
}

const ids = (messages: readonly { id: string }[]): string[] => messages.map((m) => m.id);

describe('redis: reading a store written by Zaqar 15', function () {
  this.timeout(30_000);
  const redis = useRedisServer();
  let control: ManagementStore;
  let data: MessageStore;
  let clock: sinon.SinonFakeTimers;

  beforeEach(async () => {
    await load(redis(), { ...REFERENCE_STORE.keys, ...REFERENCE_SUBSCRIPTIONS.keys });
    // Half a second after the reference wrote the data (its times are whole seconds).
    clock = sinon.useFakeTimers({ now: REFERENCE_STORE.now * SECOND + 500, toFake: ['Date'] });
    control = await openManagementStore(controlManifest, { uri: redis().uri() });
    data = await openMessageStore(dataManifest, { uri: redis().uri() }, control);
  });
  afterEach(async () => {
    clock.restore();
    await data.close();
    await control.close();
  });

  async function everything(queue: string, project: Project): Promise<StoredMessage[]> {
    const page = await data.messageController.list(queue, project, {
      limit: 20,
      echo: true,
      includeClaimed: true,
      includeDelayed: true,
    });
    return page.items;
  }

  it('lists queues by their full names — dotted ones too — per project', async () => {
    const queues = control.queueController;
    expect((await queues.list(PROJECT)).items).to.deep.equal([{ name: 'a.b' }, { name: QUEUE }]);
    expect((await queues.list(null)).items).to.deep.equal([{ name: 'globalq' }]);
    expect(await queues.count(PROJECT)).to.equal(2);
    expect(await queues.exists('a.b', PROJECT)).to.equal(true);
    expect(await queues.exists('a', PROJECT)).to.equal(false);
  });

  it('reads queue metadata stored as MessagePack', async () => {
    const metadata = await control.queueController.getMetadata(QUEUE, PROJECT);
    expect(dumpJson(metadata)).to.equal(
      '{"_default_message_ttl": 3600, "description": "made by Zaqar 15", "ratio": 1.5, "big": 9223372036854775807}',
    );
    expect(await control.queueController.get('globalq', null)).to.deep.equal({});
  });

  it("reads messages in rank order with the reference's bodies, times, checksums and claims", async () => {
    const all = await everything(QUEUE, PROJECT);
    expect(ids(all)).to.deep.equal([...REFERENCE_STORE.messages, ...REFERENCE_STORE.delayed]);
    expect(all.map((m) => dumpJson(m.body))).to.deep.equal([...REFERENCE_STORE.bodies, '"delayed"']);
    for (const [i, message] of all.entries()) {
      expect(message).to.include({ ttl: 300, age: 0, created: REFERENCE_STORE.now * SECOND, claimCount: 0 });
      // Zaqar's checksum of the body is ours too (same JSON serialisation).
      expect(message.checksum).to.equal(messageChecksum(parseJsonText(dumpJson(message.body))), `message ${i}`);
      const claimed = REFERENCE_STORE.claimed.includes(message.id);
      expect(message.claimId).to.equal(claimed ? REFERENCE_STORE.claim : null);
    }
    const [dotted] = await everything('a.b', PROJECT);
    expect(dotted).to.include({ id: REFERENCE_STORE.dotted[0], ttl: 120 });
    expect(dumpJson(dotted.body)).to.equal('{"in": "a.b"}');
    expect(ids(await everything('globalq', null))).to.deep.equal(REFERENCE_STORE.global);
  });

  it('lists what the reference lists', async () => {
    const page = await data.messageController.list(QUEUE, PROJECT, { echo: true, includeDelayed: true });
    expect(ids(page.items)).to.deep.equal(REFERENCE_STORE.referenceListing);
    const hidden = await data.messageController.list(QUEUE, PROJECT, { clientId: '3381af92-2b9e-11e3-b191-71861300734c' });
    expect(hidden.items).to.deep.equal([]);
    // The reference's marker (a message id) is understood too.
    const next = await data.messageController.list(QUEUE, PROJECT, { echo: true, marker: REFERENCE_STORE.messages[3] });
    expect(ids(next.items)).to.deep.equal([REFERENCE_STORE.messages[4]]);
  });

  it("reads the reference's claim and its message list", async () => {
    const claim = await data.claimController.get(QUEUE, REFERENCE_STORE.claim, PROJECT);
    expect(claim).to.include({ id: REFERENCE_STORE.claim, ttl: 60, age: 0 });
    expect(ids(claim.messages)).to.deep.equal(REFERENCE_STORE.claimed);
  });

  it('counts stats from the reference data', async () => {
    const stats = await data.queueDataController.stats(QUEUE, PROJECT);
    const created = new Date(REFERENCE_STORE.now * SECOND).toISOString().slice(0, 19) + 'Z';
    expect(stats).to.deep.equal({
      messages: {
        claimed: 2,
        free: 4,
        total: 6,
        oldest: { id: REFERENCE_STORE.messages[0], age: 0, created },
        newest: { id: REFERENCE_STORE.delayed[0], age: 0, created },
      },
    });
  });

  it("continues the reference's work: delete with its claim, release, claim without stealing, delays kept", async () => {
    const [first, second, ...rest] = REFERENCE_STORE.messages;
    await data.messageController.delete(QUEUE, first, PROJECT, REFERENCE_STORE.claim);
    expect(ids((await data.claimController.get(QUEUE, REFERENCE_STORE.claim, PROJECT)).messages)).to.deep.equal([second]);
    expect((await data.queueDataController.stats(QUEUE, PROJECT)).messages).to.include({ claimed: 1, total: 5 });

    // New messages continue the reference's rank counter, after its messages.
    const [mine] = await data.messageController.post(QUEUE, [{ ttl: 300, delay: 0, body: { mine: true } }], 'any client', PROJECT);
    const claim = await data.claimController.create(QUEUE, { ttl: 300, grace: 30, limit: 10 }, PROJECT);
    expect(ids(claim.messages)).to.deep.equal([...rest, mine]);

    await data.claimController.delete(QUEUE, REFERENCE_STORE.claim, PROJECT);
    expect((await data.messageController.get(QUEUE, second, PROJECT)).claimId).to.equal(null);
    expect(ids((await data.claimController.create(QUEUE, { ttl: 300, grace: 30, limit: 10 }, PROJECT)).messages)).to.deep.equal([second]);

    clock.tick(60 * SECOND);
    const late = await data.claimController.create(QUEUE, { ttl: 300, grace: 30, limit: 10 }, PROJECT);
    expect(ids(late.messages)).to.deep.equal(REFERENCE_STORE.delayed);
  });

  it('keeps tenants and queues apart on reference data (the reference trusted bare ids)', async () => {
    const [first] = REFERENCE_STORE.messages;
    for (const [queue, project] of [
      [QUEUE, 'tenant-b'],
      [QUEUE, null],
      ['a.b', PROJECT],
    ] as const) {
      await expectMissing(data.messageController.get(queue, first, project));
      await data.messageController.delete(queue, first, project);
      await data.messageController.bulkDelete(queue, [first], project);
    }
    expect((await data.messageController.get(QUEUE, first, PROJECT)).id).to.equal(first);
  });

  it('garbage-collects expired reference messages and claims', async () => {
    clock.tick(301 * SECOND);
    expect(await data.gc()).to.equal(REFERENCE_STORE.messages.length + REFERENCE_STORE.delayed.length + 2);
    for (const [queue, project] of [[QUEUE, PROJECT], ['a.b', PROJECT], ['globalq', null]] as const) {
      expect(await data.queueDataController.stats(queue, project)).to.deep.equal({ messages: { claimed: 0, free: 0, total: 0 } });
    }
    for (const id of [...REFERENCE_STORE.messages, ...REFERENCE_STORE.dotted]) expect(await redis().command('EXISTS', id)).to.equal(0);
    expect(await redis().command('ZCARD', 'msgset_index')).to.equal(0);
    expect(await redis().command('ZCARD', 'tenant-a.fizbit.claims')).to.equal(0);
  });

  describe('subscriptions', () => {
    const ref = REFERENCE_SUBSCRIPTIONS;
    let subscriptions: SubscriptionController;
    beforeEach(() => {
      // Half a second after the reference wrote them.
      clock.setSystemTime(ref.now * SECOND + 500);
      subscriptions = data.subscriptionController;
    });

    it('lists and gets them with their options, ttl, age and confirmation', async () => {
      const page = await subscriptions.list(QUEUE, PROJECT);
      expect(page.items.map((s) => s.id)).to.deep.equal([ref.hook, ref.mail]);
      expect(page.next).to.equal(ref.mail);
      const [hook, mail] = page.items;
      expect({ ...hook, options: dumpJson(hook.options) }).to.deep.equal({
        id: ref.hook,
        source: QUEUE,
        subscriber: 'http://example.com/hook',
        ttl: 3600,
        age: 0,
        options: ref.hookOptions,
        confirmed: false,
      });
      expect(mail).to.deep.include({ subscriber: 'mailto:ops@example.com', ttl: 600, confirmed: true });
      expect(mail.options).to.deep.equal({ from: 'zaqar@example.com', subject: 'ünïcode' });
      expect(await subscriptions.get(QUEUE, ref.mail, PROJECT)).to.deep.equal(mail);
      expect((await subscriptions.getWithSubscriber(QUEUE, 'http://example.com/hook', PROJECT))?.id).to.equal(ref.hook);
      expect((await subscriptions.list('globalq', null)).items.map((s) => s.id)).to.deep.equal([ref.global]);
    });

    it('keeps them unique, scoped and expiring as the reference wrote them', async () => {
      expect(await subscriptions.create(QUEUE, 'http://example.com/hook', 60, {}, PROJECT)).to.equal(null);
      await expectError(subscriptions.update(QUEUE, ref.mail, PROJECT, { subscriber: 'http://example.com/hook' }), SubscriptionAlreadyExists);
      await expectError(subscriptions.get(QUEUE, ref.hook, 'tenant-b'), SubscriptionDoesNotExist);
      await expectError(subscriptions.get('globalq', ref.hook, null), SubscriptionDoesNotExist);
      clock.tick(600 * SECOND);
      await expectError(subscriptions.get(QUEUE, ref.mail, PROJECT), SubscriptionDoesNotExist);
      // The expired one's id is dropped when its subscriber subscribes again.
      const again = await subscriptions.create(QUEUE, 'mailto:ops@example.com', 600, {}, PROJECT);
      expect(await redis().command('ZRANGE', 'tenant-a.fizbit.subscriptions', '0', '-1')).to.have.members([ref.hook, again]);
    });

    it('updates them in place: ttl (age restarts, as the reference counts it), options, confirmation', async () => {
      clock.tick(100 * SECOND);
      await subscriptions.update(QUEUE, ref.hook, PROJECT, { ttl: 7200, options: { replaced: true } });
      await subscriptions.confirm(QUEUE, ref.hook, PROJECT, true);
      expect(await subscriptions.get(QUEUE, ref.hook, PROJECT)).to.deep.include({ ttl: 7200, age: 0, options: { replaced: true }, confirmed: true });
      expect(await redis().command('HGET', ref.hook, 'e')).to.equal(String(ref.now + 100 + 7200));
    });

    it('reads a record without the confirmed flag as confirmed', async () => {
      await redis().command('HDEL', ref.global, 'c');
      expect((await subscriptions.get('globalq', ref.global, null)).confirmed).to.equal(true);
    });
  });
});

async function expectMissing(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(MessageDoesNotExist);
    return;
  }
  expect.fail('expected MessageDoesNotExist');
}
