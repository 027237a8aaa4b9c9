import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../zaqar/config/options';
import { parseDatabaseUri, parseSqlUri, redactDatabaseUri, SQL_URI_SCHEMES, sqliteFilename } from '../../../zaqar/storage/sql-uri';

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

    it('refuses server databases: this parser is for stores that live in SQLite', () => {
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
          .that.matches(/names a database server.*use a sqlite:\/\/ URI/);
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

  describe('parseDatabaseUri', () => {
    it('reads SQLite URIs as parseSqlUri does', () => {
      expect(parseDatabaseUri('sqlite://')).to.deep.equal({ dialect: 'sqlite', location: { kind: 'memory' } });
      expect(parseDatabaseUri('sqlite:////var/lib/zaqar/m.db')).to.deep.equal({
        dialect: 'sqlite',
        location: { kind: 'file', path: '/var/lib/zaqar/m.db' },
      });
      expect(() => parseDatabaseUri('sqlite:///zaqar.db?mode=ro')).to.throw(ConfigError);
    });

    it("reads Zaqar's MySQL form: percent-decoded credentials, host, port, database, query options", () => {
      expect(parseDatabaseUri('mysql+pymysql://zaqar:p%40ss%3Aw%2Frd@db.example.com:3307/zaqar?charset=utf8&read_timeout=5')).to.deep.equal({
        dialect: 'mysql',
        scheme: 'mysql+pymysql',
        user: 'zaqar',
        password: 'p@ss:w/rd',
        host: 'db.example.com',
        port: 3307,
        database: 'zaqar',
        query: { charset: 'utf8', read_timeout: '5' },
      });
    });

    it('maps every MySQL, MariaDB and PostgreSQL scheme to its dialect', () => {
      const dialects: Record<string, string> = {};
      for (const scheme of SQL_URI_SCHEMES) {
        const uri = `${scheme.toUpperCase()}://${scheme.startsWith('sqlite') ? '' : 'u@h/zaqar'}`;
        dialects[scheme] = parseDatabaseUri(uri).dialect;
      }
      expect(dialects).to.deep.equal({
        sqlite: 'sqlite',
        'sqlite+pysqlite': 'sqlite',
        mysql: 'mysql',
        'mysql+pymysql': 'mysql',
        'mysql+mysqldb': 'mysql',
        mariadb: 'mysql',
        'mariadb+pymysql': 'mysql',
        'mariadb+mysqldb': 'mysql',
        postgresql: 'postgresql',
        'postgresql+psycopg2': 'postgresql',
        postgres: 'postgresql',
      });
    });

    it('leaves out what the URI does not say (drivers apply their defaults)', () => {
      expect(parseDatabaseUri('postgresql://db/zaqar')).to.deep.equal({
        dialect: 'postgresql',
        scheme: 'postgresql',
        host: 'db',
        database: 'zaqar',
        query: {},
      });
      expect(parseDatabaseUri('postgresql+psycopg2://zaqar@/zaqar?host=/var/run/postgresql')).to.deep.equal({
        dialect: 'postgresql',
        scheme: 'postgresql+psycopg2',
        user: 'zaqar',
        database: 'zaqar',
        query: { host: '/var/run/postgresql' },
      });
      // PostgreSQL's default database is the user's name, so it may be left out.
      expect(parseDatabaseUri('postgres://zaqar:@localhost')).to.deep.include({ user: 'zaqar', password: '', host: 'localhost' });
    });

    it('reads bracketed IPv6 hosts and decodes + and %XX in query options', () => {
      expect(parseDatabaseUri('mysql://root:pw@[::1]:3306/zaqar?unix_socket=%2Frun%2Fmysqld.sock&x=a+b')).to.deep.include({
        host: '::1',
        port: 3306,
        query: { unix_socket: '/run/mysqld.sock', x: 'a b' },
      });
    });

    it('refuses bad ports, a MySQL URI without database, other schemes and bad escapes, never showing the password', () => {
      for (const uri of [
        'mysql://zaqar:s3cret@db:0/zaqar',
        'mysql://zaqar:s3cret@db:99999/zaqar',
        'postgresql://zaqar:s3cret@db:port/zaqar',
        'mysql+pymysql://zaqar:s3cret@db',
        'mysql://zaqar:s3cret@db/zaqar?charset=%zz',
        'mssql+pyodbc://zaqar:s3cret@db/zaqar',
        'mysql+mysqlconnector://zaqar:s3cret@db/zaqar',
      ]) {
        let error: unknown;
        try {
          parseDatabaseUri(uri, { group: 'drivers:management_store:sqlalchemy' });
        } catch (err) {
          error = err;
        }
        expect(error, uri).to.be.instanceOf(ConfigError);
        expect(String(error), uri).to.match(/^\[drivers:management_store:sqlalchemy\] uri: /);
        expect(String(error), uri).to.not.include('s3cret');
      }
    });
  });

  describe('redactDatabaseUri', () => {
    it('masks the password only', () => {
      expect(redactDatabaseUri('mysql+pymysql://zaqar:p%40ss@db:3306/zaqar?charset=utf8')).to.equal(
        'mysql+pymysql://zaqar:***@db:3306/zaqar?charset=utf8',
      );
      expect(redactDatabaseUri('postgresql://zaqar@db/zaqar')).to.equal('postgresql://zaqar@db/zaqar');
      expect(redactDatabaseUri('sqlite:////tmp/a:b@c.db')).to.equal('sqlite:////tmp/a:b@c.db');
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
