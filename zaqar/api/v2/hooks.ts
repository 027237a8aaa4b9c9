/**
 * The checks Zaqar runs before every routed request, in its order
 * (api-v2.md §1.2, architecture.md §6.2): pre-signed URL, form bodies,
 * Accept, Client-ID, X-Project-ID, context, queue/topic identification,
 * EXTRA-SPEC. Policy runs after these (see api.ts). The first failure
 * answers the request.
 */
import { randomUUID } from 'node:crypto';
import { verifySignedRequest } from '../../auth/signed-url';
import { badRequestApi, HttpError, routeNotFound } from '../errors';
import type { ApiRequest, RequestContext } from '../request';
import { ValidationFailed, type Validator } from '../validation';

export interface HookSettings {
  validator: Validator;
  /** `[signed_url] secret_key`; undefined when unset. */
  secretKey: string | undefined;
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * falcon `client_accepts("application/json")`: a missing Accept, a wildcard, or
 * any header that mentions `application/json` is fine (falcon checks the
 * substring first); otherwise the best-matching media range must have q > 0.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '' || accept === '*/*' || accept.includes('application/json')) {
    return true;
  }
  let bestFitness = -1;
  let bestQuality = 0;
  for (const range of accept.split(',')) {
    const [mediaRange, ...params] = range.split(';').map((s) => s.trim());
    const [type, subtype] = mediaRange.toLowerCase().split('/');
    if (subtype === undefined) continue;
    if (!(type === 'application' || type === '*') || !(subtype === 'json' || subtype === '*')) continue;
    const fitness = (type === 'application' ? 100 : 0) + (subtype === 'json' ? 10 : 0);
    if (fitness <= bestFitness) continue;
    bestFitness = fitness;
    const q = params.find((p) => p.toLowerCase().startsWith('q='));
    bestQuality = q === undefined ? 1 : Number(q.slice(2)) || 0;
  }
  return bestQuality > 0;
}

function checkPreSignedUrl(req: ApiRequest, settings: HookSettings): void {
  const signature = req.header('url-signature');
  if (signature === undefined) return;
  const ok = verifySignedRequest(settings.secretKey, req.method, req.path, {
    signature,
    paths: (req.header('url-paths') ?? '').split(','),
    methods: (req.header('url-methods') ?? '').split(','),
    project: req.header('x-project-id') ?? null,
    expires: req.header('url-expires'),
  });
  if (!ok) throw routeNotFound();
}

function rejectFormBodies(req: ApiRequest): void {
  if (req.contentLength === undefined) return;
  if ((req.header('content-type') ?? '').toLowerCase() === FORM_MEDIA_TYPE) {
    throw new HttpError(
      400,
      'Invalid Content-Type',
      'Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is ' +
        '`application/json`; specify proper client-side media type with the "Content-Type" header.',
    );
  }
}

function requireAcceptsJson(req: ApiRequest): void {
  if (!acceptsJson(req.header('accept'))) {
    throw new HttpError(406, 'Not Acceptable');
  }
}

function requireClientId(req: ApiRequest, validator: Validator): void {
  if (!(req.path.startsWith('/v2/') || req.path.startsWith('/v1.1/'))) return;
  const clientId = req.header('client-id');
  if (clientId === undefined) {
    throw new HttpError(400, 'Missing header value', 'The "Client-ID" header is required.');
  }
  try {
    validator.clientIdUuidSafe(clientId);
  } catch (err) {
    if (err instanceof ValidationFailed) throw new HttpError(400, 'Wrong UUID value', 'Malformed hexadecimal UUID.');
    throw err;
  }
}

function extractProjectId(req: ApiRequest): string | null {
  const project = req.header('x-project-id');
  if (req.path === '/') return project ?? null; // the versions document is public
  if (project === '') {
    throw new HttpError(
      400,
      'Empty project header not allowed',
      'X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.',
    );
  }
  if (project === undefined) throw new HttpError(400, 'Project-Id Missing', 'The header X-PROJECT-ID was missing');
  return project;
}

function buildContext(req: ApiRequest, projectId: string | null): RequestContext {
  const roles = req.header('x-roles');
  const inbound = req.header('x-openstack-request-id');
  return {
    projectId,
    clientId: req.header('client-id'),
    roles: roles ? roles.split(',').map((r) => r.trim()).filter(Boolean) : [],
    userId: req.header('x-user-id'),
    domainId: req.header('x-domain-id'),
    projectDomainId: req.header('x-project-domain-id'),
    userDomainId: req.header('x-user-domain-id'),
    authToken: req.header('x-auth-token'),
    requestId: req.context?.requestId ?? `req-${randomUUID()}`,
    globalRequestId: inbound && REQUEST_ID.test(inbound) ? inbound : undefined,
  };
}

function validateIdentification(req: ApiRequest, validator: Validator, projectId: string | null): void {
  const queue = req.params.queue_name;
  if (queue !== undefined) {
    try {
      validator.queueIdentification(queue, projectId);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      throw new HttpError(
        400,
        'Invalid queue identification',
        'The format of the submitted queue name or project id is not valid.',
      );
    }
  }
  const topic = req.params.topic_name;
  if (topic !== undefined) {
    try {
      validator.topicIdentification(topic, projectId);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      throw new HttpError(
        400,
        'Invalid topic identification',
        'The format of the submitted topic name or project id is not valid.',
      );
    }
  }
}

/** Zaqar ships one extra-spec plug-in, `messagecode`, which accepts everything. */
function verifyExtraSpec(req: ApiRequest): void {
  const extraSpec = req.header('extra-spec');
  if (!extraSpec) return;
  const scheme = extraSpec.split(':')[0];
  if (scheme && scheme !== 'messagecode') {
    // The reference fails with 500 here (api-v2.md §13 item 17); a clear 400 is kinder.
    throw badRequestApi(`Unknown extra spec: ${scheme}`);
  }
}

/** Runs every hook; on success `req.context` is filled in. Throws HttpError. */
export function runRequestHooks(req: ApiRequest, settings: HookSettings): void {
  checkPreSignedUrl(req, settings);
  rejectFormBodies(req);
  requireAcceptsJson(req);
  requireClientId(req, settings.validator);
  const projectId = extractProjectId(req);
  req.context = buildContext(req, projectId);
  validateIdentification(req, settings.validator, projectId);
  verifyExtraSpec(req);
}
