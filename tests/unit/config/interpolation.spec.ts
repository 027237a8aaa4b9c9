import { expect } from 'chai';
import { DEFAULT_GROUP, SIGNED_URL_GROUP, TRANSPORT_GROUP } from '../../../zaqar/config/groups';
import { interpolate } from '../../../zaqar/config/interpolation';
import type { OptionGroup } from '../../../zaqar/config/options';
import { configErrorOf, configFrom, lines } from './helpers';

/** A group with string options whose values tests set freely. */
const TEXT_GROUP: OptionGroup = {
  name: 'text',
  options: ['a', 'b', 'c', 'none'].map((name) => ({ name, type: 'string' as const, help: `Option ${name}.` })),
};

function textGroup(...body: string[]): Record<string, unknown> {
  return configFrom([lines('[text]', ...body)], { groups: [TEXT_GROUP] }).group('text');
}

describe('config: $-interpolation of values', () => {
  it('substitutes $name and ${name} from the same group, before type conversion', () => {
    const config = configFrom([lines('[transport]', 'max_message_ttl = ${max_claim_ttl}', 'max_claim_ttl = 50000', 'max_claim_grace = $max_claim_ttl')]);
    const transport = config.get(TRANSPORT_GROUP);
    expect(transport.max_message_ttl).to.equal(50000);
    expect(transport.max_claim_grace).to.equal(50000);
  });

  it('falls back to DEFAULT for a name the group does not have', () => {
    const config = configFrom([lines('[DEFAULT]', 'log_dir = /var/log/zaqar', '[signed_url]', 'secret_key = in-$log_dir')]);
    expect(config.get(SIGNED_URL_GROUP).secret_key).to.equal('in-/var/log/zaqar');
  });

  it('reads another group with ${group.name}', () => {
    const config = configFrom([
      lines('[drivers:transport:wsgi]', 'port = 9999', '[drivers]', 'transport = t$drivers.management_store', '[signed_url]', 'secret_key = p${drivers.message_store}'),
    ]);
    expect(config.get(SIGNED_URL_GROUP).secret_key).to.equal('pmongodb');
    expect(config.group('drivers')['transport']).to.equal('tmongodb');
  });

  it("substitutes the referenced option's converted value, as Python's str() prints it", () => {
    const config = configFrom([lines('[DEFAULT]', 'debug = yes', 'log_file = debug-$debug-${use_json}-${default_log_levels}.log', 'default_log_levels = a=1,b=2')]);
    expect(config.get(DEFAULT_GROUP).log_file).to.equal("debug-True-False-['a=1', 'b=2'].log");
  });

  it('substitutes None as the empty string', () => {
    expect(textGroup('a = [$none]')['a']).to.equal('[]');
  });

  it('resolves references recursively', () => {
    expect(textGroup('a = ${b}x', 'b = $c', 'c = z')['a']).to.equal('zx');
  });

  it('substitutes code defaults too, including list items', () => {
    const group: OptionGroup = {
      name: 'paths',
      options: [
        { name: 'base', type: 'string', default: '/srv', help: 'Base.' },
        { name: 'data', type: 'string', default: '$base/data', help: 'Data.' },
        { name: 'all', type: 'list', default: ['$base', '${data}/x'], help: 'All.' },
      ],
    };
    const config = configFrom([lines('[paths]', 'base = /opt')], { groups: [group] });
    expect(config.group('paths')).to.deep.equal({ base: '/opt', data: '/opt/data', all: ['/opt', '/opt/data/x'] });
  });

  it('reads $$ and \\$ as a literal $', () => {
    const config = configFrom([lines('[signed_url]', 'secret_key = abc$$def\\$x')]);
    expect(config.get(SIGNED_URL_GROUP).secret_key).to.equal('abc$def$x');
    expect(textGroup('a = pa$$word $$$$ \\$$')['a']).to.equal('pa$word $$ $$');
  });

  it('leaves a $ that does not start a reference alone', () => {
    expect(textGroup('a = cost: 5$ or $1 or ${ or $ or $-x')['a']).to.equal('cost: 5$ or $1 or ${ or $ or $-x');
  });

  it('only matches lower-case identifiers', () => {
    expect(textGroup('a = $HOME and ${Upper}')['a']).to.equal('$HOME and ${Upper}');
  });

  it('ends a $name at the first character outside [._a-z0-9]', () => {
    expect(textGroup('a = $b-$c/x', 'b = B', 'c = C')['a']).to.equal('B-C/x');
  });

  it('rejects a reference to an unknown option, naming the referencing option', () => {
    const error = configErrorOf(() => configFrom([lines('[signed_url]', 'secret_key = pa$word')]).group('signed_url'));
    expect(error.toString()).to.equal(
      "file1.conf [signed_url] secret_key: '$word' refers to an unknown option (write '$$' for a literal '$')",
    );
  });

  it('rejects a reference to an unknown group', () => {
    const error = configErrorOf(() => textGroup('a = ${nogroup.x}'));
    expect(error.toString()).to.equal(
      "file1.conf [text] a: '$nogroup.x' refers to an unknown option group [nogroup] (write '$$' for a literal '$')",
    );
  });

  it('reports the referenced option when its own value is invalid', () => {
    const config = configFrom([lines('[transport]', 'max_message_ttl = $max_claim_ttl', 'max_claim_ttl = soon')]);
    expect(configErrorOf(() => config.group('transport')).toString()).to.equal(
      "file1.conf [transport] max_claim_ttl: invalid integer 'soon'",
    );
  });

  it('reports circular references instead of overflowing the stack', () => {
    const error = configErrorOf(() => textGroup('a = $b', 'b = $a'));
    expect(error.reason).to.match(/circular \$reference/);
  });

  it('resolves a deprecated name used as a reference to its option', () => {
    const config = configFrom([lines('[DEFAULT]', 'pooling = true', 'log_file = $sharding')]);
    expect(config.get(DEFAULT_GROUP).log_file).to.equal('True');
  });

  describe('interpolate() on its own', () => {
    it('hands every reference to the resolver', () => {
      const seen: string[] = [];
      const text = interpolate('$a ${b.c} $$d', (name) => {
        seen.push(name);
        return `<${name}>`;
      });
      expect(text).to.equal('<a> <b.c> $d');
      expect(seen).to.deep.equal(['a', 'b.c']);
    });
  });
});
