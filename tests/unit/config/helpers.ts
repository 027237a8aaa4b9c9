/**
 * Shared helpers of the config specs: temporary config files and a quick
 * way to build an OsloConfig from INI text.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OsloConfig, type OptionValuesByGroup } from '../../../zaqar/config/config';
import { CORE_OPTION_GROUPS } from '../../../zaqar/config/groups';
import { parseIni } from '../../../zaqar/config/ini';
import { ConfigError, type OptionGroup } from '../../../zaqar/config/options';

/** A temporary directory, removed by `cleanup()` (call it from `after`/`afterEach`). */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'zaqar-config-'));

  /** Writes `text` to `name` (sub-directories are created) and returns the full path. */
  write(name: string, text: string): string {
    const path = join(this.path, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export interface ConfigFromOptions {
  groups?: readonly OptionGroup[];
  commandLine?: OptionValuesByGroup;
  onWarning?: (message: string) => void;
}

/**
 * An OsloConfig over in-memory files (oldest first), named `file1.conf`,
 * `file2.conf`, ... in error messages; core groups registered by default.
 */
export function configFrom(texts: readonly string[], options: ConfigFromOptions = {}): OsloConfig {
  const files = texts.map((text, index) => parseIni(text, `file${index + 1}.conf`));
  const config = new OsloConfig({ files, commandLine: options.commandLine, onWarning: options.onWarning });
  for (const group of options.groups ?? CORE_OPTION_GROUPS) config.register(group);
  return config;
}

/** Runs `action`, which must throw a ConfigError, and returns it. */
export function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Lines joined with '\n', so specs can show a file line by line. */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}
