/**
 * Shared by the Swift integration specs: the configuration of a
 * zaqar-server whose message store is a real Swift (tools/services/swift.ts,
 * tempauth), appended to the functional tests' base configuration.
 */
import type { SwiftServer } from '../../tools/services/swift';

/**
 * `[drivers] message_store = swift` on `project`'s account of `swift`; the
 * management store stays the base configuration's SQLite file unless
 * `managementUri` names one (servers that share their queues).
 */
export function swiftStoreConfig(swift: SwiftServer, options: { project?: string; managementUri?: string; extra?: Record<string, string | number> } = {}): string {
  const values = { ...swift.storeOptions(options.project), ...options.extra };
  const lines = Object.entries(values).map(([key, value]) => `${key} = ${String(value)}`);
  const management = options.managementUri ? `\n[drivers:management_store:sqlalchemy]\nuri = ${options.managementUri}\n` : '';
  return `
[drivers]
message_store = swift
management_store = sqlalchemy

[drivers:message_store:swift]
${lines.join('\n')}
${management}`;
}
