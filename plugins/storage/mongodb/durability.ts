/**
 * The MongoDB message store's delivery guarantees (Zaqar's
 * `MessageStore.__init__`): acknowledged messages must survive the loss of a
 * server, so the store refuses to start on a standalone server, or with a
 * write concern weaker than `majority` / `w >= 2` — unless the operator
 * opted out with `[DEFAULT] unreliable = true`.
 */
import type { WriteConcernSettings } from 'mongodb';

/** The parts of a `hello` reply that tell the deployment's shape. */
export interface HelloReply {
  msg?: string;
  setName?: string;
  hosts?: string[];
  passives?: string[];
  arbiters?: string[];
}

export const NEEDS_REPLICA_SET = 'Either a replica set or a mongos is required to guarantee message delivery';
export const NEEDS_DURABLE_WRITE_CONCERN =
  'Using a write concern other than `majority` or > 2 makes the service unreliable. ' +
  'Please use a different write concern or set `unreliable` to True in the config file.';

/**
 * A mongos, or a replica set with more than one member (pymongo's
 * `len(client.nodes) > 1`: a one-member replica set protects nothing).
 */
export function isReplicatedDeployment(hello: HelloReply): boolean {
  if (hello.msg === 'isdbgrid') return true;
  if (!hello.setName) return false;
  const members = new Set([...(hello.hosts ?? []), ...(hello.passives ?? []), ...(hello.arbiters ?? [])]);
  return members.size > 1;
}

/** `majority`, or acknowledged by at least two members. */
export function isDurableWriteConcern(w: WriteConcernSettings['w']): boolean {
  return w === 'majority' || (typeof w === 'number' && w >= 2);
}

/**
 * Why the message store must not start, or undefined. As in Zaqar, the
 * write concern is only judged on replicated deployments (a standalone
 * server is refused before that).
 */
export function durabilityProblem(hello: HelloReply, clientW: WriteConcernSettings['w'], unreliable: boolean): string | undefined {
  if (unreliable) return undefined;
  if (!isReplicatedDeployment(hello)) return NEEDS_REPLICA_SET;
  if (!isDurableWriteConcern(clientW)) return NEEDS_DURABLE_WRITE_CONCERN;
  return undefined;
}

/**
 * Write concern of the message databases: the client's own settings, with
 * `w: majority` and `j: false` where the URI sets none (driver.py
 * `message_databases`).
 */
export function messageWriteConcern(client: WriteConcernSettings | undefined): WriteConcernSettings {
  const settings: WriteConcernSettings = { w: client?.w ?? 'majority', journal: client?.journal ?? client?.j ?? false };
  if (client?.wtimeoutMS !== undefined) settings.wtimeoutMS = client.wtimeoutMS;
  return settings;
}
