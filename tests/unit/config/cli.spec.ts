import { expect } from 'chai';
import { formatHelp, parseCommandLine } from '../../../zaqar/config/cli';
import { configErrorOf } from './helpers';

function defaultsOf(argv: string[]): Record<string, unknown> {
  return Object.fromEntries(parseCommandLine(argv).overrides.get('DEFAULT') ?? []);
}

describe('config/cli: the zaqar-server command line', () => {
  it('keeps --config-file and --config-dir in command-line order', () => {
    const cli = parseCommandLine(['--config-dir', 'd1', '--config-file', 'a.conf', '--config-file=b.conf', '--config-dir=d2']);
    expect(cli.sources).to.deep.equal([
      { kind: 'dir', path: 'd1' },
      { kind: 'file', path: 'a.conf' },
      { kind: 'file', path: 'b.conf' },
      { kind: 'dir', path: 'd2' },
    ]);
    expect(cli.configFiles).to.deep.equal(['a.conf', 'b.conf']);
    expect(cli.configDirs).to.deep.equal(['d1', 'd2']);
  });

  it('maps --admin_mode and --noadmin_mode to [DEFAULT] admin_mode, the last one winning', () => {
    expect(parseCommandLine(['--admin_mode']).adminMode).to.equal(true);
    expect(defaultsOf(['--admin_mode'])).to.deep.equal({ admin_mode: true });
    expect(parseCommandLine(['--admin_mode', '--noadmin_mode']).adminMode).to.equal(false);
    expect(parseCommandLine([]).adminMode).to.equal(undefined);
    expect(defaultsOf([])).to.deep.equal({});
  });

  it('accepts --daemon (reported, not acted upon)', () => {
    expect(parseCommandLine(['--daemon']).daemon).to.equal(true);
    expect(parseCommandLine(['--daemon', '--nodaemon']).daemon).to.equal(false);
  });

  it("accepts oslo.log's flags as Debian's init script passes them", () => {
    expect(defaultsOf(['--config-file=/etc/zaqar/zaqar.conf', '--log-file=/var/log/zaqar/zaqar-server.log', '--use-syslog'])).to.deep.equal({
      log_file: '/var/log/zaqar/zaqar-server.log',
      use_syslog: true,
    });
    expect(defaultsOf(['-d', '--logdir', '/var/log', '--log-config', 'l.conf', '--nouse-json'])).to.deep.equal({
      debug: true,
      log_dir: '/var/log',
      log_config_append: 'l.conf',
      use_json: false,
    });
  });

  it('recognises -h/--help and --version', () => {
    expect(parseCommandLine(['-h']).help).to.equal(true);
    expect(parseCommandLine(['--help']).help).to.equal(true);
    expect(parseCommandLine(['--version']).version).to.equal(true);
    expect(parseCommandLine([]).help).to.equal(false);
  });

  it('rejects unknown flags and positional arguments with a one-line ConfigError', () => {
    expect(configErrorOf(() => parseCommandLine(['--bogus'])).toString()).to.equal("unknown command-line option '--bogus' (see --help)");
    expect(configErrorOf(() => parseCommandLine(['extra'])).toString()).to.equal("unexpected command-line argument 'extra' (see --help)");
    const missing = configErrorOf(() => parseCommandLine(['--config-file']));
    expect(missing.toString()).to.match(/^invalid command-line option: .*config-file/);
    expect(missing.toString()).not.to.include('\n');
    expect(configErrorOf(() => parseCommandLine(['--admin_mode=yes'])).toString()).not.to.include('\n');
  });

  it('describes every flag in the help text', () => {
    const help = formatHelp('zaqar-server');
    for (const flag of ['--config-file', '--config-dir', '--admin_mode', '--daemon', '--log-file', '--version']) {
      expect(help).to.include(flag);
    }
  });
});
