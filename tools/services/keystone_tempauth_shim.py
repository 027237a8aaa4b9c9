#!/usr/bin/env python3
"""Minimal Keystone v3 stand-in backed by Swift tempauth (tests only).

Copied from the project's shared services notes (services/scripts/) so
that tests/integration/swift-interop.spec.ts can run the reference Zaqar on
Swift; tools/services/zaqar-reference-swift.ts starts it.

The reference Zaqar swift driver (zaqar/storage/swift/driver.py) can only
authenticate through Keystone: keystoneauth1 ``generic.Password`` against
``[drivers:message_store:swift] auth_url`` (version discovery, then
``POST /v3/auth/tokens``), then it looks up the ``object-store`` endpoint in
the token's service catalog and sends that token to Swift.

This shim answers exactly those calls. For a password request with user U,
password P, project T it asks Swift tempauth (``GET /auth/v1.0`` with
``X-Auth-User: T:U`` and ``X-Auth-Key: P``) and returns the tempauth token as
the Keystone token (``X-Subject-Token``) with a catalog whose object-store
endpoints (public, internal, admin) are tempauth's storage URL. Swift then
accepts the token because tempauth issued it. Nothing else of Keystone is
implemented (no validation API, no users, no roles).

Usage: keystone_tempauth_shim.py --port 8083 --swift-auth http://127.0.0.1:8080/auth/v1.0
Only the standard library is used.
"""

import argparse
import datetime
import json
import sys
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def iso(dt):
    return dt.strftime('%Y-%m-%dT%H:%M:%S.000000Z')


class Handler(BaseHTTPRequestHandler):
    server_version = 'keystone-tempauth-shim/1'
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.address_string(), fmt % args))

    def _send(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _base(self):
        host = self.headers.get('Host') or '127.0.0.1:%d' % self.server.server_port
        return 'http://%s' % host

    def _v3_version(self):
        return {
            'id': 'v3.14', 'status': 'stable',
            'updated': '2020-04-07T00:00:00Z',
            'links': [{'rel': 'self', 'href': self._base() + '/v3/'}],
            'media-types': [{
                'base': 'application/json',
                'type': 'application/vnd.openstack.identity-v3+json'}],
        }

    def do_GET(self):
        path = self.path.split('?')[0].rstrip('/')
        if path in ('/v3',):
            return self._send(200, {'version': self._v3_version()})
        if path == '':
            return self._send(300, {'versions': {'values': [self._v3_version()]}})
        return self._send(404, {'error': {'code': 404, 'message': 'not implemented by shim',
                                          'title': 'Not Found'}})

    def do_POST(self):
        path = self.path.split('?')[0].rstrip('/')
        if path != '/v3/auth/tokens':
            return self._send(404, {'error': {'code': 404, 'message': 'not implemented by shim',
                                              'title': 'Not Found'}})
        length = int(self.headers.get('Content-Length') or 0)
        try:
            req = json.loads(self.rfile.read(length) or b'{}')
            ident = req['auth']['identity']
            user = ident['password']['user']
            user_name, password = user['name'], user['password']
            project = req['auth']['scope']['project']['name']
        except (KeyError, TypeError, ValueError):
            return self._send(400, {'error': {'code': 400, 'title': 'Bad Request',
                                              'message': 'shim supports password auth '
                                                         'with a project name scope only'}})
        tr = urllib.request.Request(self.server.swift_auth, headers={
            'X-Auth-User': '%s:%s' % (project, user_name), 'X-Auth-Key': password})
        try:
            with urllib.request.urlopen(tr, timeout=10) as resp:
                token = resp.headers['X-Auth-Token']
                storage_url = resp.headers['X-Storage-Url']
        except urllib.error.HTTPError as e:
            return self._send(401, {'error': {'code': 401, 'title': 'Unauthorized',
                                              'message': 'tempauth said %s' % e.code}})
        now = datetime.datetime.utcnow()
        dom = {'id': 'default', 'name': 'Default'}
        endpoints = [{'id': uuid.uuid4().hex, 'interface': i, 'region': 'RegionOne',
                      'region_id': 'RegionOne', 'url': storage_url}
                     for i in ('public', 'internal', 'admin')]
        body = {'token': {
            'methods': ['password'],
            'expires_at': iso(now + datetime.timedelta(hours=12)),
            'issued_at': iso(now),
            'audit_ids': [uuid.uuid4().hex[:22]],
            'user': {'id': user_name, 'name': user_name, 'domain': dom,
                     'password_expires_at': None},
            'project': {'id': project, 'name': project, 'domain': dom},
            'roles': [{'id': 'admin', 'name': 'admin'}],
            'is_domain': False,
            'catalog': [{'id': 'swift', 'type': 'object-store', 'name': 'swift',
                         'endpoints': endpoints}],
        }}
        return self._send(201, body, {'X-Subject-Token': token})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=8083)
    ap.add_argument('--swift-auth', required=True,
                    help='tempauth v1 URL, e.g. http://127.0.0.1:8080/auth/v1.0')
    args = ap.parse_args()
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    srv.swift_auth = args.swift_auth
    srv.daemon_threads = True
    sys.stderr.write('keystone-tempauth-shim on http://%s:%d/v3 -> %s\n'
                     % (args.host, args.port, args.swift_auth))
    srv.serve_forever()


if __name__ == '__main__':
    main()
