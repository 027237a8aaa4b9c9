/**
 * The Python-compatibility helpers. Every expected text below was produced by
 * CPython 3.11 (the reference's interpreter).
 */
import { expect } from 'chai';
import { PolicyEvaluationError } from '../../../zaqar/auth/policy';
import { PercentTemplate } from '../../../zaqar/auth/policy/python-format';
import { classifyGenericKind, literalEvalToStr } from '../../../zaqar/auth/policy/python-literal';
import { isTruthy as pythonTruthy, pythonFloatRepr, pythonRepr, pythonStr } from '../../../zaqar/common/python';

describe('policy Python compatibility helpers', () => {
  describe('repr(float)', () => {
    const examples: Array<[number, string]> = [
      [1, '1.0'],
      [-0, '-0.0'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e-4, '0.0001'],
      [1.5e-5, '1.5e-05'],
      [1e16, '1e+16'],
      [9999999999999998, '9999999999999998.0'],
      [123456789012345678, '1.2345678901234568e+17'],
      [1e22, '1e+22'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [12345.678, '12345.678'],
      [Infinity, 'inf'],
      [NaN, 'nan'],
    ];
    for (const [value, text] of examples) {
      it(`${value} → ${text}`, () => expect(pythonFloatRepr(value)).to.equal(text));
    }
  });

  describe('str() and repr()', () => {
    it('renders scalars like Python', () => {
      expect(pythonStr(true)).to.equal('True');
      expect(pythonStr(false)).to.equal('False');
      expect(pythonStr(null)).to.equal('None');
      expect(pythonStr(undefined)).to.equal('None');
      expect(pythonStr(42)).to.equal('42');
      expect(pythonStr(1.5)).to.equal('1.5');
      expect(pythonStr('é')).to.equal('é');
    });

    it('renders containers with repr() elements', () => {
      expect(pythonStr([1, 'b', null, true])).to.equal("[1, 'b', None, True]");
      expect(pythonStr({ k: 'v' })).to.equal("{'k': 'v'}");
    });

    it('quotes and escapes strings like repr() and ascii()', () => {
      expect(pythonRepr("it's")).to.equal(`"it's"`);
      expect(pythonRepr('x\ny\x00\u2028é\u{1F600}')).to.equal("'x\\ny\\x00\\u2028é\u{1F600}'");
      expect(pythonRepr('é\u{1F600}', true)).to.equal("'\\xe9\\U0001f600'");
    });

    it('knows Python truthiness', () => {
      expect([null, '', 0, false, [], {}].map(pythonTruthy)).to.deep.equal([false, false, false, false, false, false]);
      expect(['x', 1, [0], { a: 1 }].map(pythonTruthy)).to.deep.equal([true, true, true, true]);
    });
  });

  describe('template % mapping', () => {
    const format = (template: string, target: Record<string, unknown>): string | undefined =>
      PercentTemplate.compile(template).apply(target);

    it('substitutes %(key)s, %(key)r, %(key)d with flags, and %%', () => {
      expect(format('%(a)s', { a: 1 })).to.equal('1');
      expect(format('%(a)s%%', { a: 1 })).to.equal('1%');
      expect(format('%(a)5s|', { a: 1 })).to.equal('    1|');
      expect(format('%(a)-3s|', { a: 'ab' })).to.equal('ab |');
      expect(format('%(a).2s', { a: 'abc' })).to.equal('ab');
      expect(format('%(a)r', { a: 'v' })).to.equal("'v'");
      expect(format('%(a)+05d', { a: 3 })).to.equal('+0003');
      expect(format('%(a)05.3d', { a: -3 })).to.equal('-0003');
      expect(format('%(a)d', { a: true })).to.equal('1');
      expect(format('%(a)ld', { a: 3 })).to.equal('3');
      expect(format('%(a(b))s', { 'a(b)': 2 })).to.equal('2');
      expect(format('%s', {})).to.equal('{}');
    });

    it('is undefined when a key is missing', () => {
      expect(format('%(a)s', {})).to.equal(undefined);
      expect(format('%(a)s %z', {})).to.equal(undefined);
    });

    it('throws for a template Python rejects', () => {
      for (const [template, target] of [
        ['100%', {}],
        ['%(a', {}],
        ['%z %(a)s', {}],
        ['%(a)%', { a: 1 }],
        ['%(a)lld', { a: 3 }],
        ['%(a)*s', { a: 1 }],
        ['%s%s', {}],
        ['%(a)d', { a: 'x' }],
      ] as const) {
        expect(() => format(template, target), template).to.throw(PolicyEvaluationError);
      }
    });

    it('exposes templates without conversions as constants', () => {
      expect(PercentTemplate.compile('admin').constant).to.equal('admin');
      expect(PercentTemplate.compile('50%%').constant).to.equal('50%');
      expect(PercentTemplate.compile('%(a)s').constant).to.equal(undefined);
      expect(PercentTemplate.compile('50%').constant).to.equal(undefined);
    });
  });

  describe('ast.literal_eval of a check kind', () => {
    const literals: Array<[string, string]> = [
      ['True', 'True'],
      ['None', 'None'],
      ['...', 'Ellipsis'],
      ['1', '1'],
      ['-1', '-1'],
      ['+1', '1'],
      ['-0', '0'],
      ['-0.0', '-0.0'],
      ['0x10', '16'],
      ['0XfF', '255'],
      ['0o17', '15'],
      ['0b101', '5'],
      ['00', '0'],
      ['1_000', '1000'],
      ['99999999999999999999', '99999999999999999999'],
      ['1.', '1.0'],
      ['.5', '0.5'],
      ['1e3', '1000.0'],
      ['1E+3', '1000.0'],
      ['1e16', '1e+16'],
      ['1e-5', '1e-05'],
      ['1e999', 'inf'],
      ['1j', '1j'],
      ['2.5j', '2.5j'],
      ['-1j', '(-0-1j)'],
      ["'a'", 'a'],
      ["u'a'", 'a'],
      ["'a''b'", 'ab'],
      [`'a'"b"`, 'ab'],
      ["r'a\\n'", 'a\\n'],
      ["'a\\n'", 'a\n'],
      ["'\\101'", 'A'],
      ["'\\u00e9'", 'é'],
      ["'\\q'", '\\q'],
    ];
    for (const [kind, text] of literals) {
      it(`${kind} → ${JSON.stringify(text)}`, () => expect(literalEvalToStr(kind)).to.equal(text));
    }

    it('treats names and non-literal expressions as credential paths', () => {
      expect(classifyGenericKind('is_admin')).to.deep.equal({ type: 'path', segments: ['is_admin'] });
      expect(classifyGenericKind('user.domain.id')).to.deep.equal({ type: 'path', segments: ['user', 'domain', 'id'] });
      expect(classifyGenericKind('foo-bar')).to.deep.equal({ type: 'path', segments: ['foo-bar'] });
      expect(classifyGenericKind('--1')).to.deep.equal({ type: 'path', segments: ['--1'] });
      expect(classifyGenericKind('True.x')).to.deep.equal({ type: 'path', segments: ['True', 'x'] });
      expect(classifyGenericKind('a[0]')).to.deep.equal({ type: 'path', segments: ['a[0]'] });
      expect(classifyGenericKind('f(x)')).to.deep.equal({ type: 'path', segments: ['f(x)'] });
    });

    it('recognises kinds Python cannot parse', () => {
      for (const kind of ['', '2fa', '007', 'a..b', '.a', 'a.', 'class', 'a.class', 'a.None', ')role', 'x)', '(x', 'a[0)']) {
        expect(classifyGenericKind(kind).type, kind).to.equal('invalid');
      }
    });
  });
});
