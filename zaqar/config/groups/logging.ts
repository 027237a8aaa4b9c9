/**
 * oslo.log's options, which live in [DEFAULT]. Declared so
 * that an operator's logging settings validate and can be honoured by our
 * logger. Types and defaults as in oslo.log; the format strings use
 * `%(name)s` placeholders and are not affected by `$` interpolation.
 */
import { defineOptions } from './define';

export interface LoggingOptions {
  debug: boolean;
  log_config_append: string | null;
  log_date_format: string;
  log_file: string | null;
  log_dir: string | null;
  watch_log_file: boolean;
  use_syslog: boolean;
  use_journal: boolean;
  syslog_log_facility: string;
  use_json: boolean;
  use_stderr: boolean;
  use_eventlog: boolean;
  log_rotate_interval: number;
  log_rotate_interval_type: string;
  max_logfile_count: number;
  max_logfile_size_mb: number;
  log_rotation_type: string;
  logging_context_format_string: string;
  logging_default_format_string: string;
  logging_debug_format_suffix: string;
  logging_exception_prefix: string;
  logging_user_identity_format: string;
  default_log_levels: string[];
  publish_errors: boolean;
  instance_format: string;
  instance_uuid_format: string;
  rate_limit_interval: number;
  rate_limit_burst: number;
  rate_limit_except_level: string;
  fatal_deprecations: boolean;
}

/** zaqar-server's default (cmd/server.py): oslo.log's line plus `[project_id:...]`. */
const ZAQAR_CONTEXT_FORMAT =
  '%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [%(request_id)s %(user_identity)s] [project_id:%(project_id)s] %(message)s';

const DEFAULT_LOG_LEVELS = [
  'amqp=WARN',
  'amqplib=WARN',
  'boto=WARN',
  'qpid=WARN',
  'sqlalchemy=WARN',
  'suds=INFO',
  'oslo.messaging=INFO',
  'oslo_messaging=INFO',
  'iso8601=WARN',
  'requests.packages.urllib3.connectionpool=WARN',
  'urllib3.connectionpool=WARN',
  'websocket=WARN',
  'requests.packages.urllib3.util.retry=WARN',
  'urllib3.util.retry=WARN',
  'keystonemiddleware=WARN',
  'routes.middleware=WARN',
  'stevedore=WARN',
  'taskflow=WARN',
  'keystoneauth=WARN',
  'oslo.cache=INFO',
  'oslo_policy=INFO',
  'dogpile.core.dogpile=INFO',
];

export const LOGGING_OPTIONS = defineOptions<LoggingOptions>({
  debug: { type: 'boolean', default: false, help: 'Log at DEBUG instead of INFO level.' },
  log_config_append: {
    type: 'string',
    help: 'Logging configuration file; when set, the other logging options are ignored.',
    deprecated: [{ name: 'log-config' }],
  },
  log_date_format: { type: 'string', default: '%Y-%m-%d %H:%M:%S', help: 'Format of %(asctime)s in log records.' },
  log_file: { type: 'string', help: 'Log file; logs go to stderr when unset.', deprecated: [{ name: 'logfile' }] },
  log_dir: { type: 'string', help: 'Base directory for a relative log_file.', deprecated: [{ name: 'logdir' }] },
  watch_log_file: { type: 'boolean', default: false, help: 'Reopen the log file when it is moved or removed.' },
  use_syslog: { type: 'boolean', default: false, help: 'Log to syslog.' },
  use_journal: { type: 'boolean', default: false, help: 'Log to journald.' },
  syslog_log_facility: { type: 'string', default: 'LOG_USER', help: 'Syslog facility.' },
  use_json: { type: 'boolean', default: false, help: 'Log as JSON.' },
  use_stderr: { type: 'boolean', default: false, help: 'Log to standard error.' },
  use_eventlog: { type: 'boolean', default: false, help: 'Log to the Windows event log (not supported).' },
  log_rotate_interval: { type: 'integer', default: 1, help: 'Time between log rotations (log_rotation_type = interval).' },
  log_rotate_interval_type: {
    type: 'string',
    default: 'days',
    choices: ['Seconds', 'Minutes', 'Hours', 'Days', 'Weekday', 'Midnight'],
    ignoreCase: true,
    help: 'Unit of log_rotate_interval.',
  },
  max_logfile_count: { type: 'integer', default: 30, help: 'Number of rotated log files kept.' },
  max_logfile_size_mb: { type: 'integer', default: 200, help: 'Log file size that triggers rotation (log_rotation_type = size).' },
  log_rotation_type: {
    type: 'string',
    default: 'none',
    choices: ['interval', 'size', 'none'],
    ignoreCase: true,
    help: 'Log rotation type.',
  },
  logging_context_format_string: { type: 'string', default: ZAQAR_CONTEXT_FORMAT, help: 'Format of log lines with a request context.' },
  logging_default_format_string: {
    type: 'string',
    default: '%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [-] %(instance)s%(message)s',
    help: 'Format of log lines without a request context.',
  },
  logging_debug_format_suffix: {
    type: 'string',
    default: '%(funcName)s %(pathname)s:%(lineno)d',
    help: 'Appended to DEBUG log lines.',
  },
  logging_exception_prefix: {
    type: 'string',
    default: '%(asctime)s.%(msecs)03d %(process)d ERROR %(name)s %(instance)s',
    help: 'Prefix of each line of exception output.',
  },
  logging_user_identity_format: {
    type: 'string',
    default: '%(user)s %(project)s %(domain)s %(system_scope)s %(user_domain)s %(project_domain)s',
    help: 'Format of %(user_identity)s.',
  },
  default_log_levels: { type: 'list', default: DEFAULT_LOG_LEVELS, help: 'logger=LEVEL pairs.' },
  publish_errors: { type: 'boolean', default: false, help: 'Publish error events.' },
  instance_format: { type: 'string', default: '[instance: %(uuid)s] ', help: 'Format of an instance in log lines.' },
  instance_uuid_format: { type: 'string', default: '[instance: %(uuid)s] ', help: 'Format of an instance UUID in log lines.' },
  rate_limit_interval: { type: 'integer', default: 0, help: 'Log rate limiting interval, in seconds.' },
  rate_limit_burst: { type: 'integer', default: 0, help: 'Log lines allowed per rate_limit_interval.' },
  rate_limit_except_level: {
    type: 'string',
    default: 'CRITICAL',
    choices: ['CRITICAL', 'ERROR', 'INFO', 'WARNING', 'DEBUG', ''],
    help: 'Levels at or above this one are never rate limited; empty = all are.',
  },
  fatal_deprecations: { type: 'boolean', default: false, help: 'Make deprecations fatal.' },
});
