import { expect } from 'chai';
import { parseIni, type IniFile } from '../../../zaqar/config/ini';
import { configErrorOf, lines } from './helpers';

/** The texts of every assignment of `key` in `section`. */
function valuesOf(file: IniFile, section: string, key: string): string[] | undefined {
  return file.sections.get(section)?.get(key)?.map((value) => value.text);
}

describe('config/ini: the oslo.config INI dialect', () => {
  describe('assignments', () => {
    it('splits at the first of "=" or ":"', () => {
      const file = parseIni(lines('[s]', 'uri = mongodb://h:27017', 'debug: true', 'a:b=c', 'x=y:z'), 'f.conf');
      expect(valuesOf(file, 's', 'uri')).to.deep.equal(['mongodb://h:27017']);
      expect(valuesOf(file, 's', 'debug')).to.deep.equal(['true']);
      expect(valuesOf(file, 's', 'a')).to.deep.equal(['b=c']);
      expect(valuesOf(file, 's', 'x')).to.deep.equal(['y:z']);
    });

    it('trims key and value', () => {
      const file = parseIni(lines('[s]', 'key   =    value with  spaces   '), 'f.conf');
      expect(valuesOf(file, 's', 'key')).to.deep.equal(['value with  spaces']);
    });

    it('strips one pair of matching surrounding quotes, and only that', () => {
      const file = parseIni(
        lines('[s]', 'a = "redis"', "b = 'x'", 'c = ""quoted""', 'd = "mismatch\'', 'e = a, "b"', 'f = "', 'g = "x" '),
        'f.conf',
      );
      expect(valuesOf(file, 's', 'a')).to.deep.equal(['redis']);
      expect(valuesOf(file, 's', 'b')).to.deep.equal(['x']);
      expect(valuesOf(file, 's', 'c')).to.deep.equal(['"quoted"']);
      expect(valuesOf(file, 's', 'd')).to.deep.equal(['"mismatch\'']);
      expect(valuesOf(file, 's', 'e')).to.deep.equal(['a, "b"']);
      expect(valuesOf(file, 's', 'f')).to.deep.equal(['']);
      expect(valuesOf(file, 's', 'g')).to.deep.equal(['x']);
    });

    it('has no inline comments', () => {
      const file = parseIni(lines('[DEFAULT]', 'auth_strategy = keystone # note', 'x = y ; z'), 'f.conf');
      expect(valuesOf(file, 'DEFAULT', 'auth_strategy')).to.deep.equal(['keystone # note']);
      expect(valuesOf(file, 'DEFAULT', 'x')).to.deep.equal(['y ; z']);
    });

    it('keeps every occurrence of a repeated key, in order', () => {
      const file = parseIni(lines('[s]', 'k = 1', 'k = 2', '[other]', '[s]', 'k = 3'), 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['1', '2', '3']);
    });

    it('keeps keys case-sensitive', () => {
      const file = parseIni(lines('[s]', 'Debug = 1', 'debug = 2'), 'f.conf');
      expect(valuesOf(file, 's', 'Debug')).to.deep.equal(['1']);
      expect(valuesOf(file, 's', 'debug')).to.deep.equal(['2']);
    });

    it('keeps an empty value', () => {
      const file = parseIni(lines('[s]', 'k =', 'j:'), 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['']);
      expect(valuesOf(file, 's', 'j')).to.deep.equal(['']);
    });

    it('records the line of each key', () => {
      const file = parseIni(lines('[s]', '', 'k = v'), 'f.conf');
      expect(file.sections.get('s')?.get('k')?.[0]?.line).to.equal(3);
    });
  });

  describe('continuation lines', () => {
    it('appends an indented line to the value with "\\n"', () => {
      const file = parseIni(lines('[notification]', 'smtp_command = /usr/sbin/sendmail', '  -t -oi', '\t-f x'), 'f.conf');
      expect(valuesOf(file, 'notification', 'smtp_command')).to.deep.equal(['/usr/sbin/sendmail\n-t -oi\n-f x']);
    });

    it('turns an indented "#" into part of the value', () => {
      const file = parseIni(lines('[s]', 'k = v', '  # not a comment'), 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['v\n# not a comment']);
    });

    it('strips quotes of the first line only', () => {
      const file = parseIni(lines('[s]', 'k = "a"', '  "b"'), 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['a\n"b"']);
    });

    it('treats whitespace-only lines as blank (ending the value)', () => {
      const file = parseIni(lines('[s]', 'k = v', '   ', 'j = w'), 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['v']);
    });

    it('rejects a continuation right after a section header, naming file and line', () => {
      const error = configErrorOf(() => parseIni(lines('[DEFAULT]', '  orphan'), 'etc/zaqar.conf'));
      expect(error.where).to.include({ file: 'etc/zaqar.conf', line: 2 });
      expect(error.toString()).to.match(/^etc\/zaqar\.conf:2: unexpected continuation line/);
    });

    it('rejects a continuation after a blank line', () => {
      const error = configErrorOf(() => parseIni(lines('[s]', 'k = v', '', '  more'), 'f.conf'));
      expect(error.where.line).to.equal(4);
    });

    it('rejects a continuation after a comment', () => {
      const error = configErrorOf(() => parseIni(lines('[s]', 'k = v', '# c', '  more'), 'f.conf'));
      expect(error.where.line).to.equal(4);
    });
  });

  describe('comments and blank lines', () => {
    it('ignores "#" and ";" comments at column 0', () => {
      const file = parseIni(lines('# c', '[s]', ';k = 1', '#j = 2', 'i = 3'), 'f.conf');
      expect([...(file.sections.get('s')?.keys() ?? [])]).to.deep.equal(['i']);
    });

    it('accepts CRLF line endings and a byte-order mark', () => {
      const file = parseIni('\uFEFF[s]\r\nk = v\r\n', 'f.conf');
      expect(valuesOf(file, 's', 'k')).to.deep.equal(['v']);
    });
  });

  describe('sections', () => {
    it('keeps DEFAULT exact and lower-cases every other section name', () => {
      const file = parseIni(lines('[DEFAULT]', 'a = 1', '[default]', 'b = 2', '[Drivers]', 'c = 3', '[DRIVERS]', 'd = 4'), 'f.conf');
      expect([...file.sections.keys()]).to.deep.equal(['DEFAULT', 'default', 'drivers']);
      expect(valuesOf(file, 'DEFAULT', 'b')).to.equal(undefined);
      expect(valuesOf(file, 'drivers', 'c')).to.deep.equal(['3']);
      expect(valuesOf(file, 'drivers', 'd')).to.deep.equal(['4']);
    });

    it('treats colons as ordinary characters and keeps empty and unknown sections', () => {
      const file = parseIni(lines('[drivers:message_store:mongodb]', '[whatever]', 'x = 1'), 'f.conf');
      expect([...file.sections.keys()]).to.deep.equal(['drivers:message_store:mongodb', 'whatever']);
    });

    it('rejects "[]", naming file and line', () => {
      const error = configErrorOf(() => parseIni(lines('[DEFAULT]', '[]'), 'zaqar.conf'));
      expect(error.where).to.include({ file: 'zaqar.conf', line: 2 });
      expect(error.reason).to.match(/empty section name/);
    });

    it('rejects a header without "]"', () => {
      const error = configErrorOf(() => parseIni(lines('[DEFAULT'), 'zaqar.conf'));
      expect(error.where.line).to.equal(1);
      expect(error.reason).to.match(/must end with/);
    });
  });

  describe('other malformed lines', () => {
    it('rejects an assignment before any section, naming file and line', () => {
      const error = configErrorOf(() => parseIni(lines('# header', 'debug = true'), '/etc/zaqar/zaqar.conf'));
      expect(error.toString()).to.equal(
        '/etc/zaqar/zaqar.conf:2: assignment before any [section] header: "debug = true"',
      );
    });

    it('rejects a line without "=" or ":"', () => {
      const error = configErrorOf(() => parseIni(lines('[s]', 'just words'), 'f.conf'));
      expect(error.where.line).to.equal(2);
      expect(error.reason).to.match(/no '=' or ':'/);
    });

    it('rejects an empty key', () => {
      const error = configErrorOf(() => parseIni(lines('[s]', ' ', '= value'), 'f.conf'));
      expect(error.where.line).to.equal(3);
      expect(error.reason).to.match(/key cannot be empty/);
    });
  });
});
