/**
 * How the API answers when storage fails: Zaqar's 503 body, the cause
 * logged once with the request id, never a 500 or a stack trace to the client.
 */
import { expect } from 'chai';
import * as sinon from 'sinon';
import { noauth } from '../../../../plugins/auth/noauth/strategy';
import { HttpApi } from '../../../../plugins/transport/wsgi/http/api';
import type { HttpRequest } from '../../../../plugins/transport/wsgi/http/model';
import { QueryParams } from '../../../../plugins/transport/wsgi/http/query';
import type { Route } from '../../../../plugins/transport/wsgi/http/routes';
import { Operations } from '../../../../zaqar/api/operations';
import { RequestPipeline } from '../../../../zaqar/api/request/pipeline';
import { authenticationStage } from '../../../../zaqar/api/request/stages/authentication';
import { extraSpecStage } from '../../../../zaqar/api/request/stages/extra-spec';
import { identificationStage } from '../../../../zaqar/api/request/stages/identification';
import { identityStage } from '../../../../zaqar/api/request/stages/identity';
import { policyStage, type PolicyChecker } from '../../../../zaqar/api/request/stages/policy';
import { signedUrlStage } from '../../../../zaqar/api/request/stages/signed-url';
import { MessageCipher } from '../../../../zaqar/api/rules/encryption';
import { Validator } from '../../../../zaqar/api/validation';
import type { Logger } from '../../../../zaqar/common/logger';
import { ConnectionError } from '../../../../zaqar/storage/errors';
import type { Storage } from '../../../../zaqar/storage/storage';
import { LIMITS } from '../../../helpers/limits';

function request(method: string, path: string, params: Record<string, string>, body?: unknown): HttpRequest {
  const text = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { 'client-id': '3381af92-2b9e-11e3-b191-71861300734c', 'x-project-id': 'p' };
  return {
    method,
    path,
    relativeUri: path,
    params,
    query: QueryParams.parse(''),
    header: (name) => headers[name],
    contentLength: text?.length,
    body: text,
    requestId: 'req-test',
  };
}

describe('transport/wsgi: storage failures', () => {
  function apiWith(storage: Partial<Storage>) {
    const logger: Logger = { debug: sinon.spy(), info: sinon.spy(), warn: sinon.spy(), error: sinon.spy(), child: () => logger };
    const limits = { ...LIMITS, default_message_ttl: 3600, default_message_delay: 0, default_claim_ttl: 300, default_claim_grace: 60, default_subscription_ttl: 3600 };
    const validator = new Validator(limits);
    const policy: PolicyChecker = { enforce: () => true };
    const operations = new Operations({
      storage: storage as Storage,
      validator,
      settings: { limits, enableChecksum: false, secretKey: undefined, encryptionKey: 'AES256' },
      cipher: new MessageCipher('AES256'),
      logger,
    });
    const pipeline = new RequestPipeline([
      signedUrlStage(undefined),
      authenticationStage(noauth),
      identityStage,
      identificationStage(validator),
      extraSpecStage,
      policyStage(policy),
    ]);
    const api = new HttpApi({ operations, pipeline, logger, adminMode: false, pooling: false, deprecatedVersions: [], limits });
    const route = (path: string): Route => api.routes.find((r) => r.path === path) as Route;
    return { api, logger, route, policy };
  }

  it('answers 503 with Zaqar\'s body when the message store is down, and logs the cause with the request id', async () => {
    const down = new ConnectionError('connection refused');
    const { api, logger, route } = apiWith({
      queues: { getMetadata: sinon.stub().resolves({}) } as unknown as Storage['queues'],
      messages: { post: sinon.stub().rejects(down) } as unknown as Storage['messages'],
    });
    const reply = await api.handle(route('/v2/queues/:queue_name/messages'), request('POST', '/v2/queues/q/messages', { queue_name: 'q' }, { messages: [{ body: 1 }] }));
    expect(reply.status).to.equal(503);
    expect(reply.body).to.deep.equal({
      title: 'Service temporarily unavailable',
      description: 'Messages could not be enqueued. Please try again in a few seconds.',
    });
    const error = logger.error as sinon.SinonSpy;
    expect(error.calledOnce).to.equal(true);
    expect(error.firstCall.args[0]).to.include({ requestId: 'req-test', err: down });
  });

  it('turns an unexpected exception into 500 "Internal server error" with its message, no stack', async () => {
    const { api, route, policy } = apiWith({});
    policy.enforce = () => {
      throw new Error('policy engine exploded');
    };
    const reply = await api.handle(route('/v2/queues/:queue_name'), request('GET', '/v2/queues/q', { queue_name: 'q' }));
    expect(reply.status).to.equal(500);
    expect(reply.body).to.deep.equal({ title: 'Internal server error', description: 'policy engine exploded' });
  });

  it('answers ping with 503 (empty body) when the store is not alive', async () => {
    const { api, route } = apiWith({ isAlive: sinon.stub().resolves(false) });
    const reply = await api.handle(route('/v2/ping'), request('GET', '/v2/ping', {}));
    expect(reply).to.deep.equal({ status: 503 });
  });
});
