/** [profiler] (osprofiler's options and Zaqar's `zaqar.conf.profiler`). */
import { defineGroup } from './define';

export interface ProfilerOptions {
  enabled: boolean;
  trace_sqlalchemy: boolean;
  hmac_keys: string;
  connection_string: string;
  es_doc_type: string;
  es_scroll_time: string;
  es_scroll_size: number;
  socket_timeout: number;
  sentinel_service_name: string;
  filter_error_trace: boolean;
  trace_wsgi_transport: boolean;
  trace_message_store: boolean;
  trace_management_store: boolean;
}

export const PROFILER_GROUP = defineGroup<ProfilerOptions>('profiler', 'Tracing (osprofiler).', {
  enabled: {
    type: 'boolean',
    default: false,
    help: 'Enable profiling on this node.',
    deprecated: [{ name: 'profiler_enabled' }],
  },
  trace_sqlalchemy: { type: 'boolean', default: false, help: 'Trace SQL requests.' },
  hmac_keys: { type: 'string', default: 'SECRET_KEY', secret: true, help: 'Keys for signing trace context, comma separated.' },
  connection_string: { type: 'string', default: 'messaging://', help: 'Notifier backend of the traces.' },
  es_doc_type: { type: 'string', default: 'notification', help: 'Elasticsearch document type.' },
  es_scroll_time: { type: 'string', default: '2m', help: 'Elasticsearch scroll time.' },
  es_scroll_size: { type: 'integer', default: 10000, help: 'Elasticsearch batch size.' },
  socket_timeout: { type: 'float', default: 0.1, help: 'Redis sentinel socket timeout.' },
  sentinel_service_name: { type: 'string', default: 'mymaster', help: 'Redis sentinel service name.' },
  filter_error_trace: { type: 'boolean', default: false, help: 'Store traces with errors separately.' },
  trace_wsgi_transport: { type: 'boolean', default: false, help: 'Trace HTTP requests (not WebSocket).' },
  trace_message_store: { type: 'boolean', default: false, help: 'Trace message store calls.' },
  trace_management_store: { type: 'boolean', default: false, help: 'Trace management store calls.' },
});
