/**
 * Finding the Identity v3 root in Keystone's version list, and endpoints
 * in a service catalog by type, interface and region.
 */
import { expect } from 'chai';
import { endpointFor, normalizeInterface } from '../../../plugins/auth/keystone/catalog';
import { v3FromVersionList } from '../../../plugins/auth/keystone/discovery';

describe('auth/keystone: version discovery and the catalog', () => {
  it("takes the v3 self link of Keystone's version list (GET / answers 300)", () => {
    const list = {
      versions: {
        values: [
          { id: 'v2.0', status: 'deprecated', links: [{ rel: 'self', href: 'http://ks:5000/v2.0/' }] },
          { id: 'v3.14', status: 'stable', links: [{ rel: 'describedby', href: 'x' }, { rel: 'self', href: 'http://ks:5000/v3/' }] },
        ],
      },
    };
    expect(v3FromVersionList(list)).to.equal('http://ks:5000/v3');
    expect(v3FromVersionList({ versions: [{ id: 'v3.0', links: [{ rel: 'self', href: 'http://ks/identity/v3' }] }] })).to.equal('http://ks/identity/v3');
    expect(v3FromVersionList({ versions: { values: [{ id: 'v2.0', links: [{ rel: 'self', href: 'x' }] }] } })).to.equal(undefined);
    expect(v3FromVersionList(undefined)).to.equal(undefined);
  });

  const catalog = [
    { type: 'messaging', name: 'zaqar', endpoints: [{ interface: 'public', url: 'http://zaqar:8888', region_id: 'RegionOne', region: 'RegionOne' }] },
    {
      type: 'identity',
      name: 'keystone',
      endpoints: [
        { interface: 'public', url: 'http://public:5000/v3', region_id: 'RegionOne' },
        { interface: 'internal', url: 'http://internal:5000/v3', region_id: 'RegionOne' },
        { interface: 'internal', url: 'http://internal-two:5000/v3', region_id: 'RegionTwo' },
      ],
    },
  ];

  it('finds an endpoint by type, interface (publicURL = public) and region', () => {
    expect(endpointFor(catalog, { type: 'identity', interface: 'internal' })).to.equal('http://internal:5000/v3');
    expect(endpointFor(catalog, { type: 'identity', interface: 'internal', region: 'RegionTwo' })).to.equal('http://internal-two:5000/v3');
    expect(endpointFor(catalog, { type: 'identity', interface: 'publicURL' })).to.equal('http://public:5000/v3');
    expect(endpointFor(catalog, { type: 'identity', interface: 'admin' })).to.equal(undefined);
    expect(endpointFor(catalog, { type: 'messaging', interface: 'public', name: 'zaqar' })).to.equal('http://zaqar:8888');
    expect(endpointFor(catalog, { type: 'messaging', interface: 'public', name: 'other' })).to.equal(undefined);
    expect(endpointFor(undefined, { type: 'identity', interface: 'public' })).to.equal(undefined);
    expect(normalizeInterface('internalURL')).to.equal('internal');
  });
});
