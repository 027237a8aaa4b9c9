/**
 * What a validated Keystone v3 token says (keystoneauth1's `AccessInfoV3`,
 * the part auth_token turns into X-Project-Id, X-Roles, ...): read from the
 * body of `GET /v3/auth/tokens` or `POST /v3/auth/tokens`. A body that is
 * not a v3 token is refused (auth_token's "Invalid token contents").
 */
import { InvalidToken } from './errors';

export interface CatalogEndpoint {
  interface: string;
  url: string;
  region?: string;
  region_id?: string;
}

export interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface AccessRule {
  method: string;
  path: string;
  service: string;
}

export interface TokenInfo {
  userId: string;
  userName?: string;
  userDomainId?: string;
  userDomainName?: string;
  /** Set for project-scoped tokens only. */
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  /** Set for domain-scoped tokens only. */
  domainId?: string;
  domainName?: string;
  /** `all` for a system-scoped token. */
  systemScope?: string;
  roles: string[];
  /** ms since the epoch. */
  expiresAt: number;
  issuedAt?: number;
  auditIds: string[];
  isAdminProject: boolean;
  trustId?: string;
  /** Application credentials: the rules the token is restricted to (undefined: unrestricted). */
  accessRules?: AccessRule[];
  /** Token binding (`{kerberos: principal}`, ...), when the token carries one. */
  bind?: Record<string, unknown>;
  /** Only when the body had one (the service user's own token; validations ask for none). */
  catalog?: CatalogEntry[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Keystone's `2026-01-01T00:00:00.000000Z` (microseconds) or any ISO 8601 form Date understands; NaN when neither. */
export function parseKeystoneTime(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return Date.parse(value);
  const fraction = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  return Date.parse(`${m[1]}${fraction}${m[3] ?? 'Z'}`);
}

function accessRulesOf(token: Json): AccessRule[] | undefined {
  const credential = token.application_credential;
  if (!isObject(credential) || !Array.isArray(credential.access_rules)) return undefined;
  return credential.access_rules.filter(isObject).map((rule) => ({
    method: text(rule.method) ?? '',
    path: text(rule.path) ?? '',
    service: text(rule.service) ?? '',
  }));
}

function catalogOf(token: Json): CatalogEntry[] | undefined {
  if (!Array.isArray(token.catalog)) return undefined;
  return token.catalog.filter(isObject).map((entry) => ({
    type: text(entry.type) ?? '',
    name: text(entry.name),
    endpoints: (Array.isArray(entry.endpoints) ? entry.endpoints : []).filter(isObject).map((endpoint) => ({
      interface: text(endpoint.interface) ?? '',
      url: text(endpoint.url) ?? '',
      region: text(endpoint.region),
      region_id: text(endpoint.region_id),
    })),
  }));
}

/** The token of a v3 body (`{"token": {...}}`); throws InvalidToken when the body is not one. */
export function parseToken(body: unknown): TokenInfo {
  const token = isObject(body) ? body.token : undefined;
  if (!isObject(token) || !isObject(token.user) || typeof token.user.id !== 'string') {
    throw new InvalidToken('Invalid token contents.');
  }
  const expiresAt = parseKeystoneTime(token.expires_at);
  if (Number.isNaN(expiresAt)) throw new InvalidToken('Invalid token contents.');
  const user = token.user;
  const userDomain = isObject(user.domain) ? user.domain : {};
  const project = isObject(token.project) ? token.project : undefined;
  const projectDomain = project && isObject(project.domain) ? project.domain : {};
  const domain = isObject(token.domain) ? token.domain : undefined;
  const system = isObject(token.system) ? token.system : undefined;
  const trust = isObject(token['OS-TRUST:trust']) ? token['OS-TRUST:trust'] : undefined;
  const issuedAt = parseKeystoneTime(token.issued_at);
  return {
    userId: user.id as string,
    userName: text(user.name),
    userDomainId: text(userDomain.id),
    userDomainName: text(userDomain.name),
    projectId: project ? text(project.id) : undefined,
    projectName: project ? text(project.name) : undefined,
    projectDomainId: text(projectDomain.id),
    projectDomainName: text(projectDomain.name),
    domainId: domain ? text(domain.id) : undefined,
    domainName: domain ? text(domain.name) : undefined,
    systemScope: system?.all === true ? 'all' : undefined,
    roles: (Array.isArray(token.roles) ? token.roles : []).flatMap((role) => (isObject(role) && typeof role.name === 'string' ? [role.name] : [])),
    expiresAt,
    issuedAt: Number.isNaN(issuedAt) ? undefined : issuedAt,
    auditIds: (Array.isArray(token.audit_ids) ? token.audit_ids : []).filter((id): id is string => typeof id === 'string'),
    // keystoneauth: tokens that do not say are treated as of the admin project (backwards compatibility).
    isAdminProject: token.is_admin_project !== false,
    trustId: trust ? text(trust.id) : undefined,
    accessRules: accessRulesOf(token),
    bind: isObject(token.bind) ? token.bind : undefined,
    catalog: catalogOf(token),
  };
}

/** keystoneauth's `will_expire_soon(stale_duration)`: true when less than `seconds` of validity is left. */
export function expiresWithin(info: TokenInfo, seconds: number, now: number): boolean {
  return info.expiresAt - seconds * 1000 <= now;
}
