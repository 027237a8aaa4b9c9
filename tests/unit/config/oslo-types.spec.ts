import { expect } from 'chai';
import { checkOptionValue } from '../../../zaqar/config/convict-formats';
import { isHostAddress } from '../../../zaqar/config/host-address';
import type { OptionSpec, OptionType } from '../../../zaqar/config/options';
import { OptionValueError, parseOptionText } from '../../../zaqar/config/oslo-types';
import { pythonStr } from '../../../zaqar/config/python-text';
import { inferOptionType, toOptionValue } from '../../../zaqar/config/value-conversion';

function spec(type: OptionType, extra: Partial<OptionSpec> = {}): OptionSpec {
  return { name: 'opt', type, help: 'test option', ...extra };
}

function parseError(type: OptionType, text: string, extra: Partial<OptionSpec> = {}): string {
  try {
    parseOptionText(spec(type, extra), text);
  } catch (error) {
    if (error instanceof OptionValueError) return error.reason;
    throw error;
  }
  throw new Error(`'${text}' parsed as ${type}`);
}

describe('config/oslo-types: text → value as oslo.config types', () => {
  describe('boolean', () => {
    it('accepts true/1/on/yes and false/0/off/no in any case', () => {
      for (const word of ['true', 'TRUE', 'True', '1', 'on', 'On', 'yes', 'YES']) {
        expect(parseOptionText(spec('boolean'), word), word).to.equal(true);
      }
      for (const word of ['false', 'False', '0', 'off', 'OFF', 'no', 'No']) {
        expect(parseOptionText(spec('boolean'), word), word).to.equal(false);
      }
    });

    it('rejects anything else, including the empty value and padded words', () => {
      expect(parseError('boolean', 'maybe')).to.equal("invalid boolean 'maybe' (use true/false, yes/no, on/off or 1/0)");
      expect(parseError('boolean', '')).to.match(/^empty value is not a valid boolean/);
      expect(parseError('boolean', ' true')).to.match(/invalid boolean/);
      expect(parseError('boolean', 't')).to.match(/invalid boolean/);
    });
  });

  describe('integer and port', () => {
    it('parses Python int() syntax', () => {
      expect(parseOptionText(spec('integer'), '42')).to.equal(42);
      expect(parseOptionText(spec('integer'), '  -7 ')).to.equal(-7);
      expect(parseOptionText(spec('integer'), '+3')).to.equal(3);
      expect(parseOptionText(spec('integer'), '007')).to.equal(7);
      expect(parseOptionText(spec('integer'), '1_000')).to.equal(1000);
      expect(parseOptionText(spec('port'), '8888')).to.equal(8888);
    });

    it('turns an empty or blank value into null (None)', () => {
      expect(parseOptionText(spec('integer'), '')).to.equal(null);
      expect(parseOptionText(spec('integer'), '   ')).to.equal(null);
      expect(parseOptionText(spec('port'), '')).to.equal(null);
    });

    it('rejects non-integers', () => {
      expect(parseError('integer', 'abc')).to.equal("invalid integer 'abc'");
      expect(parseError('integer', '1.5')).to.match(/invalid integer/);
      expect(parseError('integer', '0x10')).to.match(/invalid integer/);
      expect(parseError('integer', '1__0')).to.match(/invalid integer/);
      expect(parseError('port', 'http')).to.match(/invalid integer/);
    });

    it('never shows the value of a secret option', () => {
      expect(parseError('integer', 'hunter2', { secret: true })).to.equal("invalid integer '****'");
    });
  });

  describe('float', () => {
    it('parses Python float() syntax', () => {
      expect(parseOptionText(spec('float'), '0.1')).to.equal(0.1);
      expect(parseOptionText(spec('float'), ' 5. ')).to.equal(5);
      expect(parseOptionText(spec('float'), '.5')).to.equal(0.5);
      expect(parseOptionText(spec('float'), '1e3')).to.equal(1000);
      expect(parseOptionText(spec('float'), '-2.5E-1')).to.equal(-0.25);
      expect(parseOptionText(spec('float'), 'inf')).to.equal(Infinity);
      expect(parseOptionText(spec('float'), '-Infinity')).to.equal(-Infinity);
      expect(parseOptionText(spec('float'), 'NaN')).to.be.NaN;
    });

    it('turns an empty value into null and rejects garbage', () => {
      expect(parseOptionText(spec('float'), '')).to.equal(null);
      expect(parseError('float', '.')).to.equal("invalid float '.'");
      expect(parseError('float', '1.2.3')).to.match(/invalid float/);
    });
  });

  describe('string, host and multistring', () => {
    it('keep the text as is (constraints are checked by the convict formats)', () => {
      expect(parseOptionText(spec('string'), '')).to.equal('');
      expect(parseOptionText(spec('string'), ' a "b" ')).to.equal(' a "b" ');
      expect(parseOptionText(spec('host'), 'example.org')).to.equal('example.org');
    });
  });

  describe('list', () => {
    it('splits on commas and trims each item, without quote stripping', () => {
      expect(parseOptionText(spec('list'), 'http, https ,"mailto"')).to.deep.equal(['http', 'https', '"mailto"']);
    });

    it('ignores trailing commas and turns an empty value into []', () => {
      expect(parseOptionText(spec('list'), 'a,b,')).to.deep.equal(['a', 'b']);
      expect(parseOptionText(spec('list'), '')).to.deep.equal([]);
      expect(parseOptionText(spec('list'), '  ')).to.deep.equal([]);
      expect(parseOptionText(spec('list'), ',')).to.deep.equal([]);
    });

    it('keeps empty items in the middle', () => {
      expect(parseOptionText(spec('list'), 'a,,b')).to.deep.equal(['a', '', 'b']);
    });

    it('glues an item that fails its choices to the next one, as oslo does', () => {
      const withCommaChoice = spec('list', { choices: ['a,b', 'c'] });
      expect(parseOptionText(withCommaChoice, 'a,b,c')).to.deep.equal(['a,b', 'c']);
      expect(parseOptionText(spec('list', { choices: ['1', '1.1'] }), '1,1.1')).to.deep.equal(['1', '1.1']);
    });
  });

  describe('dict', () => {
    it('parses key:value pairs, splitting each pair at its first ":"', () => {
      expect(parseOptionText(spec('dict'), 'a:1, b : x:y ,c:')).to.deep.equal({ a: '1', b: 'x:y', c: '' });
    });

    it('turns an empty value into {}', () => {
      expect(parseOptionText(spec('dict'), '')).to.deep.equal({});
    });

    it('reproduces the comma trap of the e-mail templates', () => {
      const text =
        'body:You have chosen to subscribe to the queue: {0}. To confirm this subscription, click or visit this link below: {2},' +
        'topic:Hello';
      expect(parseOptionText(spec('dict'), text)).to.deep.equal({
        body: 'You have chosen to subscribe to the queue: {0}. To confirm this subscription',
        'click or visit this link below': '{2}',
        topic: 'Hello',
      });
    });

    it('glues a part without ":" to the next part', () => {
      expect(parseOptionText(spec('dict'), 'a,b:1')).to.deep.equal({ 'a,b': '1' });
    });

    it('rejects duplicate keys, empty keys, a pair without ":" at the end and a trailing comma', () => {
      expect(parseError('dict', 'a:1,a:2')).to.equal("invalid dict 'a:1,a:2': duplicate key 'a'");
      expect(parseError('dict', ':1')).to.match(/empty key/);
      expect(parseError('dict', 'a:1,b')).to.match(/expected key:value pairs/);
      expect(parseError('dict', 'a:1,')).to.match(/expected key:value pairs/);
    });

    it('stores a key named __proto__ as data', () => {
      const value = parseOptionText(spec('dict'), '__proto__:x') as Record<string, string>;
      expect(Object.keys(value)).to.deep.equal(['__proto__']);
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    });
  });

  describe('host addresses (oslo HostAddress)', () => {
    it('accepts IPv4, IPv6 and RFC-1123 host names', () => {
      for (const host of ['127.0.0.1', '0.0.0.0', '::1', 'fe80::1', '::ffff:1.2.3.4', 'localhost', 'zaqar.example.org', 'a-b.c', 'host.']) {
        expect(isHostAddress(host), host).to.equal(true);
      }
    });

    it('rejects the rest, including the empty string', () => {
      for (const host of ['', '999.1.1.1', '1.2.3', 'under_score', '-lead.example', 'trail-.example', 'a..b', 'fe80::1%eth0', 'a b']) {
        expect(isHostAddress(host), host).to.equal(false);
      }
    });
  });

  describe('constraint checks of the convict formats', () => {
    it('check choices, case-sensitively unless ignoreCase', () => {
      expect(() => checkOptionValue('string', 'off', { choices: ['strict', 'off'] })).not.to.throw();
      expect(() => checkOptionValue('string', 'OFF', { choices: ['strict', 'off'] })).to.throw("invalid choice 'OFF' (allowed: 'strict' or 'off')");
      expect(() => checkOptionValue('string', 'DAYS', { choices: ['Days'], ignoreCase: true })).not.to.throw();
      expect(() => checkOptionValue('list', ['1', '2'], { choices: ['1', '1.1'] })).to.throw("invalid item '2'");
    });

    it('check min/max and the port range', () => {
      expect(() => checkOptionValue('integer', 0, { min: 1 })).to.throw('0 is below the minimum 1');
      expect(() => checkOptionValue('float', 2.5, { max: 2 })).to.throw('2.5 is above the maximum 2');
      expect(() => checkOptionValue('port', 65535, {})).not.to.throw();
      expect(() => checkOptionValue('port', 65536, {})).to.throw('port 65536 is out of range 0-65535');
      expect(() => checkOptionValue('port', -1, {})).to.throw(/out of range/);
    });

    it('check JS types', () => {
      expect(() => checkOptionValue('boolean', 'true', {})).to.throw('expected a boolean');
      expect(() => checkOptionValue('integer', 1.5, {})).to.throw('expected an integer');
      expect(() => checkOptionValue('dict', { a: 1 }, {})).to.throw('expected a dict of strings');
      expect(() => checkOptionValue('host', 'no_such host', {})).to.throw(/invalid host address/);
    });
  });

  describe('values that are not text (defaults, per-pool overrides)', () => {
    it('are taken as typed values, with str() for numbers and booleans in string options', () => {
      expect(toOptionValue(spec('integer'), 4)).to.equal(4);
      expect(toOptionValue(spec('integer'), '10')).to.equal(10);
      expect(toOptionValue(spec('string'), 5)).to.equal('5');
      expect(toOptionValue(spec('string'), false)).to.equal('False');
      expect(toOptionValue(spec('list'), ['a', 1])).to.deep.equal(['a', '1']);
      expect(toOptionValue(spec('dict'), { a: 1 })).to.deep.equal({ a: '1' });
      expect(toOptionValue(spec('multistring'), 'one')).to.deep.equal(['one']);
      expect(toOptionValue(spec('multistring'), undefined)).to.deep.equal([]);
      expect(toOptionValue(spec('boolean'), null)).to.equal(null);
    });

    it('reject values of another type', () => {
      expect(() => toOptionValue(spec('integer'), 4.5)).to.throw(OptionValueError, 'expected an integer, got 4.5');
      expect(() => toOptionValue(spec('boolean'), 1)).to.throw(OptionValueError, 'expected a boolean');
      expect(() => toOptionValue(spec('list'), { a: 'b' })).to.throw(OptionValueError, 'expected a list of strings');
    });

    it('infer the type of undeclared pool options from the JSON value', () => {
      expect(inferOptionType('x')).to.equal('string');
      expect(inferOptionType(4)).to.equal('integer');
      expect(inferOptionType(0.5)).to.equal('float');
      expect(inferOptionType(true)).to.equal('boolean');
      expect(inferOptionType(['a'])).to.equal('list');
      expect(inferOptionType({ a: 'b' })).to.equal('dict');
    });
  });

  describe("Python's str() of values (used by $interpolation)", () => {
    it('renders values like Python', () => {
      expect(pythonStr(true)).to.equal('True');
      expect(pythonStr(null)).to.equal('None');
      expect(pythonStr(1, 'float')).to.equal('1.0');
      expect(pythonStr(1, 'integer')).to.equal('1');
      expect(pythonStr(['a', "b'c"])).to.equal(`['a', "b'c"]`);
      expect(pythonStr({ k: 'v' })).to.equal("{'k': 'v'}");
    });
  });
});
