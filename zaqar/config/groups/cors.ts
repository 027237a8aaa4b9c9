/**
 * [cors] (oslo.middleware). The defaults are the ones
 * Zaqar sets at run time, not the library's (which the sample file shows).
 */
import { defineGroup } from './define';

export interface CorsOptions {
  /** No origin allowed (CORS effectively off) when null. */
  allowed_origin: string[] | null;
  allow_credentials: boolean;
  expose_headers: string[];
  max_age: number | null;
  allow_methods: string[];
  allow_headers: string[];
}

export const CORS_GROUP = defineGroup<CorsOptions>('cors', 'Cross-origin resource sharing.', {
  allowed_origin: { type: 'list', help: 'Origins allowed to share resources, e.g. https://horizon.example.com.' },
  allow_credentials: { type: 'boolean', default: true, help: 'Whether the actual request can include credentials.' },
  expose_headers: {
    type: 'list',
    default: ['X-Auth-Token', 'X-Subject-Token', 'X-Service-Token', 'X-OpenStack-Request-ID'],
    help: 'Headers exposed to the API client.',
  },
  max_age: { type: 'integer', default: 3600, help: 'Maximum cache age of CORS preflight requests.' },
  allow_methods: {
    type: 'list',
    default: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'],
    help: 'Methods allowed in the actual request.',
  },
  allow_headers: {
    type: 'list',
    default: [
      'X-Auth-Token',
      'X-Identity-Status',
      'X-Roles',
      'X-Service-Catalog',
      'X-User-Id',
      'X-Tenant-Id',
      'X-OpenStack-Request-ID',
      'X-Trace-Info',
      'X-Trace-HMAC',
      'Client-id',
    ],
    help: 'Header names allowed in the actual request.',
  },
});
