import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSearchDirs } from '../../../zaqar/config/discovery';
import { DEFAULT_GROUP, DRIVERS_GROUP, TRANSPORT_GROUP } from '../../../zaqar/config/groups';
import { loadConfig } from '../../../zaqar/config/load';
import { configErrorOf, lines, TempDir } from './helpers';

/**
 * Loads `path` in a child process that keeps root's uid but loses the
 * capabilities that let root read any file (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH), so file permissions apply to it as to any user while
 * the checkout stays reachable wherever it lives (even in a 0700 folder).
 * Returns the ConfigError's text (or what went wrong).
 */
function loadConfigWithoutDacOverride(path: string): string {
  const program = `
    const { loadConfig } = require(${JSON.stringify(require.resolve('../../../zaqar/config/load'))});
    try { loadConfig(['--config-file', ${JSON.stringify(path)}], { searchDirs: [] }); console.log('loaded without error'); }
    catch (error) { console.log(String(error)); }`;
  const run = spawnSync('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, '-e', program], {
    encoding: 'utf8',
  });
  return run.error ? String(run.error) : `${run.stdout.trim()}${run.stderr.trim()}`;
}

describe('config/load: files, command line and start-up', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = new TempDir();
  });
  afterEach(() => dir.cleanup());

  describe('explicit files and directories', () => {
    it('reads --config-file files in order, later ones winning', () => {
      const a = dir.write('a.conf', lines('[transport]', 'max_queues_per_page = 1', 'max_pools_per_page = 1'));
      const b = dir.write('b.conf', lines('[transport]', 'max_queues_per_page = 2'));
      const { config } = loadConfig(['--config-file', a, '--config-file', b], { searchDirs: [] });
      expect(config.files).to.deep.equal([a, b]);
      expect(config.get(TRANSPORT_GROUP)).to.include({ max_queues_per_page: 2, max_pools_per_page: 1 });
    });

    it('reads every *.conf of a --config-dir in sorted order, skipping other and hidden files', () => {
      const names = ['20-b.conf', '10-a.conf', '30-c.conf', 'notes.txt', '.hidden.conf', 'sub.conf/x.conf'];
      for (const name of names) dir.write(join('conf.d', name), lines('[transport]', `max_queues_per_page = ${name.slice(0, 2)}`));
      const confDir = join(dir.path, 'conf.d');
      const { config } = loadConfig(['--config-dir', confDir], { searchDirs: [] });
      expect(config.files).to.deep.equal(['10-a.conf', '20-b.conf', '30-c.conf'].map((name) => join(confDir, name)));
      expect(config.get(TRANSPORT_GROUP).max_queues_per_page).to.equal(30);
    });

    it('interleaves --config-file and --config-dir in command-line order', () => {
      const first = dir.write('first.conf', lines('[drivers]', 'transport = a'));
      dir.write('d/x.conf', lines('[drivers]', 'transport = b'));
      const last = dir.write('last.conf', lines('[drivers]', 'message_store = redis'));
      const { config } = loadConfig(['--config-file', first, '--config-dir', join(dir.path, 'd'), '--config-file', last], { searchDirs: [] });
      expect(config.files).to.deep.equal([first, join(dir.path, 'd', 'x.conf'), last]);
      expect(config.get(DRIVERS_GROUP)).to.include({ transport: 'b', message_store: 'redis' });
    });

    it('fails for a missing --config-file or --config-dir', () => {
      const missing = join(dir.path, 'missing.conf');
      expect(configErrorOf(() => loadConfig(['--config-file', missing], { searchDirs: [] })).toString()).to.equal(
        `${missing}: config file not found`,
      );
      expect(configErrorOf(() => loadConfig(['--config-dir', missing], { searchDirs: [] })).toString()).to.equal(
        `${missing}: config directory not found`,
      );
    });

    it('fails for a --config-file that is a directory', () => {
      const path = join(dir.path, 'conf.d');
      dir.write('conf.d/a.conf', lines('[DEFAULT]'));
      expect(configErrorOf(() => loadConfig(['--config-file', path], { searchDirs: [] })).toString()).to.equal(
        `${path}: config file is a directory`,
      );
    });

    it('fails for an unreadable file', () => {
      const path = dir.write('secret.conf', lines('[DEFAULT]'));
      chmodSync(path, 0o000);
      const expected = `${path}: permission denied reading config file`;
      if (process.getuid?.() === 0) {
        // Root reads any file: load it without the capabilities that allow that.
        expect(loadConfigWithoutDacOverride(path)).to.equal(expected);
      } else {
        expect(configErrorOf(() => loadConfig(['--config-file', path], { searchDirs: [] })).toString()).to.equal(expected);
      }
    });
  });

  describe('malformed files → ConfigError naming file and line', () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['an assignment before any section', lines('# zaqar', 'debug = true'), 2, /assignment before any \[section\] header/],
      ['an empty section name', lines('[DEFAULT]', 'debug = true', '[]'), 3, /empty section name/],
      ['a continuation without assignment', lines('[DEFAULT]', '', '    -t -oi'), 3, /unexpected continuation line/],
    ];
    for (const [title, text, line, reason] of cases) {
      it(`rejects ${title}`, () => {
        const path = dir.write('zaqar.conf', text);
        const error = configErrorOf(() => loadConfig(['--config-file', path], { searchDirs: [] }));
        expect(error.where).to.include({ file: path, line });
        expect(error.toString()).to.match(new RegExp(`^${path.replace(/[.\\/]/g, '\\$&')}:${line}: `));
        expect(error.toString()).to.match(reason);
        expect(error.toString()).not.to.include('\n');
      });
    }
  });

  describe('default file discovery', () => {
    it("takes zaqar.conf and <prog>.conf each from the first search directory that has it", () => {
      const home = join(dir.path, 'home');
      const etc = join(dir.path, 'etc');
      dir.write('etc/zaqar.conf', lines('[drivers]', 'transport = from-etc'));
      dir.write('home/zaqar.conf', lines('[drivers]', 'transport = from-home'));
      dir.write('etc/zaqar-server.conf', lines('[drivers]', 'message_store = from-prog'));
      const { config } = loadConfig([], { searchDirs: [home, etc] });
      expect(config.files).to.deep.equal([join(home, 'zaqar.conf'), join(etc, 'zaqar-server.conf')]);
      expect(config.get(DRIVERS_GROUP)).to.include({ transport: 'from-home', message_store: 'from-prog' });
    });

    it('adds the *.conf files of zaqar.conf.d/ and <prog>.conf.d/ after the default files', () => {
      const etc = join(dir.path, 'etc');
      dir.write('etc/zaqar.conf', lines('[DEFAULT]'));
      dir.write('etc/zaqar.conf.d/b.conf', lines('[DEFAULT]'));
      dir.write('etc/zaqar.conf.d/a.conf', lines('[DEFAULT]'));
      dir.write('etc/zaqar-gc.conf.d/c.conf', lines('[DEFAULT]'));
      const { config } = loadConfig([], { searchDirs: [etc], prog: 'zaqar-gc' });
      expect(config.files).to.deep.equal(
        ['zaqar.conf', 'zaqar.conf.d/a.conf', 'zaqar.conf.d/b.conf', 'zaqar-gc.conf.d/c.conf'].map((name) => join(etc, name)),
      );
    });

    it('skips the default files when --config-file is given, but still reads the default conf.d', () => {
      const etc = join(dir.path, 'etc');
      dir.write('etc/zaqar.conf', lines('[DEFAULT]'));
      dir.write('etc/zaqar.conf.d/extra.conf', lines('[DEFAULT]'));
      const mine = dir.write('mine.conf', lines('[DEFAULT]'));
      const { config } = loadConfig(['--config-file', mine], { searchDirs: [etc] });
      expect(config.files).to.deep.equal([join(etc, 'zaqar.conf.d/extra.conf'), mine]);
    });

    it('skips the default conf.d when --config-dir is given', () => {
      const etc = join(dir.path, 'etc');
      dir.write('etc/zaqar.conf', lines('[DEFAULT]'));
      dir.write('etc/zaqar.conf.d/extra.conf', lines('[DEFAULT]'));
      dir.write('other/o.conf', lines('[DEFAULT]'));
      const { config } = loadConfig(['--config-dir', join(dir.path, 'other')], { searchDirs: [etc] });
      expect(config.files).to.deep.equal([join(etc, 'zaqar.conf'), join(dir.path, 'other', 'o.conf')]);
    });

    it('runs with defaults only when nothing is found', () => {
      const { config } = loadConfig([], { searchDirs: [join(dir.path, 'nowhere')] });
      expect(config.files).to.deep.equal([]);
      expect(config.get(DRIVERS_GROUP).transport).to.equal('wsgi');
    });

    it("searches oslo's directories by default, then the snap ones", () => {
      expect(defaultSearchDirs('zaqar', {}, '/home/z')).to.deep.equal(['/home/z/.zaqar', '/home/z', '/etc/zaqar', '/etc']);
      expect(defaultSearchDirs('zaqar', { SNAP: '/snap/z/1', SNAP_COMMON: '/var/snap/z/common' }, '/home/z').slice(4)).to.deep.equal([
        '/var/snap/z/common/etc/zaqar',
        '/snap/z/1/etc/zaqar',
      ]);
    });
  });

  describe('start-up', () => {
    it('applies command-line flags over the files', () => {
      const path = dir.write('zaqar.conf', lines('[DEFAULT]', 'admin_mode = false'));
      const { config, cli } = loadConfig(['--config-file', path, '--admin_mode', '--log-file', '/var/log/z.log'], { searchDirs: [] });
      expect(cli.adminMode).to.equal(true);
      expect(config.get(DEFAULT_GROUP)).to.include({ admin_mode: true, log_file: '/var/log/z.log' });
    });

    it("accepts auth_strategy '' and 'keystone'", () => {
      for (const value of ['', 'keystone']) {
        const path = dir.write('zaqar.conf', lines('[DEFAULT]', `auth_strategy = ${value}`));
        expect(loadConfig(['--config-file', path], { searchDirs: [] }).config.get(DEFAULT_GROUP).auth_strategy).to.equal(value);
      }
    });

    it('warns that --daemon is not supported and stays usable', () => {
      const warnings: string[] = [];
      const { cli } = loadConfig(['--daemon'], { searchDirs: [], onWarning: (m) => warnings.push(m) });
      expect(cli.daemon).to.equal(true);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/--daemon is not supported/);
    });

    it('does not read (broken) files for --help and --version', () => {
      const broken = dir.write('broken.conf', lines('oops'));
      for (const flag of ['--help', '--version']) {
        const { config, cli } = loadConfig(['--config-file', broken, flag], { searchDirs: [] });
        expect(cli.help || cli.version).to.equal(true);
        expect(config.files).to.deep.equal([]);
      }
    });

    it('registers every core group', () => {
      const { config } = loadConfig([], { searchDirs: [] });
      expect(config.groupNames()).to.include.members(['DEFAULT', 'drivers', 'transport', 'cors', 'plugins', 'trustee']);
    });

    it('stays fast (< 100 ms to load and resolve every core group)', () => {
      const path = dir.write('zaqar.conf', lines('[DEFAULT]', 'debug = true'));
      const started = process.hrtime.bigint();
      const { config } = loadConfig(['--config-file', path], { searchDirs: [] });
      config.validateGroups();
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(elapsedMs).to.be.below(100);
    });
  });
});
