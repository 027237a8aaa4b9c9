/**
 * From the portable statement text of the controllers to what a database
 * driver takes: `@name` parameters become `?` (SQLite, MySQL) or `$1, $2…`
 * (PostgreSQL) with the values in order, and MySQL gets its identifiers in
 * backquotes instead of double quotes (which it reads as strings unless
 * ANSI_QUOTES is on). Single-quoted literals are copied untouched.
 *
 * A statement is compiled once and cached by its text; the controllers
 * build their statements from constants, so the cache stays small.
 */
import type { SqlParams } from './client';

export type PlaceholderStyle = 'question' | 'dollar';

export interface CompileOptions {
  placeholders: PlaceholderStyle;
  /** Turn `"identifier"` into `` `identifier` `` (MySQL). */
  backquoteIdentifiers: boolean;
}

export interface CompiledStatement {
  text: string;
  /** Parameter names in placeholder order (repeated names repeat for `?`, share one `$n`). */
  names: readonly string[];
}

export class StatementCompiler {
  private readonly cache = new Map<string, CompiledStatement>();

  constructor(private readonly options: CompileOptions) {}

  compile(sql: string): CompiledStatement {
    let compiled = this.cache.get(sql);
    if (compiled === undefined) {
      compiled = compileStatement(sql, this.options);
      this.cache.set(sql, compiled);
    }
    return compiled;
  }

  /** The compiled text and its values; a parameter missing from `params` is a programming error. */
  bind(sql: string, params: SqlParams = {}): { text: string; values: (string | number | Buffer | null)[] } {
    const { text, names } = this.compile(sql);
    const values = names.map((name) => {
      const value = params[name];
      if (value === undefined) throw new TypeError(`statement parameter @${name} has no value: ${sql.trim()}`);
      return value;
    });
    return { text, values };
  }
}

export function compileStatement(sql: string, options: CompileOptions): CompiledStatement {
  const names: string[] = [];
  let text = '';
  for (let i = 0; i < sql.length; ) {
    const char = sql[i];
    if (char === "'") {
      const end = endOfLiteral(sql, i);
      text += sql.slice(i, end);
      i = end;
    } else if (char === '"' && options.backquoteIdentifiers) {
      const end = sql.indexOf('"', i + 1);
      if (end < 0) throw new SyntaxError(`unterminated identifier in: ${sql}`);
      text += '`' + sql.slice(i + 1, end) + '`';
      i = end + 1;
    } else if (char === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      if (options.placeholders === 'question') {
        names.push(name);
        text += '?';
      } else {
        let index = names.indexOf(name);
        if (index < 0) index = names.push(name) - 1;
        text += `$${index + 1}`;
      }
      i += name.length + 1;
    } else {
      text += char;
      i++;
    }
  }
  return { text, names };
}

/** Index just past the single-quoted literal starting at `start` ('' escapes a quote). */
function endOfLiteral(sql: string, start: number): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== "'") continue;
    if (sql[i + 1] === "'") i++;
    else return i + 1;
  }
  throw new SyntaxError(`unterminated string literal in: ${sql}`);
}
