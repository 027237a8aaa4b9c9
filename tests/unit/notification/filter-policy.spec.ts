import { expect } from 'chai';
import { JsonNumber, parseJsonText, RawJson } from '../../../zaqar/common/json';
import {
  compareJsonNumbers,
  FilterPolicyError,
  matchesFilterPolicy,
  validateFilterPolicy,
} from '../../../zaqar/notification/filter-policy';

/** Policies and bodies as JSON text, parsed as a request body would be (floats and big integers stay JsonNumbers). */
const json = (text: string): Record<string, unknown> => parseJsonText(text) as Record<string, unknown>;

interface Case {
  policy: string;
  body: string;
  matches: boolean;
}

const CASES: Record<string, Case[]> = {
  'exact string': [
    { policy: '{"t": ["a"]}', body: '{"t": "a"}', matches: true },
    { policy: '{"t": ["a"]}', body: '{"t": "b"}', matches: false },
    { policy: '{"t": ["a"]}', body: '{"t": "A"}', matches: false },
    { policy: '{"t": ["1"]}', body: '{"t": 1}', matches: false },
  ],
  'exact number (by value, exactly)': [
    { policy: '{"n": [5]}', body: '{"n": 5}', matches: true },
    { policy: '{"n": [5]}', body: '{"n": 5.0}', matches: true },
    { policy: '{"n": [5.5]}', body: '{"n": 55e-1}', matches: true },
    { policy: '{"n": [5]}', body: '{"n": "5"}', matches: false },
    { policy: '{"n": [9007199254740993]}', body: '{"n": 9007199254740993}', matches: true },
    { policy: '{"n": [9007199254740993]}', body: '{"n": 9007199254740992}', matches: false },
    { policy: '{"n": [0.1]}', body: '{"n": 0.10000000000000001}', matches: false },
  ],
  'exact boolean and null': [
    { policy: '{"b": [true]}', body: '{"b": true}', matches: true },
    { policy: '{"b": [true]}', body: '{"b": 1}', matches: false },
    { policy: '{"b": [false]}', body: '{"b": 0}', matches: false },
    { policy: '{"z": [null]}', body: '{"z": null}', matches: true },
    { policy: '{"z": [null]}', body: '{}', matches: false },
    { policy: '{"z": [null]}', body: '{"z": 0}', matches: false },
  ],
  'OR within a key, AND across keys': [
    { policy: '{"t": ["a", "b"]}', body: '{"t": "b"}', matches: true },
    { policy: '{"t": ["a", "b"], "n": [1]}', body: '{"t": "b", "n": 1}', matches: true },
    { policy: '{"t": ["a", "b"], "n": [1]}', body: '{"t": "b", "n": 2}', matches: false },
    { policy: '{"t": ["a", "b"], "n": [1]}', body: '{"t": "b"}', matches: false },
  ],
  prefix: [
    { policy: '{"s": [{"prefix": "ord"}]}', body: '{"s": "order-1"}', matches: true },
    { policy: '{"s": [{"prefix": "ord"}]}', body: '{"s": "refund"}', matches: false },
    { policy: '{"s": [{"prefix": "1"}]}', body: '{"s": 12}', matches: false },
    { policy: '{"s": [{"prefix": ""}]}', body: '{"s": ""}', matches: true },
  ],
  suffix: [
    { policy: '{"f": [{"suffix": ".png"}]}', body: '{"f": "a.png"}', matches: true },
    { policy: '{"f": [{"suffix": ".png"}]}', body: '{"f": "a.jpg"}', matches: false },
  ],
  'anything-but': [
    { policy: '{"t": [{"anything-but": "a"}]}', body: '{"t": "b"}', matches: true },
    { policy: '{"t": [{"anything-but": "a"}]}', body: '{"t": "a"}', matches: false },
    { policy: '{"t": [{"anything-but": "a"}]}', body: '{}', matches: false },
    { policy: '{"t": [{"anything-but": ["a", "b"]}]}', body: '{"t": "c"}', matches: true },
    { policy: '{"t": [{"anything-but": ["a", "b"]}]}', body: '{"t": "b"}', matches: false },
    { policy: '{"n": [{"anything-but": [100, 200]}]}', body: '{"n": 100.0}', matches: false },
    { policy: '{"n": [{"anything-but": [100, 200]}]}', body: '{"n": 150}', matches: true },
    { policy: '{"t": [{"anything-but": {"prefix": "test-"}}]}', body: '{"t": "prod-1"}', matches: true },
    { policy: '{"t": [{"anything-but": {"prefix": "test-"}}]}', body: '{"t": "test-1"}', matches: false },
    { policy: '{"t": [{"anything-but": {"prefix": "test-"}}]}', body: '{"t": 7}', matches: true },
    { policy: '{"t": [{"anything-but": {"suffix": "-x"}}]}', body: '{"t": "a-x"}', matches: false },
  ],
  numeric: [
    { policy: '{"p": [{"numeric": [">", 0, "<=", 5]}]}', body: '{"p": 5}', matches: true },
    { policy: '{"p": [{"numeric": [">", 0, "<=", 5]}]}', body: '{"p": 0}', matches: false },
    { policy: '{"p": [{"numeric": [">", 0, "<=", 5]}]}', body: '{"p": 0.000001}', matches: true },
    { policy: '{"p": [{"numeric": [">", 0, "<=", 5]}]}', body: '{"p": 5.0000000000000001}', matches: false },
    { policy: '{"p": [{"numeric": [">=", 10, "<", 20]}]}', body: '{"p": 10}', matches: true },
    { policy: '{"p": [{"numeric": [">=", 10, "<", 20]}]}', body: '{"p": 20}', matches: false },
    { policy: '{"p": [{"numeric": ["=", 3]}]}', body: '{"p": 3.0}', matches: true },
    { policy: '{"p": [{"numeric": ["!=", 3]}]}', body: '{"p": 3}', matches: false },
    { policy: '{"p": [{"numeric": ["!=", 3]}]}', body: '{"p": 4}', matches: true },
    { policy: '{"p": [{"numeric": ["<", -1]}]}', body: '{"p": -1.5}', matches: true },
    { policy: '{"p": [{"numeric": [">", 9223372036854775807]}]}', body: '{"p": 1e20}', matches: true },
    { policy: '{"p": [{"numeric": [">", 9007199254740992]}]}', body: '{"p": 9007199254740993}', matches: true },
    { policy: '{"p": [{"numeric": [">", 1]}]}', body: '{"p": "2"}', matches: false },
    { policy: '{"p": [{"numeric": [">", 1]}]}', body: '{"p": true}', matches: false },
  ],
  exists: [
    { policy: '{"k": [{"exists": true}]}', body: '{"k": 0}', matches: true },
    { policy: '{"k": [{"exists": true}]}', body: '{"k": null}', matches: true },
    { policy: '{"k": [{"exists": true}]}', body: '{}', matches: false },
    { policy: '{"k": [{"exists": false}]}', body: '{}', matches: true },
    { policy: '{"k": [{"exists": false}]}', body: '{"k": "x"}', matches: false },
    { policy: '{"k": ["a", {"exists": false}]}', body: '{}', matches: true },
    { policy: '{"k": [{"exists": true}]}', body: '{"k": []}', matches: true },
  ],
  'missing keys match only exists: false': [
    { policy: '{"k": [{"prefix": ""}]}', body: '{}', matches: false },
    { policy: '{"k": [{"numeric": [">=", 0]}]}', body: '{"other": 1}', matches: false },
  ],
  'arrays in the body: any element': [
    { policy: '{"tags": ["red"]}', body: '{"tags": ["blue", "red"]}', matches: true },
    { policy: '{"tags": ["red"]}', body: '{"tags": ["blue"]}', matches: false },
    { policy: '{"tags": ["red"]}', body: '{"tags": []}', matches: false },
    { policy: '{"n": [{"numeric": [">", 10]}]}', body: '{"n": [1, 2, 11]}', matches: true },
    { policy: '{"tags": [{"anything-but": "red"}]}', body: '{"tags": ["red", "blue"]}', matches: true },
    { policy: '{"tags": [{"anything-but": "red"}]}', body: '{"tags": ["red"]}', matches: false },
  ],
  'nested objects': [
    { policy: '{"c": {"tier": ["gold"]}}', body: '{"c": {"tier": "gold", "id": 1}}', matches: true },
    { policy: '{"c": {"tier": ["gold"]}}', body: '{"c": {"tier": "silver"}}', matches: false },
    { policy: '{"c": {"tier": ["gold"]}}', body: '{"tier": "gold"}', matches: false },
    { policy: '{"c": {"tier": ["gold"]}}', body: '{"c": "gold"}', matches: false },
    { policy: '{"c": {"tier": [{"exists": false}]}}', body: '{}', matches: true },
    { policy: '{"a": {"b": {"c": {"d": {"e": [1]}}}}}', body: '{"a": {"b": {"c": {"d": {"e": 1}}}}}', matches: true },
    { policy: '{"c": {"tier": ["gold"]}, "t": ["x"]}', body: '{"c": {"tier": "gold"}, "t": "y"}', matches: false },
    { policy: '{"items": {"sku": [{"prefix": "A"}]}}', body: '{"items": [{"sku": "B1"}, {"sku": "A7"}]}', matches: true },
    { policy: '{"items": {"sku": [{"prefix": "A"}]}}', body: '{"items": [{"sku": "B1"}]}', matches: false },
  ],
  'bodies that are not objects': [
    { policy: '{"t": ["a"]}', body: '"a"', matches: false },
    { policy: '{"t": ["a"]}', body: '[{"t": "a"}]', matches: false },
    { policy: '{"t": [{"exists": false}]}', body: '42', matches: false },
    { policy: '{}', body: '"anything"', matches: true },
  ],
};

