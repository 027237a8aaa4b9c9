/**
 * Structured JSON logs (pino). Honours the oslo.log options operators
 * already set: `[DEFAULT] debug`, `log_file`, `log_dir`; everything else of
 * oslo.log is accepted by the config loader and has no effect.
 */
import * as path from 'node:path';
import pino from 'pino';
import type { Logger } from './logger';

export interface LoggingOptions {
  debug?: boolean;
  log_file?: string | null;
  log_dir?: string | null;
}

/** Where logs go: `log_dir/log_file`, `log_file`, or standard error. */
export function logDestination(options: LoggingOptions): string | number {
  if (!options.log_file) return 2;
  return options.log_dir ? path.join(options.log_dir, options.log_file) : options.log_file;
}

export function createLogger(options: LoggingOptions, name = 'zaqar-server'): Logger & { flush(): void } {
  const destination = pino.destination({ dest: logDestination(options), sync: false, mkdir: true });
  return pino(
    {
      name,
      level: options.debug ? 'debug' : 'info',
      // Never let a token or secret reach a log line.
      redact: ['*.authToken', '*.password', '*.secret_key', 'authToken', 'password'],
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
