/**
 * What the MongoDB stores must compute exactly as Zaqar's Python does:
 * float text (`repr`), the partition of a queue (`binascii.crc32`), and
 * the mapping of JSON to BSON and back, with the sidecar for JSON that
 * BSON alone would not give back. Python values are checked against the
 * system python3 when there is one (and against recorded values always).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { Double, Int32, Long } from 'mongodb';
import { bsonInteger, fromBson, toBson } from '../../../plugins/storage/mongodb/bson-json';
import { escapeRegex, parseScope, partitionOf, projectScopeFilter, scopeOf } from '../../../plugins/storage/mongodb/scope';
import { encodeJson, storedJsonText, storedJsonValue } from '../../../plugins/storage/mongodb/sidecar';
import { dumpJson, JsonNumber, parseJsonText, RawJson } from '../../../zaqar/common/json';
import { skipUnlessAvailable } from '../../../tools/services/process';
import { pythonJsonFloat } from '../../../zaqar/common/python';

/**
 * Runs a python3 program reading JSON on stdin and printing JSON. Without a
 * working python3 the test skips with the reason (fails under CI=true).
 */
function python(context: Mocha.Context, program: string, input: unknown): unknown {
  const run = spawnSync('python3', ['-c', program], { input: JSON.stringify(input), encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) {
    skipUnlessAvailable(context, `python3 did not run (${run.error?.message ?? run.stderr.trim()}): install python3 to compare with Python`);
  }
  return JSON.parse(run.stdout);
}

describe('storage/mongodb: Python-exact computations', () => {
  describe('pythonJsonFloat', () => {
    const recorded: [number, string][] = [
      [1.0, '1.0'],
      [2.5, '2.5'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [1234567890123456.0, '1234567890123456.0'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1e-7, '1e-07'],
      [1e100, '1e+100'],
      [123.456, '123.456'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-0, '-0.0'],
      [0.1 + 0.2, '0.30000000000000004'],
      [9007199254740993, '9007199254740992.0'],
      [100, '100.0'],
      [1e22, '1e+22'],
      [12345678901234567890, '1.2345678901234567e+19'],
      [NaN, 'NaN'],
      [-Infinity, '-Infinity'],
    ];

    it('writes floats as Python does (recorded values)', () => {
      for (const [x, text] of recorded) expect(pythonJsonFloat(x), text).to.equal(text);
    });

    it('agrees with python3 on 3000 random doubles of every magnitude', function () {
      // Random bit patterns cover every exponent; the hex of the IEEE bits travels exactly.
      const view = new DataView(new ArrayBuffer(8));
      const values: number[] = [];
      const bits: string[] = [];
      while (values.length < 3000) {
        for (let i = 0; i < 8; i++) view.setUint8(i, Math.floor(Math.random() * 256));
        const x = view.getFloat64(0);
        if (!Number.isFinite(x)) continue;
        values.push(x);
        bits.push(Buffer.from(view.buffer).toString('hex'));
      }
      const reprs = python(
        this,
        'import json,struct,sys; print(json.dumps([repr(struct.unpack(">d", bytes.fromhex(h))[0]) for h in json.load(sys.stdin)]))',
        bits,
      ) as string[];
      expect(values.map(pythonJsonFloat)).to.deep.equal(reprs);
    });
  });

  describe('partitionOf', () => {
    const cases: [string | null, string, number][] = [
      ['tenant-a', 'fizbit', 2856816624],
      [null, 'fizbit', 1472946853],
      ['7a2b', 'очередь', 2963884406],
      ['p', 'q', 1239689891],
    ];

    it('is crc32(utf8(project + queue)) % partitions (recorded values)', () => {
      for (const [project, queue, crc] of cases) {
        for (const partitions of [1, 2, 7]) expect(partitionOf(queue, project, partitions)).to.equal(crc % partitions);
      }
    });

    it("agrees with python3's binascii.crc32", function () {
      const names = [...cases.map(([p, q]) => [p, q]), ['ünïcödé-project', 'q.1_x-y'], [null, 'a'.repeat(64)], ['x'.repeat(256), 'z']];
      const expected = python(
        this,
        'import binascii,json,sys; print(json.dumps([binascii.crc32(((p or "") + q).encode("utf-8")) % 5 for p, q in json.load(sys.stdin)]))',
        names,
      ) as number[];
      expect(names.map(([p, q]) => partitionOf(q as string, p, 5))).to.deep.equal(expected);
    });
  });

  describe('queue scopes', () => {
    it('are "<project>/<queue>", "/<queue>" in the global namespace', () => {
      expect(scopeOf('fizbit', 'tenant-a')).to.equal('tenant-a/fizbit');
      expect(scopeOf('fizbit', null)).to.equal('/fizbit');
      expect(parseScope('tenant-a/fizbit')).to.deep.equal({ project: 'tenant-a', queue: 'fizbit' });
      expect(parseScope('/fizbit')).to.deep.equal({ project: null, queue: 'fizbit' });
    });

    it('list a project literally: regex metacharacters in names and projects match themselves', () => {
      const matches = (project: string | null, name: string | undefined, scope: string) => {
        const filter = projectScopeFilter(project, { nameContains: name }) as { p_q: { $regex: string; $gte: string; $lt: string } };
        const { $regex, $gte, $lt } = filter.p_q;
        return new RegExp($regex).test(scope) && scope >= $gte && scope < $lt;
      };
      expect(matches('tenant', 'a.c', 'tenant/abc')).to.equal(false);
      expect(matches('tenant', 'a.c', 'tenant/xa.cy')).to.equal(true);
      expect(matches('a+b', undefined, 'a+b/q')).to.equal(true);
      expect(matches('a+b', undefined, 'aab/q')).to.equal(false);
      expect(matches('a', undefined, 'a/b/q')).to.equal(false); // a queue of project "a/b"
      expect(matches(null, undefined, '/global')).to.equal(true);
      expect(matches(null, undefined, 'tenant/q')).to.equal(false);
      expect(escapeRegex('.*+?^${}()|[]\\/')).to.equal('\\.\\*\\+\\?\\^\\$\\{\\}\\(\\)\\|\\[\\]\\\\\\/');
    });

    it('filter metadata by BSON value', () => {
      expect(projectScopeFilter('p', { filters: { color: 'red', n: new JsonNumber('2.50') } })).to.deep.include({
        'm.color': { $eq: 'red' },
        'm.n': { $eq: new Double(2.5) },
      });
    });
  });

  describe('JSON ↔ BSON', () => {
    it('stores numbers as pymongo does: Int32, else Int64; floats as doubles', () => {
      const { value, exact } = toBson({
        small: 42,
        int64: 9007199254740991,
        max: new JsonNumber('9223372036854775807'),
        min: new JsonNumber('-9223372036854775808'),
        one: new JsonNumber('1.0'),
        exp: new JsonNumber('1e+100'),
      });
      expect(exact).to.equal(true);
      const doc = value as Record<string, unknown>;
      expect(doc.small).to.be.instanceOf(Int32);
      expect(doc.int64).to.be.instanceOf(Long);
      expect(String(doc.max)).to.equal('9223372036854775807');
      expect(String(doc.min)).to.equal('-9223372036854775808');
      expect(doc.one).to.deep.equal(new Double(1));
      expect(doc.exp).to.deep.equal(new Double(1e100));
      expect(dumpJson(fromBson(value))).to.equal(
        '{"small": 42, "int64": 9007199254740991, "max": 9223372036854775807, "min": -9223372036854775808, "one": 1.0, "exp": 1e+100}',
      );
    });

    it('flags JSON that BSON would not give back', () => {
      const inexact = [
        new JsonNumber('2.50'),
        new JsonNumber('1E5'),
        new JsonNumber('-0.0'),
        new JsonNumber('1e999'),
        'lone \ud800 surrogate',
        { $set: 1 },
        { 'a.b': 1 },
        { 'nul\u0000key': 1 },
        [1, { deep: [new JsonNumber('0.10')] }],
      ];
      for (const value of inexact) expect(toBson(value).exact, dumpJson(value)).to.equal(false);
      for (const value of [{ a: [1, 'x', null, true] }, new JsonNumber('0.1'), 'text', { '': 1, 'ключ': 'значение' }]) {
        expect(toBson(value).exact, dumpJson(value)).to.equal(true);
      }
      expect(toBson({ $x: 1, 'a.b': 2 }).value).to.deep.equal({ '\uFF04x': new Int32(1), 'a\uFF0Eb': new Int32(2) });
      expect(toBson(new JsonNumber('1e999')).value).to.equal(null);
    });

    it('keeps the exact text beside inexact values, and only there', () => {
      const body = { x: new JsonNumber('2.50'), 'a.b': 1, n: 1 };
      const stored = encodeJson(body);
      expect(stored.text).to.equal(dumpJson(body));
      expect(storedJsonText(stored.bson, stored.text)).to.equal('{"x": 2.50, "a.b": 1, "n": 1}');
      expect(encodeJson({ n: 1, f: new JsonNumber('1.5') })).to.not.have.property('text');
      expect(storedJsonText(toBson(new RawJson('{"a": [1, 2.0]}')).value, undefined)).to.equal('{"a": [1, 2.0]}');
    });

    it('trusts a sidecar only while it describes the BSON beside it', () => {
      const stored = encodeJson({ ratio: new JsonNumber('2.50') });
      // The sign of zero and integer widths may change in storage.
      expect(storedJsonText(toBson({ ratio: new JsonNumber('2.5') }).value, stored.text)).to.equal('{"ratio": 2.50}');
      expect(storedJsonText({ z: new Double(0) }, encodeJson({ z: new JsonNumber('-0.0') }).text)).to.equal('{"z": -0.0}');
      // Another writer (the Python server) replaced the metadata: the BSON wins.
      expect(storedJsonText({ ratio: new Double(3) }, stored.text)).to.equal('{"ratio": 3.0}');
      expect(storedJsonValue({ ratio: new Double(3), extra: 'x' }, stored.text)).to.deep.equal({ ratio: new JsonNumber('3.0'), extra: 'x' });
      expect(storedJsonValue(stored.bson, stored.text)).to.deep.equal(parseJsonText('{"ratio": 2.50}'));
    });

    it('reads what pymongo writes: doubles in repr form, int64 exactly, odd types readably', () => {
      expect(fromBson(new Double(3))).to.deep.equal(new JsonNumber('3.0'));
      expect(fromBson(Long.fromString('-9223372036854775808'))).to.deep.equal(new JsonNumber('-9223372036854775808'));
      expect(fromBson(Long.fromNumber(12))).to.equal(12);
      expect(fromBson(new Date(Date.UTC(2030, 0, 1)))).to.equal('2030-01-01T00:00:00.000Z');
      expect(bsonInteger(2 ** 31)).to.be.instanceOf(Long);
      expect(bsonInteger(2 ** 31 - 1)).to.be.instanceOf(Int32);
    });

    it('keeps a "__proto__" key as a key', () => {
      const body = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
      const { value } = toBson(body);
      expect(Object.keys(value as object)).to.deep.equal(['__proto__', 'a']);
      expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
      expect(dumpJson(fromBson(value))).to.equal('{"__proto__": {"x": 1}, "a": 2}');
    });
  });
});
