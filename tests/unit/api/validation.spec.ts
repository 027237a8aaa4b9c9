import { expect } from 'chai';
import { acceptsJson } from '../../../plugins/transport/wsgi/http/media-stage';
import { normalizeClientId, ValidationFailed, Validator } from '../../../zaqar/api/validation';
import { LIMITS } from '../../helpers/limits';
import { parseJsonText } from '../../../zaqar/common/json';


describe('api/validation', () => {
  const v = new Validator(LIMITS);

  it('queue names: 1-64 of [A-Za-z0-9_.-]', () => {
    expect(() => v.queueIdentification('a.b-c_D9', 'p')).not.to.throw();
    expect(() => v.queueIdentification('', 'p')).to.throw(ValidationFailed);
    expect(() => v.queueIdentification('a'.repeat(65), 'p')).to.throw('Queue names may not be more than 64 characters long.');
    expect(() => v.queueIdentification('a b', 'p')).to.throw('Queue names may only contain ASCII letters, digits, underscores, and dashes.');
    expect(() => v.queueIdentification('q', 'p'.repeat(257))).to.throw('Project ids may not be more than 256 characters long.');
  });

  it('client ids: UUIDs the way Python parses them', () => {
    for (const ok of ['3381af92-2b9e-11e3-b191-71861300734c', '3381AF922B9E11E3B19171861300734C', '{3381af92-2b9e-11e3-b191-71861300734c}', 'urn:uuid:3381af92-2b9e-11e3-b191-71861300734c']) {
      expect(() => v.clientIdUuidSafe(ok), ok).not.to.throw();
    }
    expect(() => v.clientIdUuidSafe('3381af92')).to.throw(ValidationFailed);
    expect(normalizeClientId('3381AF922B9E11E3B19171861300734C')).to.equal('3381af92-2b9e-11e3-b191-71861300734c');
    expect(normalizeClientId('free-text-id')).to.equal('free-text-id');
    const off = new Validator({ ...LIMITS, client_id_uuid_safe: 'off' });
    expect(() => off.clientIdUuidSafe('short')).to.throw('Length of client id must be at least 10 and no greater than 36.');
    expect(() => off.clientIdUuidSafe('long-enough-id')).not.to.throw();
  });

  it('reserved metadata: Python truthiness for types, ranges for everything not None', () => {
    expect(() => v.queueMetadataPutting({ _default_message_ttl: 0 })).to.throw(
      '_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long.',
    );
    expect(() => v.queueMetadataPutting({ _default_message_ttl: null })).not.to.throw();
    expect(() => v.queueMetadataPutting(parseJsonText('{"_default_message_ttl": 60.5}') as Record<string, unknown>)).to.throw(
      '_default_message_ttl must be integer.',
    );
    expect(() => v.queueMetadataPutting({ _max_messages_post_size: 262145 })).to.throw(
      '_max_messages_post_size can not exceed 262144,  and must be at least greater than 0.',
    );
    expect(() => v.queueMetadataPutting({ _default_message_delay: 901 })).to.throw(
      'The TTL can not exceed 900 seconds, and must be at least 0 seconds long.',
    );
    expect(() => v.queueMetadataPutting({ _enable_encrypt_messages: 1 })).to.throw('_enable_encrypt_messages must be boolean.');
    expect(() => v.queueMetadataPutting({ _retry_policy: { minimum_delay: 10, maximum_delay: 15 } })).to.throw(
      'invalid minimum_delay and maximum_delay.',
    );
  });

  it('JSON patch documents', () => {
    expect(v.queuePatching([{ op: 'add', path: '/metadata/k', value: 1 }])).to.deep.equal([{ op: 'add', path: ['metadata', 'k'], value: 1 }]);
    expect(() => v.queuePatching([{ path: '/metadata/k' }])).to.throw('Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.');
    expect(() => v.queuePatching([{ op: 'move', path: '/metadata/k' }])).to.throw('Invalid operation: `move`.');
    expect(() => v.queuePatching([{ op: 'add', path: 'metadata/k', value: 1 }])).to.throw('Pointer `metadata/k` does not start with "/".');
    expect(() => v.queuePatching([{ op: 'add', path: '/metadata/k/x', value: 1 }])).to.throw("Invalid JSON pointer for this resource: '/metadata/k/x, e.g /metadata/key'");
    expect(() => v.queuePatching([{ op: 'add', path: '/meta/k', value: 1 }])).to.throw('The root of path must be metadata, e.g /metadata/key.');
    expect(() => v.queuePatching([{ op: 'replace', path: '/metadata/k' }])).to.throw('Operation "replace" requires a member named "value".');
    expect(v.queuePatching([{ op: 'remove', path: '/anything/k~1x' }])[0].path).to.deep.equal(['anything', 'k/x']);
  });

  it('message deletion rules in the reference order', () => {
    expect(() => v.messageDeletion(['a'], 1, undefined)).to.throw('pop and id params cannot be present together in the delete request.');
    expect(() => v.messageDeletion(undefined, undefined, undefined)).to.throw('The request should have either "ids" or "pop" parameter');
    expect(() => v.messageDeletion(new Array(21).fill('x'), undefined, undefined)).to.throw('ids parameter should have at least 1 and not greater than 20 values.');
    const strict = new Validator({ ...LIMITS, message_delete_with_claim_id: true });
    expect(() => strict.messageDeletion(['a'], undefined, undefined)).to.throw('The request should have both "ids" and "claim_ids"');
  });

  it('purge resource types, Python set semantics', () => {
    expect(v.queuePurging({ resource_types: ['messages'] })).to.deep.equal(['messages']);
    expect(() => v.queuePurging({})).to.throw('Post body must contain key "resource_types".');
    expect(() => v.queuePurging({ resource_types: 'messages' })).to.throw("Resource types must be a sub set of {'messages', 'subscriptions'}.");
  });

  it('Accept negotiation like falcon', () => {
    expect(acceptsJson(undefined)).to.equal(true);
    expect(acceptsJson('*/*')).to.equal(true);
    expect(acceptsJson('application/*')).to.equal(true);
    expect(acceptsJson('text/html, application/json;q=0.1')).to.equal(true);
    expect(acceptsJson('text/html')).to.equal(false);
    expect(acceptsJson('application/*;q=0')).to.equal(false);
  });
});