const ERRORS: [string, unknown, string][] = [
  ['not an object', ['a'], 'Filter policy: must be an object.'],
  ['null', null, 'Filter policy: must be an object.'],
  ['a scalar value', json('{"t": "a"}'), 'Filter policy: "t" must be an array of conditions or an object of nested keys.'],
  ['an empty array', json('{"t": []}'), 'Filter policy: "t" must not be an empty array.'],
  ['an empty nested object', json('{"t": {}}'), 'Filter policy: "t" must not be an empty object.'],
  ['an array condition', json('{"t": [["a"]]}'), 'Filter policy: "t": a condition may not be an array.'],
  ['an unknown operator', json('{"t": [{"contains": "a"}]}'), 'Filter policy: "t": unknown operator "contains" (known: prefix, suffix, anything-but, numeric, exists).'],
  ['two operators', json('{"t": [{"prefix": "a", "suffix": "b"}]}'), 'Filter policy: "t": a condition object must have exactly one operator'],
  ['an empty condition object', json('{"t": [{}]}'), 'Filter policy: "t": a condition object must have exactly one operator'],
  ['prefix not a string', json('{"t": [{"prefix": 1}]}'), 'Filter policy: "t": prefix must be a string.'],
  ['suffix not a string', json('{"a": {"b": [{"suffix": null}]}}'), 'Filter policy: "a.b": suffix must be a string.'],
  ['anything-but an object', json('{"t": [{"anything-but": {"numeric": [">", 1]}}]}'), 'Filter policy: "t": anything-but must be'],
  ['anything-but an empty array', json('{"t": [{"anything-but": []}]}'), 'Filter policy: "t": anything-but must be'],
  ['anything-but an array of objects', json('{"t": [{"anything-but": [{"prefix": "a"}]}]}'), 'Filter policy: "t": anything-but must be'],
  ['anything-but prefix not a string', json('{"t": [{"anything-but": {"prefix": 3}}]}'), 'Filter policy: "t": anything-but prefix must be a string.'],
  ['numeric not an array', json('{"n": [{"numeric": 5}]}'), 'Filter policy: "n": numeric must be [operator, number]'],
  ['numeric of three', json('{"n": [{"numeric": [">", 1, "<"]}]}'), 'Filter policy: "n": numeric must be [operator, number]'],
  ['numeric operator unknown', json('{"n": [{"numeric": ["==", 1]}]}'), 'Filter policy: "n": unknown numeric operator "==" (known: = != < <= > >=).'],
  ['numeric operand a string', json('{"n": [{"numeric": [">", "1"]}]}'), 'Filter policy: "n": numeric operands must be numbers.'],
  ['numeric operand a boolean', json('{"n": [{"numeric": [">", true]}]}'), 'Filter policy: "n": numeric operands must be numbers.'],
  ['range upper bound first', json('{"n": [{"numeric": ["<", 5, ">", 1]}]}'), 'Filter policy: "n": numeric must be [operator, number]'],
  ['range with =', json('{"n": [{"numeric": ["=", 5, "<", 6]}]}'), 'Filter policy: "n": numeric must be [operator, number]'],
  ['range empty', json('{"n": [{"numeric": [">", 5, "<", 1]}]}'), 'Filter policy: "n": the numeric range is empty'],
  ['range of one excluded point', json('{"n": [{"numeric": [">=", 5, "<", 5]}]}'), 'Filter policy: "n": the numeric range is empty'],
  ['exists not a boolean', json('{"k": [{"exists": 1}]}'), 'Filter policy: "k": exists must be true or false.'],
  ['six levels', json('{"a": {"b": {"c": {"d": {"e": {"f": [1]}}}}}}'), 'Filter policy: keys may nest at most 5 levels deep ("a.b.c.d.e" goes deeper).'],
  [
    'too many combinations',
    json('{"a": [1, 2, 3, 4, 5, 6], "b": [1, 2, 3, 4, 5], "c": {"d": [1, 2, 3, 4, 5, 6]}}'),
    'Filter policy: more than 150 combinations',
  ],
];

