/**
 * The logging surface the core depends on. pino satisfies it; tests can pass
 * `silentLogger`.
 */
import { token } from '../di/token';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const Logger = token<Logger>('Logger');

const noop = (): void => undefined;
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
