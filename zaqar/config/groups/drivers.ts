/**
 * [drivers] (`zaqar.conf.drivers`): which plugin serves each role. Names are
 * not restricted here; the plugin registry checks them against what is
 * installed (third-party plugins included).
 */
import { defineGroup } from './define';

export interface DriversOptions {
  transport: string;
  message_store: string;
  management_store: string;
}

export const DRIVERS_GROUP = defineGroup<DriversOptions>('drivers', 'Plugins to use.', {
  transport: { type: 'string', default: 'wsgi', help: 'Transport plugin (wsgi or websocket).' },
  message_store: {
    type: 'string',
    default: 'mongodb',
    help: 'Message store plugin (messages, claims, subscriptions).',
    deprecated: [{ name: 'storage' }],
  },
  management_store: { type: 'string', default: 'mongodb', help: 'Management store plugin (queue metadata, pools, flavors, catalogue).' },
});
