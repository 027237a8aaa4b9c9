/**
 * `[drivers:notifier:webhook]` — options of the webhook notifier (ours:
 * Zaqar's webhook task has none, and posts without any timeout).
 *
 * Kept free of runtime dependencies: the plugin manifest imports this file
 * at start-up, before the notifier itself is loaded.
 */
import { defineGroup } from '../../../zaqar/config/groups/define';
import type { Config } from '../../../zaqar/config/options';

export const WEBHOOK_GROUP_NAME = 'drivers:notifier:webhook';

export interface WebhookOptionValues {
  timeout: number;
  connect_timeout: number;
  max_connections_per_origin: number;
  keepalive_timeout: number;
}

export const WEBHOOK_GROUP = defineGroup<WebhookOptionValues>(WEBHOOK_GROUP_NAME, 'Webhook (http/https) subscriber notifications.', {
  timeout: {
    type: 'float',
    default: 10,
    min: 0,
    help:
      'Seconds one POST may take as a whole: waiting for a free connection, connecting, sending, ' +
      'the response and reading its body. A POST that runs out of time is retried by the retry policy.',
  },
  connect_timeout: {
    type: 'float',
    default: 5,
    min: 0,
    help: 'Seconds to establish a TCP (and TLS) connection to a subscriber (within timeout).',
  },
  max_connections_per_origin: {
    type: 'integer',
    default: 10,
    min: 1,
    help:
      'Most connections open at once to one subscriber origin (scheme, host, port); further POSTs ' +
      'to it wait for a free connection. Connections are kept alive and reused.',
  },
  keepalive_timeout: {
    type: 'float',
    default: 4,
    min: 0,
    help: 'Seconds an idle connection is kept open for the next POST (less if the subscriber says so in Keep-Alive).',
  },
});

/** The resolved group in the units the notifier uses. */
export interface WebhookOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  maxConnectionsPerOrigin: number;
  keepAliveTimeoutMs: number;
}

/** Reads and checks the group: every timeout finite and positive, so a POST always ends. */
export function readWebhookOptions(config: Config): WebhookOptions {
  const values = config.get(WEBHOOK_GROUP);
  const seconds = (option: 'timeout' | 'connect_timeout' | 'keepalive_timeout'): number => {
    const value = values[option];
    if (!(Number.isFinite(value) && value > 0)) {
      throw config.optionError(WEBHOOK_GROUP_NAME, option, 'must be a positive number of seconds');
    }
    return Math.max(1, Math.round(value * 1000));
  };
  return {
    timeoutMs: seconds('timeout'),
    connectTimeoutMs: seconds('connect_timeout'),
    maxConnectionsPerOrigin: values.max_connections_per_origin,
    keepAliveTimeoutMs: seconds('keepalive_timeout'),
  };
}
