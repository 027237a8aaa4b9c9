/** Shared fixtures of the policy engine tests. */
import * as sinon from 'sinon';
import type { Logger } from '../../../zaqar/common/logger';
import type { PolicyCredentials } from '../../../zaqar/auth/policy';

/** Credentials shaped like Zaqar's `RequestContext.to_dict()`. */
export function contextCreds(roles: string[] = [], extra: Record<string, unknown> = {}): PolicyCredentials {
  return {
    user: 'u1',
    project_id: 'p1',
    system_scope: null,
    project: 'p1',
    domain: null,
    user_domain: null,
    project_domain: null,
    is_admin: false,
    read_only: false,
    show_deleted: false,
    auth_token: null,
    request_id: 'req-1',
    global_request_id: null,
    resource_uuid: null,
    roles,
    user_identity: 'u1 p1 - - -',
    is_admin_project: true,
    client_id: 'c1',
    ...extra,
  };
}

export interface RecordingLogger extends Logger {
  debug: sinon.SinonSpy;
  info: sinon.SinonSpy;
  warn: sinon.SinonSpy;
  error: sinon.SinonSpy;
}

/** A logger whose calls can be inspected; `child()` records into the same spies. */
export function recordingLogger(): RecordingLogger {
  const logger: RecordingLogger = {
    debug: sinon.spy(),
    info: sinon.spy(),
    warn: sinon.spy(),
    error: sinon.spy(),
    child: () => logger,
  };
  return logger;
}

/** The messages (second argument) a logger spy received. */
export function messages(spy: sinon.SinonSpy): string[] {
  return spy.getCalls().map((call) => String(call.args[1] ?? call.args[0]));
}
