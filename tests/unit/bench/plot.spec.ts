import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { aggregate, formatValue, niceMax, parseResultArg, renderSvg, rowsOf } from '../../../tools/bench/plot';

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * A small XML well-formedness walk (no regex): prolog, comments, elements
 * with quoted attributes, balanced tags, entity references; throws on
 * anything else. Returns the root element.
 */
function parseXml(xml: string): Element {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const isName = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === ':' || c === '.';
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\t' || c === '\r';
  const skipSpace = () => {
    while (i < xml.length && isSpace(xml[i])) i++;
  };
  const name = () => {
    const start = i;
    while (i < xml.length && isName(xml[i])) i++;
    if (i === start) fail('name expected');
    return xml.slice(start, i);
  };
  const text = (end: string) => {
    let out = '';
    while (i < xml.length && !end.includes(xml[i])) {
      if (xml[i] === '&') {
        const semi = xml.indexOf(';', i);
        const entity = semi < 0 ? '' : xml.slice(i + 1, semi);
        const known: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
        if (!(entity in known)) fail('bad entity');
        out += known[entity];
        i = semi + 1;
      } else {
        if (xml[i] === '<' || xml[i] === '>') fail('raw < or >');
        out += xml[i++];
      }
    }
    return out;
  };
  if (xml.startsWith('<?xml')) {
    i = xml.indexOf('?>') + 2;
    if (i < 2) fail('unterminated prolog');
  }
  const stack: Element[] = [];
  let root: Element | undefined;
  for (;;) {
    skipSpace();
    if (i >= xml.length) break;
    if (xml[i] !== '<') {
      if (stack.length === 0) fail('text outside the root');
      stack[stack.length - 1].text += text('<');
      continue;
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
      continue;
    }
    if (xml[i + 1] === '/') {
      i += 2;
      const closing = name();
      skipSpace();
      if (xml[i] !== '>') fail('> expected');
      i++;
      const open = stack.pop();
      if (!open || open.name !== closing) fail(`</${closing}> closes <${open?.name}>`);
      continue;
    }
    i++;
    const element: Element = { name: name(), attrs: {}, children: [], text: '' };
    if (stack.length === 0) {
      if (root) fail('second root');
      root = element;
    } else stack[stack.length - 1].children.push(element);
    for (;;) {
      skipSpace();
      if (xml[i] === '/' && xml[i + 1] === '>') {
        i += 2;
        break;
      }
      if (xml[i] === '>') {
        i++;
        stack.push(element);
        break;
      }
      const attr = name();
      if (attr in element.attrs) fail('duplicate attribute');
      skipSpace();
      if (xml[i] !== '=') fail('= expected');
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('quote expected');
      i++;
      element.attrs[attr] = text(quote);
      if (xml[i] !== quote) fail('unterminated attribute');
      i++;
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) fail('no root');
  return root!;
}

function all(e: Element, name: string): Element[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];
}

const JSON_OUT = {
  tool: 'zaqar-ts tools/bench/run.js',
  url: 'http://127.0.0.1:8888',
  store: 'sqlite',
  results: [
    { scenario: 'producer-b1', msgs_per_s: 4990.2, req_per_s: 4990.2, latency_ms: { p50: 3, p90: 5, p99: 7.3, max: 12 }, errors: 0 },
    { scenario: 'e2e', msgs_per_s: 1000, req_per_s: 1500, latency_ms: { p50: 2, p90: 3, p99: 4.5, max: 9 }, errors: 0, e2e_ms: { p50: 3.4, p90: 6, p99: 10.3, max: 20 } },
  ],
};