describe('notification/filter-policy', () => {
  describe('matchesFilterPolicy', () => {
    for (const [group, cases] of Object.entries(CASES)) {
      describe(group, () => {
        for (const c of cases) {
          it(`${c.policy} ${c.matches ? 'matches' : 'does not match'} ${c.body}`, () => {
            const policy = json(c.policy);
            validateFilterPolicy(policy);
            expect(matchesFilterPolicy(policy, parseJsonText(c.body))).to.equal(c.matches);
          });
        }
      });
    }

    it('looks into RawJson bodies and values (stored bodies)', () => {
      const policy = json('{"t": ["a"], "c": {"n": [{"numeric": [">", 1]}]}}');
      expect(matchesFilterPolicy(policy, new RawJson('{"t": "a", "c": {"n": 2.5}}'))).to.equal(true);
      expect(matchesFilterPolicy(policy, { t: 'a', c: new RawJson('{"n": 0.5}') })).to.equal(false);
      expect(matchesFilterPolicy(policy, { t: new RawJson('["b", "a"]'), c: { n: new JsonNumber('1.000000000000000000001') } })).to.equal(true);
    });

    it('an empty policy matches everything', () => {
      expect(matchesFilterPolicy({}, { a: 1 })).to.equal(true);
      expect(matchesFilterPolicy({}, null)).to.equal(true);
    });
  });

  describe('validateFilterPolicy', () => {
    for (const [label, policy, message] of ERRORS) {
      it(`refuses ${label}`, () => {
        expect(() => validateFilterPolicy(policy)).to.throw(FilterPolicyError, message);
      });
    }

    it('accepts the largest policies the limits allow', () => {
      expect(() => validateFilterPolicy(json('{"a": {"b": {"c": {"d": {"e": [1]}}}}}'))).not.to.throw();
      expect(() => validateFilterPolicy(json('{"a": [1, 2, 3, 4, 5, 6], "b": [1, 2, 3, 4, 5], "c": {"d": [1, 2, 3, 4, 5]}}'))).not.to.throw();
      expect(() => validateFilterPolicy(json('{"n": [{"numeric": [">=", 5, "<=", 5]}]}'))).not.to.throw();
      expect(() => validateFilterPolicy({})).not.to.throw();
    });
  });

  it('compareJsonNumbers is exact', () => {
    const n = (t: string): JsonNumber => new JsonNumber(t);
    const table: [number | JsonNumber, number | JsonNumber, number][] = [
      [1, 2, -1],
      [n('2.0'), 2, 0],
      [n('-0.0'), 0, 0],
      [n('1e2'), 100, 0],
      [n('0.001'), n('1e-3'), 0],
      [n('9007199254740993'), 9007199254740992, 1],
      [n('-9007199254740993'), -9007199254740992, -1],
      [n('123.456'), n('123.4560001'), -1],
      [1e21, n('1000000000000000000000'), 0],
      [-1, n('-0.5'), -1],
      [n('0.5'), -3, 1],
    ];
    const text = (x: number | JsonNumber): string => (x instanceof JsonNumber ? x.text : String(x));
    for (const [a, b, expected] of table) expect(compareJsonNumbers(a, b), `${text(a)} vs ${text(b)}`).to.equal(expected);
  });
});
