/**
 * Small tools shared by the conformance suites.
 */
import { expect } from 'chai';
import { dumpJson, JsonNumber } from '../../common/json';
import type { MessageStore, NewMessage, Project, StoredMessage } from '../../storage/interfaces';
import type { MessageStoreFixture } from './harness';

export const SECOND = 1000;

/** Client ids: one producer, one consumer, and a non-UUID id (client_id_uuid_safe = off). */
export const PRODUCER = '3381af92-2b9e-11e3-b191-71861300734c';
export const CONSUMER = 'a1b2c3d4-0000-4000-8000-000000000001';
export const NON_UUID_CLIENT = 'not a uuid: any string works';

/** Projects the scoping tests keep apart: two tenants and the global namespace. */
export const PROJECTS: readonly Project[] = ['tenant-a', 'tenant-b', null];

export function newMessage(body: unknown, ttl = 300, delay = 0): NewMessage {
  return { ttl, delay, body };
}

/** Posts `count` messages with bodies {n: 0..count-1} (or the given bodies); returns their ids. */
export async function post(
  data: MessageStore,
  queue: string,
  project: Project,
  count: number,
  options: { ttl?: number; delay?: number; clientId?: string; start?: number } = {},
): Promise<string[]> {
  const start = options.start ?? 0;
  const messages = Array.from({ length: count }, (_, i) => newMessage({ n: start + i }, options.ttl, options.delay));
  return data.messageController.post(queue, messages, options.clientId ?? PRODUCER, project);
}

/** Creates the queue in the management store (MongoDB-style drivers require it before posting). */
export async function createQueue(fixture: MessageStoreFixture, queue: string, project: Project): Promise<void> {
  await fixture.managementStore.queueController.create(queue, {}, project);
}

export function ids(messages: readonly { id: string }[]): string[] {
  return messages.map((m) => m.id);
}

/** A body as canonical JSON text, whatever representation the driver returned (plain value or RawJson). */
export function bodyText(message: StoredMessage): string {
  return dumpJson(message.body);
}

/** Every message of the queue (claimed, delayed and own ones included), paging through. */
export async function listAll(data: MessageStore, queue: string, project: Project): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await data.messageController.list(queue, project, {
      marker,
      limit: 20,
      echo: true,
      includeClaimed: true,
      includeDelayed: true,
    });
    all.push(...page.items);
    if (page.items.length === 0 || page.next === undefined) return all;
    marker = page.next;
  }
}

/**
 * Awaits a rejection of exactly class `type` (its name is compared too, so
 * a subclass or sibling — say MessageNotClaimedBy for MessageNotClaimed —
 * does not pass) and returns the error.
 */
export async function expectError<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  let outcome: unknown;
  try {
    await promise;
  } catch (err) {
    outcome = err;
  }
  if (outcome === undefined) expect.fail(`expected ${type.name}, but the call succeeded`);
  expect(outcome, `expected ${type.name}, got ${String(outcome)}`).to.be.instanceOf(type);
  expect((outcome as Error).name).to.equal(type.name);
  return outcome as E;
}

/**
 * Bodies that must round-trip exactly: JSON of every
 * kind, unicode, and numbers JavaScript cannot hold (kept as JsonNumber).
 */
export const SAMPLE_BODIES: readonly unknown[] = [
  { event: 'BackupStarted', nested: { list: [1, 'two', { three: [null, true, false] }], empty: {} } },
  { 'ключ': 'значение', emoji: '😀 ✓', escaped: 'quote " backslash \\ newline \n tab \t', nul: '\u0000' },
  { float: new JsonNumber('1.0'), exp: new JsonNumber('1e+100'), neg: new JsonNumber('-0.5') },
  { max: new JsonNumber('9223372036854775807'), min: new JsonNumber('-9223372036854775808'), safe: 9007199254740991 },
  'just a string',
  new JsonNumber('3.14'),
  42,
  null,
  true,
  [],
  ['mixed', 1, new JsonNumber('2.50'), { k: [] }],
  {},
];
