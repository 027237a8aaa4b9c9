/**
 * Versions document, home document, ping and health (api-v2.md §2–4).
 */
import { operationStatus } from '../../storage/health';
import { serviceUnavailable } from '../errors';
import type { ApiRequest, ApiResponse } from '../request';
import type { ResourceContext } from './common';
import type { ApiVersion } from './versions';

const media = (type: string) => [{ base: 'application/json', type }];

/** `GET /`: every version, enabled or not, with the reference's unpadded dates. */
export const VERSIONS = {
  versions: [
    { id: '1', status: 'DEPRECATED', updated: '2014-9-11T17:47:05Z', 'media-types': media('application/vnd.openstack.messaging-v1+json'), links: [{ href: '/v1/', rel: 'self' }] },
    { id: '1.1', status: 'DEPRECATED', updated: '2016-7-29T02:22:47Z', 'media-types': media('application/vnd.openstack.messaging-v1_1+json'), links: [{ href: '/v1.1/', rel: 'self' }] },
    { id: '2', status: 'CURRENT', updated: '2014-9-24T04:06:47Z', 'media-types': media('application/vnd.openstack.messaging-v2+json'), links: [{ href: '/v2/', rel: 'self' }] },
  ],
};

export class SystemResource {
  private readonly homeDocument: string;

  constructor(
    private readonly ctx: ResourceContext,
    version: ApiVersion,
  ) {
    const resources = { ...version.homePublic, ...(ctx.settings.adminMode ? version.homeAdmin : {}) };
    // Python's json.dumps(indent=4) and JSON.stringify(…, 4) agree byte for byte.
    this.homeDocument = JSON.stringify({ resources }, null, 4);
  }

  versions = async (): Promise<ApiResponse> => ({ status: 300, body: VERSIONS });

  home = async (): Promise<ApiResponse> => ({
    status: 200,
    text: this.homeDocument,
    contentType: 'application/json-home',
    headers: { 'Cache-Control': 'max-age=86400' },
  });

  ping = async (): Promise<ApiResponse> => ({ status: (await this.ctx.storage.isAlive()) ? 204 : 503 });

  pingHead = async (): Promise<ApiResponse> => ({ status: 204 });

  health = async (_req: ApiRequest): Promise<ApiResponse> => {
    const { storage } = this.ctx;
    try {
      const reachable = await storage.isAlive();
      const body: Record<string, unknown> = { storage_reachable: reachable };
      if (reachable) {
        body.operation_status = await operationStatus(storage, this.ctx.logger);
        Object.assign(body, await storage.health());
      }
      return { status: 200, body };
    } catch (err) {
      throw serviceUnavailable('Health status could not be read.', err);
    }
  };
}
