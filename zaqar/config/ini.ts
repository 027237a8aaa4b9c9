/**
 * The oslo.config INI dialect: text in, raw string values out. Nothing here
 * knows about options, types or interpolation.
 *
 * This is a line-for-line port of `oslo_config.iniparser.BaseParser` plus the
 * section handling of `oslo_config.cfg.ConfigParser`. It is deliberately NOT
 * a general INI parser: no inline comments, `:` is a separator too, the
 * first of `=`/`:` wins, indented lines continue the previous value, and
 * every occurrence of a key is kept (multi-valued options need them all).
 */
import { ConfigError } from './options';

/** One assignment as written in the file. */
export interface IniValue {
  /** Value after trimming, quote stripping and continuation joining (`\n`). */
  readonly text: string;
  /** 1-based line of the key. */
  readonly line: number;
}

/** Keys of one section; every assignment of a key in file order (last one wins for normal options). */
export type IniSection = ReadonlyMap<string, readonly IniValue[]>;

export interface IniFile {
  /** The path as given (used in error messages). */
  readonly path: string;
  /** Sections by normalized name (normalizeSectionName), including empty and unknown ones. */
  readonly sections: ReadonlyMap<string, IniSection>;
}

/** `DEFAULT` is matched exactly, every other section name case-insensitively. */
export function normalizeSectionName(name: string): string {
  return name === 'DEFAULT' ? name : name.toLowerCase();
}

/**
 * Parses the text of one config file. Throws ConfigError naming the file and
 * line for the same inputs oslo.config rejects.
 */
export function parseIni(text: string, path: string): IniFile {
  return new IniParser(path).parse(text);
}

interface PendingAssignment {
  key: string;
  parts: string[];
  line: number;
}

class IniParser {
  private readonly sections = new Map<string, Map<string, IniValue[]>>();
  private section: Map<string, IniValue[]> | undefined;
  private pending: PendingAssignment | undefined;

  constructor(private readonly path: string) {}

  parse(text: string): IniFile {
    // A UTF-8 byte-order mark would otherwise glue itself to the first
    // section header; oslo would reject such a file, we simply accept it.
    const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
    lines.forEach((rawLine, index) => this.parseLine(rawLine.trimEnd(), index + 1));
    this.flush();
    return { path: this.path, sections: this.sections };
  }

  private parseLine(line: string, lineNo: number): void {
    if (line === '') {
      // A blank line ends a multi-line value: a following indented line is an error.
      this.flush();
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!this.pending) this.fail(lineNo, 'unexpected continuation line (no assignment to continue)', line);
      this.pending.parts.push(line.trimStart());
      return;
    }
    this.flush();
    if (line.startsWith('[')) {
      this.startSection(line, lineNo);
    } else if (line.startsWith('#') || line.startsWith(';')) {
      // Comments exist only at column 0; an indented '#' continues a value.
    } else {
      this.startAssignment(line, lineNo);
    }
  }

  private startSection(line: string, lineNo: number): void {
    if (!line.endsWith(']')) this.fail(lineNo, 'invalid section header (must end with "]")', line);
    if (line.length <= 2) this.fail(lineNo, 'empty section name', line);
    const name = normalizeSectionName(line.slice(1, -1));
    let section = this.sections.get(name);
    if (!section) {
      section = new Map();
      this.sections.set(name, section);
    }
    this.section = section;
  }

  private startAssignment(line: string, lineNo: number): void {
    // The separator is whichever of '=' and ':' comes first, so
    // `uri = mongodb://h:27017` splits at '=' and `debug: true` at ':'.
    const colon = line.indexOf(':');
    const equal = line.indexOf('=');
    if (colon < 0 && equal < 0) this.fail(lineNo, "no '=' or ':' found in assignment", line);
    const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
    const key = line.slice(0, at).trim();
    if (key === '') this.fail(lineNo, 'key cannot be empty', line);
    if (!this.section) this.fail(lineNo, 'assignment before any [section] header', line);
    this.pending = { key, parts: [stripOneQuotePair(line.slice(at + 1).trim())], line: lineNo };
  }

  private flush(): void {
    const pending = this.pending;
    if (!pending || !this.section) return;
    this.pending = undefined;
    const values = this.section.get(pending.key) ?? [];
    values.push({ text: pending.parts.join('\n'), line: pending.line });
    this.section.set(pending.key, values);
  }

  private fail(lineNo: number, reason: string, line: string): never {
    throw new ConfigError(`${reason}: ${JSON.stringify(line)}`, { file: this.path, line: lineNo });
  }
}

/** One surrounding pair of matching quotes is removed (`"redis"` → `redis`). */
function stripOneQuotePair(value: string): string {
  if (value !== '' && (value[0] === '"' || value[0] === "'") && value[0] === value[value.length - 1]) {
    return value.slice(1, -1);
  }
  return value;
}
