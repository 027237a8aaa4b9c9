import { expect } from 'chai';
import { HttpError } from '../../../../plugins/transport/wsgi/http/errors';
import { QueryParams, toQueryString } from '../../../../plugins/transport/wsgi/http/query';

describe('transport/wsgi/query (falcon query-string rules)', () => {
  it('drops blank values', () => {
    const q = QueryParams.parse('limit=&marker=m');
    expect(q.has('limit')).to.equal(false);
    expect(q.getString('marker')).to.equal('m');
  });
  it('splits commas before decoding and accumulates repeats', () => {
    const q = QueryParams.parse('ids=a,b&ids=c&x=1%2C2');
    expect(q.getList('ids')).to.deep.equal(['a', 'b', 'c']);
    expect(q.getString('x')).to.equal('1,2');
  });
  it('parses ints and booleans with Zaqar\'s errors', () => {
    const q = QueryParams.parse('limit=5&echo=yes&bad=x&no=off');
    expect(q.getInt('limit')).to.equal(5);
    expect(q.getBool('echo')).to.equal(true);
    expect(q.getBool('no')).to.equal(false);
    expect(() => q.getInt('bad')).to.throw(HttpError).with.property('description', 'The "bad" parameter is invalid. The value must be an integer.');
    expect(() => q.getBool('bad')).to.throw(HttpError).with.property('status', 400);
  });
  it('renders next links like falcon.to_query_str', () => {
    expect(toQueryString({ marker: 'a b/c', limit: 5, detailed: true, x: ['a', 'b'], skip: undefined })).to.equal(
      '?marker=a%20b%2Fc&limit=5&detailed=true&x=a,b',
    );
    expect(toQueryString({})).to.equal('');
  });
});
