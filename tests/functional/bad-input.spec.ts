/**
 * Every class of bad input gets Zaqar's status code and error body, never a
 * 500 (over real sockets, against a real server process).
 */
import { expect } from 'chai';
import { connect } from 'node:net';
import { ZaqarClient } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';

/** A raw HTTP/1.1 exchange over a socket, for what clients cannot send (no body and no Content-Length on PATCH). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body = '') {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const head = Object.entries({ Host: hostname, Connection: 'close', ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.end(`${method} ${path} HTTP/1.1\r\n${head}\r\n${body}`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => (data += c));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), text: rest.join('\r\n\r\n') });
    });
  });
}

describe('functional: bad input', function () {
  let server: RunningServer;
  let client: ZaqarClient;

  before(async () => {
    server = await startServer();
    client = new ZaqarClient(server.url, 'bad-input');
    await client.put('/v2/queues/q');
  });
  after(async () => server.cleanup());

  function expectError(reply: { status: number; json: any }, status: number, title: string, description?: string) {
    expect(reply.status, JSON.stringify(reply.json)).to.equal(status);
    expect(reply.json.title).to.equal(title);
    if (description !== undefined) expect(reply.json.description).to.equal(description);
  }

  describe('malformed JSON', () => {
    it('rejects unparseable message bodies', async () => {
      expectError(await client.post('/v2/queues/q/messages', { body: '{"messages": [' }), 400, 'Invalid request body', 'Request body could not be parsed.');
    });
    it('rejects invalid UTF-8', async () => {
      const reply = await client.post('/v2/queues/q/messages', { body: Buffer.from([0x7b, 0xff, 0x7d]) });
      expectError(reply, 400, 'Invalid request body', 'Request body could not be parsed.');
    });
    it('rejects a top-level scalar', async () => {
      expectError(await client.put('/v2/queues/q2', { body: '42' }), 400, 'Invalid request body', 'Request body could not be parsed.');
    });
    it('rejects integers outside signed 64 bits', async () => {
      const reply = await client.post('/v2/queues/q/messages', { body: '{"messages": [{"body": 9223372036854775808}]}' });
      expectError(reply, 400, 'Invalid request body', 'JSON contains integer that is too large.');
    });
    it('accepts integers at the signed 64-bit limit and returns them exactly', async () => {
      const post = await client.post('/v2/queues/big/messages', { body: '{"messages": [{"body": {"n": 9223372036854775807, "f": 1.0}}]}' });
      expect(post.status).to.equal(201);
      const got = await client.get(post.json.resources[0]);
      expect(got.text).to.contain('"n": 9223372036854775807').and.to.contain('"f": 1.0');
    });
    it('rejects an empty claim PATCH body and a missing one', async () => {
      const noBody = await raw(server.url, 'PATCH', '/v2/queues/q/claims/x', { 'Client-ID': client.clientId, 'X-Project-ID': 'bad-input' });
      expect(noBody.status).to.equal(400);
      expect(JSON.parse(noBody.text)).to.deep.equal({ title: 'Invalid request body', description: 'Request body can not be empty' });
      const zero = await raw(server.url, 'PATCH', '/v2/queues/q/claims/x', {
        'Client-ID': client.clientId,
        'X-Project-ID': 'bad-input',
        'Content-Length': '0',
      });
      expect(JSON.parse(zero.text)).to.deep.equal({ title: 'Invalid request body', description: 'Request body could not be parsed.' });
    });
  });

  describe('wrong types and shapes', () => {
    it('rejects a non-integer ttl (floats and strings)', async () => {
      for (const ttl of ['60.0', '"60"', 'null']) {
        const reply = await client.post('/v2/queues/q/messages', { body: `{"messages": [{"ttl": ${ttl}, "body": 1}]}` });
        expectError(reply, 400, 'Invalid request body', 'The value of the "ttl" field must be a int.');
      }
    });
    it('requires a body field', async () => {
      expectError(await client.post('/v2/queues/q/messages', { body: { messages: [{ ttl: 60 }] } }), 400, 'Invalid request body', 'Missing "body" field.');
    });
    it('rejects messages that are not a list, and list items that are not objects', async () => {
      expectError(await client.post('/v2/queues/q/messages', { body: { messages: {} } }), 400, 'Invalid request body', 'Document type not supported.');
      expectError(await client.post('/v2/queues/q/messages', { body: { messages: [1] } }), 400, 'Invalid request body', 'Document type not supported.');
    });
    it('reports a missing messages key', async () => {
      expectError(await client.post('/v2/queues/q/messages', { body: [{ body: 1 }] }), 400, 'Invalid API request', 'No messages were found in the request body.');
    });
    it('rejects an array as queue metadata', async () => {
      expectError(await client.put('/v2/queues/q3', { body: [] }), 400, 'Invalid request body', 'Document type not supported.');
    });
    it('rejects reserved metadata of the wrong type', async () => {
      expectError(await client.put('/v2/queues/q4', { body: { _default_message_ttl: 'x' } }), 400, 'Invalid API request', '_default_message_ttl must be integer.');
    });
    it('rejects bad query parameters', async () => {
      expectError(await client.get('/v2/queues?limit=abc'), 400, 'Invalid parameter', 'The "limit" parameter is invalid. The value must be an integer.');
      expectError(await client.get('/v2/queues?detailed=maybe'), 400, 'Invalid parameter', 'The "detailed" parameter is invalid. The value of the parameter must be "true" or "false".');
    });
    it('rejects a PATCH with the wrong media type and an object body', async () => {
      const wrong = await client.patch('/v2/queues/q', { body: [], headers: { 'Content-Type': 'application/json' } });
      expect(wrong.status).to.equal(415);
      const object = await client.patch('/v2/queues/q', {
        body: {},
        headers: { 'Content-Type': 'application/openstack-messaging-v2.0-json-patch' },
      });
      expectError(object, 400, 'Invalid request body', 'Document type not supported.');
    });
    it('rejects form-encoded bodies', async () => {
      const reply = await client.post('/v2/queues/q/messages', { body: 'a=b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expectError(reply, 400, 'Invalid Content-Type');
    });
  });

  describe('oversize bodies', () => {
    it('rejects a message post over max_messages_post_size', async () => {
      const body = JSON.stringify({ messages: [{ body: 'x'.repeat(262144) }] });
      expectError(await client.post('/v2/queues/q/messages', { body }), 400, 'Invalid API request', 'Message collection size is too large. Max size 262144');
    });
    it('applies the queue cap', async () => {
      await client.put('/v2/queues/small', { body: { _max_messages_post_size: 100 } });
      const reply = await client.post('/v2/queues/small/messages', { body: { messages: [{ body: 'y'.repeat(200) }] } });
      expect(reply.status).to.equal(400);
      expect(reply.json.description).to.match(/^Message collection size is too large\. The max size for current queue is 100\./);
    });
    it('rejects queue metadata over max_queue_metadata', async () => {
      const reply = await client.put('/v2/queues/huge', { body: { a: 'z'.repeat(70000) } });
      expectError(reply, 400, 'Invalid API request', 'Queue metadata is too large. Max size: 65536');
    });
  });

  describe('bad queue names and projects', () => {
    for (const name of ['bad%20name', 'x'.repeat(65), 'fizb%C3%AFt', '']) {
      it(`rejects queue name '${decodeURIComponent(name).slice(0, 12)}'`, async () => {
        expectError(
          await client.put(`/v2/queues/${name}`),
          400,
          'Invalid queue identification',
          'The format of the submitted queue name or project id is not valid.',
        );
      });
    }
    it('rejects a project id over 256 characters on queue routes', async () => {
      const reply = await client.get('/v2/queues/q', { headers: { 'X-Project-ID': 'p'.repeat(257) } });
      expectError(reply, 400, 'Invalid queue identification');
    });
    it('accepts dots, dashes and underscores', async () => {
      expect((await client.put('/v2/queues/a.b-c_d')).status).to.equal(201);
    });
  });

  describe('out-of-range values', () => {
    it('message ttl', async () => {
      for (const ttl of [59, 1209601]) {
        const reply = await client.post('/v2/queues/q/messages', { body: { messages: [{ ttl, body: 1 }] } });
        expectError(reply, 400, 'Invalid API request', 'The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.');
      }
    });
    it('claim ttl, grace and limit', async () => {
      expectError(await client.post('/v2/queues/q/claims', { body: { ttl: 59 } }), 400, 'Invalid API request', 'The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.');
      expectError(await client.post('/v2/queues/q/claims', { body: { grace: 43201 } }), 400, 'Invalid API request', 'The grace for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.');
      expectError(await client.post('/v2/queues/q/claims?limit=21', { body: {} }), 400, 'Invalid API request', 'Limit must be at least 1 and may not be greater than 20.');
      expectError(await client.patch('/v2/queues/q/claims/abc', { body: { ttl: 43201 } }), 400, 'Invalid API request');
    });
    it('listing limits', async () => {
      expectError(await client.get('/v2/queues?limit=0'), 400, 'Invalid API request', 'Limit must be at least 1 and no greater than 20.');
      expectError(await client.get('/v2/queues/q/messages?limit=21'), 400, 'Invalid API request', 'Limit must be at least 1 and may not be greater than 20.');
      expectError(await client.delete('/v2/queues/q/messages?pop=21'), 400, 'Invalid API request', 'Pop value must be at least 1 and may not be greater than 20.');
    });
    it('an empty message list', async () => {
      expectError(await client.post('/v2/queues/q/messages', { body: { messages: [] } }), 400, 'Invalid API request', 'No messages to enqueu.');
    });
  });

  describe('unknown ids', () => {
    it('unknown and malformed claim ids are 404 on get and patch, 204 on release', async () => {
      for (const id of ['5a7364ffc1de4a12b624401b', 'not-a-claim']) {
        expectError(await client.get(`/v2/queues/q/claims/${id}`), 404, 'Not found', `Claim ${id} does not exist in queue q for project bad-input`);
        expectError(await client.patch(`/v2/queues/q/claims/${id}`, { body: {} }), 404, 'Not found');
        expect((await client.delete(`/v2/queues/q/claims/${id}`)).status).to.equal(204);
      }
    });
    it('deleting a claimed message with an unknown claim id is 400', async () => {
      await client.post('/v2/queues/uc/messages', { body: { messages: [{ body: 1 }] } });
      const claim = await client.post('/v2/queues/uc/claims', { body: {} });
      const href: string = claim.json.messages[0].href.split('?')[0];
      const reply = await client.delete(`${href}?claim_id=unknown`);
      expectError(reply, 400, 'Unable to delete', 'The specified claim does not exist or has expired.');
    });
    it('unknown message ids: 404 on get, 204 on delete', async () => {
      expectError(await client.get('/v2/queues/q/messages/nope'), 404, 'Not found');
      expect((await client.delete('/v2/queues/q/messages/nope')).status).to.equal(204);
    });
  });

  describe('headers', () => {
    it('requires Client-ID', async () => {
      expectError(await client.get('/v2/queues', { headers: { 'Client-ID': undefined } }), 400, 'Missing header value', 'The "Client-ID" header is required.');
    });
    it('requires a UUID Client-ID in strict mode', async () => {
      expectError(await client.get('/v2/queues', { headers: { 'Client-ID': 'not-a-uuid' } }), 400, 'Wrong UUID value', 'Malformed hexadecimal UUID.');
    });
    it('requires X-Project-ID, and refuses an empty one', async () => {
      expectError(await client.get('/v2/queues', { headers: { 'X-Project-ID': undefined } }), 400, 'Project-Id Missing');
      expectError(await client.get('/v2/queues', { headers: { 'X-Project-ID': '' } }), 400, 'Empty project header not allowed');
    });
    it('answers 406 to a client that does not accept JSON', async () => {
      expect((await client.get('/v2/queues', { headers: { Accept: 'text/html' } })).status).to.equal(406);
    });
  });
});
