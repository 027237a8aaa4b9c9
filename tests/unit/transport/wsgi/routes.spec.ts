/**
 * The route table and the JSON-home documents (Zaqar's own text, served
 * verbatim) describe the same API: every documented resource is routed with
 * the methods it documents, and every route is documented. What Zaqar
 * documents but this release does not serve, and what Zaqar serves but its
 * documents omit, are listed here, by name.
 */
import { expect } from 'chai';
import { buildRoutes, type Route } from '../../../../plugins/transport/wsgi/http/routes';
import { V1_1, V2 } from '../../../../plugins/transport/wsgi/http/versions';
import type { Operations } from '../../../../zaqar/api/operations';
import { LIMITS } from '../../../helpers/limits';

/** Resources Zaqar's home documents list that later releases of this server add. */
const NOT_SERVED_YET = [
  // v1.1's legacy flavors (the pool-group model Zaqar removed; only v2 flavors are served).
  '/v1.1/flavors',
  '/v1.1/flavors/:x',
];

/** Routes Zaqar 15 mounts that its home document does not describe (served here as Zaqar routes them). */
const UNDOCUMENTED_BY_ZAQAR = [
  '/v2/queues/:x/subscriptions/:x/confirm',
  '/v2/topics',
  '/v2/topics/:x',
  '/v2/topics/:x/stats',
  '/v2/topics/:x/purge',
  '/v2/topics/:x/messages',
  '/v2/topics/:x/messages/:x',
  '/v2/topics/:x/subscriptions',
  '/v2/topics/:x/subscriptions/:x',
  '/v2/topics/:x/subscriptions/:x/confirm',
];

/** The documents themselves are not resources of the documents. */
const THE_DOCUMENTS = ['/', '/v2/', '/v1.1/'];

/** `/v2/queues/{queue_name}/messages{?marker}` and `/v2/queues/:queue_name/messages` → `/v2/queues/:x/messages`. */
function shape(path: string): string {
  return path
    .replace(/\{\?[^}]*\}/g, '')
    .replace(/\{[^}]+\}/g, ':x')
    .replace(/:[a-z_]+/g, ':x');
}

describe('transport/wsgi: routes and home documents', () => {
  // Presenters are built but never called here: no operation is needed.
  const operations = { for: () => ({}) } as unknown as Operations;
  const routes = buildRoutes(operations, { adminMode: true, pooling: true, deprecatedVersions: ['1.1'], limits: { ...LIMITS } as never });
  const byShape = new Map<string, Route>(routes.map((route) => [shape(route.path), route]));
  const documented = [V2, V1_1].flatMap((version) =>
    Object.entries({ ...version.homePublic, ...version.homeAdmin }).map(([rel, resource]) => {
      const r = resource as { 'href-template'?: string; href?: string; hints: { allow: string[] } };
      return { rel, path: shape(r['href-template'] ?? r.href ?? ''), allow: r.hints.allow };
    }),
  );

  it('routes every documented resource with every documented method', () => {
    const missing: string[] = [];
    for (const { rel, path, allow } of documented) {
      if (NOT_SERVED_YET.includes(path)) continue;
      const route = byShape.get(path);
      if (!route) missing.push(`${rel} ${path}: no route`);
      else for (const method of allow) if (!route.operations[method]) missing.push(`${rel} ${path}: no ${method}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('documents every route', () => {
    const shapes = new Set(documented.map((d) => d.path));
    const undocumented = routes
      .map((r) => r.path)
      .filter((path) => !THE_DOCUMENTS.includes(path) && !shapes.has(shape(path)) && !UNDOCUMENTED_BY_ZAQAR.includes(shape(path)));
    expect(undocumented).to.deep.equal([]);
  });

  it('lists as undocumented by Zaqar only routes that exist and are not documented', () => {
    const shapes = new Set(documented.map((d) => d.path));
    for (const path of UNDOCUMENTED_BY_ZAQAR) {
      expect(byShape.has(path), `${path} routed`).to.equal(true);
      expect(shapes.has(path), `${path} documented`).to.equal(false);
    }
  });

  it('lists as not served yet only what is documented and not routed', () => {
    for (const path of NOT_SERVED_YET) {
      expect(documented.some((d) => d.path === path), `${path} documented`).to.equal(true);
      expect(byShape.has(path), `${path} routed`).to.equal(false);
    }
  });
});
