/**
 * Plumbing of the storage conformance suites: how a driver plugs in.
 *
 * A driver's spec file provides factories that return FRESH, EMPTY drivers
 * plus a cleanup function, and calls the `describe…` suites with them (see
 * sqlite.spec.ts). The suites only use the controller interfaces of
 * zaqar/storage/interfaces.ts, never anything driver-specific, so every
 * message store (SQLite, Redis, MongoDB, and later ones) and management store runs
 * them unchanged — the mocha counterpart of Zaqar's
 * zaqar/tests/unit/storage/base.py.
 */
import * as sinon from 'sinon';
import type { ManagementStore, MessageStore } from '../../storage/interfaces';

/** A message store plus the management store it was built with (queues must exist before posting). */
export interface MessageStoreFixture {
  messageStore: MessageStore;
  managementStore: ManagementStore;
  /** Closes both drivers and removes whatever they stored. */
  cleanup(): Promise<void>;
}

export interface ManagementStoreFixture {
  managementStore: ManagementStore;
  cleanup(): Promise<void>;
}

export type MakeMessageStoreFixture = () => Promise<MessageStoreFixture>;
export type MakeManagementStoreFixture = () => Promise<ManagementStoreFixture>;

export interface MessageStoreSuiteOptions {
  /**
   * The driver takes "now" from `Date.now()` in this process, so the suites
   * may move time with sinon's fake Date (TTL, delay and claim expiry tests).
   * Drivers whose backend keeps its own clock (e.g. Swift's X-Delete-After)
   * set false and those tests are skipped. Default true.
   */
  fakeClock?: boolean;
}

/** Registers beforeEach/afterEach in the current `describe` and returns an accessor for the fixture. */
export function useFixture<F extends { cleanup(): Promise<void> }>(make: () => Promise<F>): () => F {
  let fixture: F | undefined;
  beforeEach(async () => {
    fixture = await make();
  });
  afterEach(async () => {
    const current = fixture;
    fixture = undefined;
    await current?.cleanup();
  });
  return () => {
    if (fixture === undefined) throw new Error('fixture used outside a test');
    return fixture;
  };
}

/** A fixed, whole-second instant the fake clock starts at (2030-01-01T00:00:00Z). */
export const EPOCH = Date.UTC(2030, 0, 1);

/**
 * Fakes `Date` only (timers stay real) for each test of the current
 * `describe`, starting at EPOCH. Use `clock().tick(ms)` to travel.
 */
export function useFakeClock(): () => sinon.SinonFakeTimers {
  let clock: sinon.SinonFakeTimers | undefined;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: EPOCH, toFake: ['Date'] });
  });
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });
  return () => {
    if (clock === undefined) throw new Error('clock used outside a test');
    return clock;
  };
}

/** `describe` that is skipped when the driver cannot be time-travelled. */
export function describeWithClock(options: MessageStoreSuiteOptions, title: string, body: (this: Mocha.Suite) => void): void {
  (options.fakeClock === false ? describe.skip : describe)(title, body);
}
