import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../zaqar/config/options';
import { parseSqlUri, sqliteFilename } from '../../../zaqar/storage/sql-uri';

describe('storage/sql-uri', () => {
  describe('parseSqlUri', () => {
    it('reads the in-memory forms', () => {
      for (const uri of ['sqlite://', 'sqlite:///:memory:', 'sqlite:///', 'SQLITE://', 'sqlite+pysqlite:///:memory:']) {
        expect(parseSqlUri(uri), uri).to.deep.equal({ kind: 'memory' });
      }
    });

    it('resolves sqlite:///relative paths against the working directory', () => {
      expect(parseSqlUri('sqlite:///data/zaqar.sqlite', { cwd: '/srv/zaqar' })).to.deep.equal({
        kind: 'file',
        path: '/srv/zaqar/data/zaqar.sqlite',
      });
      expect(parseSqlUri('sqlite:///zaqar.db')).to.deep.equal({ kind: 'file', path: path.join(process.cwd(), 'zaqar.db') });
    });

    it('reads sqlite:////absolute paths', () => {
      expect(parseSqlUri('sqlite:////var/lib/zaqar/messages.db', { cwd: '/elsewhere' })).to.deep.equal({
        kind: 'file',
        path: '/var/lib/zaqar/messages.db',
      });
    });

    it('percent-decodes the path', () => {
      expect(parseSqlUri('sqlite:////tmp/with%20space.db')).to.deep.equal({ kind: 'file', path: '/tmp/with space.db' });
    });

    it('refuses pooled server databases with a clear reason', () => {
      for (const uri of [
        'postgresql://user:pw@db/zaqar',
        'postgres://db/zaqar',
        'mysql://root@localhost/zaqar',
        'mysql+pymysql://root:pw@127.0.0.1/zaqar?charset=utf8',
        'postgresql+psycopg2://db/zaqar',
      ]) {
        expect(() => parseSqlUri(uri), uri)
          .to.throw(ConfigError)
          .with.property('message')
          .that.matches(/not supported yet.*connection pooling/);
      }
    });

    it('names the config group and option in its errors', () => {
      try {
        parseSqlUri('mysql://db/zaqar', { group: 'drivers:management_store:sqlalchemy' });
        expect.fail('no error');
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).where).to.deep.equal({ group: 'drivers:management_store:sqlalchemy', option: 'uri' });
        expect(String(err)).to.match(/^\[drivers:management_store:sqlalchemy\] uri: database URI scheme "mysql:\/\/"/);
      }
    });

    it('lets the configuration locate the error when it is given', () => {
      const located = new ConfigError('located', { file: '/etc/zaqar/zaqar.conf', group: 'g', option: 'uri' });
      const calls: string[][] = [];
      const config = {
        optionError: (group: string, option: string, reason: string) => {
          calls.push([group, option, reason]);
          return located;
        },
      };
      expect(() => parseSqlUri('redis://x', { group: 'g', config })).to.throw(located);
      expect(calls).to.deep.equal([['g', 'uri', 'unsupported database URI scheme "redis://"; use a sqlite:// URI']]);
    });

    it('refuses other schemes, hosts, query strings and non-URIs', () => {
      for (const uri of [
        'redis://localhost:6379',
        'sqlite://somehost/zaqar.db',
        'sqlite:///zaqar.db?mode=ro',
        'sqlite:///bad%zzescape.db',
        '/var/lib/zaqar.db',
        '',
      ]) {
        expect(() => parseSqlUri(uri), uri).to.throw(ConfigError);
      }
    });
  });

  describe('sqliteFilename', () => {
    let temp: string;
    beforeEach(() => {
      temp = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-sql-uri-'));
    });
    afterEach(() => fs.rmSync(temp, { recursive: true, force: true }));

    it('returns :memory: for in-memory URIs', () => {
      expect(sqliteFilename('sqlite://')).to.equal(':memory:');
    });

    it('creates missing parent directories of a relative path', () => {
      const filename = sqliteFilename('sqlite:///data/nested/messages.sqlite', { cwd: temp });
      expect(filename).to.equal(path.join(temp, 'data', 'nested', 'messages.sqlite'));
      expect(fs.statSync(path.join(temp, 'data', 'nested')).isDirectory()).to.equal(true);
      expect(fs.existsSync(filename)).to.equal(false);
    });

    it('creates missing parent directories of an absolute path', () => {
      const filename = sqliteFilename(`sqlite:///${temp}/a/b.sqlite`);
      expect(filename).to.equal(path.join(temp, 'a', 'b.sqlite'));
      expect(fs.existsSync(path.join(temp, 'a'))).to.equal(true);
    });
  });
});
