/**
 * Request stages: the ordered checks every request passes before its
 * operation runs (Zaqar's falcon before-hooks, architecture of
 * zaqar.transport.wsgi.driver, and the keystonemiddleware filter before
 * them). The core contributes five; a transport may add its own (HTTP adds
 * its media-type checks) at a position given by `order`.
 */
import { token } from '../../di/token';
import type { IncomingRequest } from './incoming';

export interface RequestStage {
  readonly name: string;
  /** Position in the pipeline, ascending; see STAGE_ORDER. */
  readonly order: number;
  /** Checks or enriches the request; throws a DomainError to refuse it. Synchronous stages return nothing. */
  run(request: IncomingRequest): void | Promise<void>;
}

/** Contribution point: every RequestStage bound under it joins the pipeline. */
export const RequestStage = token<RequestStage>('RequestStage');

/** The core stages' positions; a transport's stage takes a number in between. */
export const STAGE_ORDER = {
  signedUrl: 100,
  authentication: 200,
  identity: 300,
  identification: 400,
  extraSpec: 500,
  policy: 900,
} as const;