// compare.sh results.jsonl: rounds interleaved, a label per line, the harness's field names.
const JSONL = [
  { scenario: 'producer-b1', label: 'ref', msgs_per_s: 600, lat_ms: { p99: 46 } },
  { scenario: 'producer-b1', label: 'ours', msgs_per_s: 3400, lat_ms: { p99: 10 } },
  { scenario: 'producer-b1', label: 'ref', msgs_per_s: 500, lat_ms: { p99: 58 } },
  { scenario: 'producer-b1', label: 'ours', msgs_per_s: 3200, lat_ms: { p99: 11 } },
  { scenario: 'producer-b1', label: 'ref', msgs_per_s: 700, lat_ms: { p99: 50 } },
  { scenario: 'producer-b1', label: 'ours', msgs_per_s: 3300, lat_ms: { p99: 12 } },
  { scenario: 'mixed', label: 'ref', msgs_per_s: 100, lat_ms: { p99: 20 }, e2e_ms: { p99: 40 } },
  { scenario: 'mixed', label: 'ours', msgs_per_s: 100, lat_ms: { p99: 5 }, e2e_ms: { p99: 9 } },
  { scenario: 'stats', label: 'ours', req_per_s: 7544, lat_ms: { p99: 4 } },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

describe('tools/bench/plot', () => {
  it('reads LABEL=path, a --json-out document and harness JSON lines', () => {
    expect(parseResultArg('sqlite=/tmp/a=b.json')).to.deep.equal({ label: 'sqlite', file: '/tmp/a=b.json' });
    expect(parseResultArg('/tmp/x=1/results.jsonl')).to.deep.equal({ file: '/tmp/x=1/results.jsonl' });
    const doc = rowsOf(JSON.stringify(JSON_OUT), '/tmp/run-1.json');
    expect(doc.map((r) => r.label)).to.deep.equal(['run-1', 'run-1']);
    expect(doc[1]).to.deep.equal({ label: 'run-1', scenario: 'e2e', throughput: 1000, p99: 4.5, e2eP99: 10.3 });
    const lines = rowsOf(JSONL, 'results.jsonl');
    expect(lines).to.have.length(9);
    expect(lines[8]).to.deep.equal({ label: 'ours', scenario: 'stats', throughput: 7544, p99: 4, e2eP99: undefined });
    expect(rowsOf(JSONL, 'results.jsonl', 'redis')[0].label).to.equal('redis/ref');
    expect(() => rowsOf('{"a": 1}\nnot json', 'bad.jsonl')).to.throw(/bad.jsonl:2/);
  });

  it('takes the median of the rounds and keeps their range', () => {
    const { labels, scenarios, get } = aggregate(rowsOf(JSONL, 'results.jsonl'));
    expect(labels).to.deep.equal(['ref', 'ours']);
    expect(scenarios).to.deep.equal(['producer-b1', 'mixed', 'stats']);
    expect(get('ref', 'producer-b1', 'throughput')).to.deep.equal({ median: 600, min: 500, max: 700, n: 3 });
    expect(get('ours', 'producer-b1', 'p99')).to.deep.equal({ median: 11, min: 10, max: 12, n: 3 });
    expect(get('ref', 'stats', 'throughput')).to.equal(undefined);
  });

  it('formats values and axis maxima', () => {
    expect([formatValue(123456), formatValue(12345), formatValue(842.4), formatValue(31.54), formatValue(4.271)]).to.deep.equal(['123k', '12.3k', '842', '31.5', '4.27']);
    expect([niceMax(0), niceMax(7), niceMax(1800), niceMax(2400), niceMax(4100)]).to.deep.equal([1, 10, 2000, 2500, 5000]);
  });

  it('draws valid SVG with a bar per label, scenario and metric, values, whiskers and a legend', () => {
    const rows = [...rowsOf(JSONL, 'results.jsonl'), ...rowsOf(JSON.stringify(JSON_OUT), 'x.json', 'sqlite & co')];
    const svg = renderSvg(rows, 'ours <vs> ref');
    const root = parseXml(svg);
    expect(root.name).to.equal('svg');
    expect(root.attrs.xmlns).to.equal('http://www.w3.org/2000/svg');
    expect(svg).not.to.contain('<script');
    expect(svg).not.to.contain('@import');
    const bars = all(root, 'rect').filter((r) => r.attrs.class === 'bar');
    const bar = (label: string, scenario: string, metric: string) =>
      bars.filter((b) => b.attrs['data-label'] === label && b.attrs['data-scenario'] === scenario && b.attrs['data-metric'] === metric);
    expect(bar('ref', 'producer-b1', 'throughput')).to.have.length(1);
    expect(bar('ref', 'producer-b1', 'throughput')[0].attrs['data-value']).to.equal('600');
    expect(bar('ours', 'stats', 'throughput')[0].attrs['data-value']).to.equal('7544');
    expect(bar('ref', 'stats', 'throughput')).to.have.length(0);
    expect(bar('ours', 'mixed', 'e2eP99')[0].attrs['data-value']).to.equal('9');
    expect(bar('sqlite & co', 'e2e', 'e2eP99')[0].attrs['data-value']).to.equal('10.3');
    expect(bar('sqlite & co', 'producer-b1', 'p99')[0].attrs['data-value']).to.equal('7.3');
    // throughput: 2 labels × producer-b1 + 2 × mixed + stats + 2 from the document; latency: p99 and e2e p99 where present.
    expect(bars.filter((b) => b.attrs['data-metric'] === 'throughput')).to.have.length(7);
    expect(bars.filter((b) => b.attrs['data-metric'] === 'p99')).to.have.length(7);
    expect(bars.filter((b) => b.attrs['data-metric'] === 'e2eP99')).to.have.length(3);
    // Whiskers only where there are several rounds: producer-b1 × 2 labels × (throughput, p99).
    expect(all(root, 'path').filter((p) => p.attrs.class === 'whisker')).to.have.length(4);
    const texts = all(root, 'text').map((t) => t.text);
    for (const expected of ['ours <vs> ref', 'ref', 'ours', 'sqlite & co', 'producer-b1', 'mixed', 'stats', 'e2e', '600', '3300', '7544', '10.3', 'ms', 'request p99'])
      expect(texts, expected).to.include(expected);
    expect(texts.some((t) => t.startsWith('msgs/s'))).to.equal(true);
    expect(texts.some((t) => t.startsWith('Throughput'))).to.equal(true);
    expect(texts.some((t) => t.startsWith('Latency p99'))).to.equal(true);
    expect(texts.some((t) => t.startsWith('e2e p99'))).to.equal(true);
  });

  it('plot.js writes the figure from files given on the command line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zaqar-ts-plot-'));
    try {
      writeFileSync(path.join(dir, 'results.jsonl'), JSONL);
      writeFileSync(path.join(dir, 'run.json'), JSON.stringify(JSON_OUT));
      const out = path.join(dir, 'figure.svg');
      const script = path.resolve(__dirname, '..', '..', '..', 'tools', 'bench', 'plot.js');
      const run = spawnSync(process.execPath, [script, '--out', out, path.join(dir, 'results.jsonl'), `embedded=${path.join(dir, 'run.json')}`], { encoding: 'utf8' });
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stderr).to.contain('3 labels (ref, ours, embedded)');
      const root = parseXml(readFileSync(out, 'utf8'));
      expect(all(root, 'rect').filter((r) => r.attrs['data-label'] === 'embedded')).to.have.length(5);
      expect(spawnSync(process.execPath, [script], { encoding: 'utf8' }).status).to.equal(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the well-formedness check rejects broken XML', () => {
    expect(() => parseXml('<svg><g></svg>')).to.throw(/closes/);
    expect(() => parseXml('<svg a="1 & 2"/>')).to.throw(/entity/);
    expect(() => parseXml('<svg><text>a < b</text></svg>')).to.throw();
    expect(() => parseXml('<svg>')).to.throw(/unclosed/);
  });
});
