/**
 * The query options of a server URI (`?charset=utf8&connect_timeout=5`),
 * read by the MySQL and PostgreSQL clients; whatever they did not read is
 * reported back, so the factory can log it as ignored.
 */
import { readFileSync } from 'node:fs';
import type { ConfigError } from '../../../zaqar/config/options';

export class UriQuery {
  private readonly read = new Set<string>();

  constructor(
    private readonly query: Readonly<Record<string, string>>,
    private readonly invalid: (reason: string) => ConfigError,
  ) {}

  text(key: string): string | undefined {
    this.read.add(key);
    return this.query[key];
  }

  /** A duration in seconds (as the Python drivers take it), in milliseconds. */
  milliseconds(key: string): number | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    const seconds = Number(value);
    if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
      throw this.invalid(`query option ${key}=${value} must be a positive number of seconds`);
    }
    return Math.round(seconds * 1000);
  }

  /** The contents of the file the option names. */
  file(key: string): Buffer | undefined {
    const file = this.text(key);
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw this.invalid(`query option ${key}: cannot read ${file}: ${(err as Error).message}`);
    }
  }

  /** The options nobody read. */
  ignored(): string[] {
    return Object.keys(this.query).filter((key) => !this.read.has(key));
  }
}
