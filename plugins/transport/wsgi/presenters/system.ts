/**
 * Versions document, JSON-home documents, ping and health over HTTP
 * (Zaqar's `zaqar.transport.wsgi.version`, `v2_0.homedoc`, `ping`, `health`).
 */
import type { OperationSet } from '../../../../zaqar/api/operations';
import type { HttpHandler, HttpResponse } from '../http/model';
import type { HttpVersion } from '../http/versions';

const media = (type: string) => [{ base: 'application/json', type }];

/** `GET /`: every version, enabled or not, with the reference's unpadded dates. */
export const VERSIONS = {
  versions: [
    { id: '1', status: 'DEPRECATED', updated: '2014-9-11T17:47:05Z', 'media-types': media('application/vnd.openstack.messaging-v1+json'), links: [{ href: '/v1/', rel: 'self' }] },
    { id: '1.1', status: 'DEPRECATED', updated: '2016-7-29T02:22:47Z', 'media-types': media('application/vnd.openstack.messaging-v1_1+json'), links: [{ href: '/v1.1/', rel: 'self' }] },
    { id: '2', status: 'CURRENT', updated: '2014-9-24T04:06:47Z', 'media-types': media('application/vnd.openstack.messaging-v2+json'), links: [{ href: '/v2/', rel: 'self' }] },
  ],
};

export const versions: HttpHandler = async () => ({ status: 300, body: VERSIONS });

export class SystemPresenter {
  private readonly homeDocument: string;

  constructor(
    private readonly ops: OperationSet,
    version: HttpVersion,
    adminMode: boolean,
  ) {
    const resources = { ...version.homePublic, ...(adminMode ? version.homeAdmin : {}) };
    // Python's json.dumps(indent=4) and JSON.stringify(…, 4) agree byte for byte.
    this.homeDocument = JSON.stringify({ resources }, null, 4);
  }

  home: HttpHandler = async (): Promise<HttpResponse> => ({
    status: 200,
    text: this.homeDocument,
    contentType: 'application/json-home',
    headers: { 'Cache-Control': 'max-age=86400' },
  });

  ping: HttpHandler = async () => ({ status: (await this.ops.system.ping()) ? 204 : 503 });

  pingHead: HttpHandler = async () => ({ status: 204 });

  health: HttpHandler = async () => ({ status: 200, body: await this.ops.system.health() });
}
