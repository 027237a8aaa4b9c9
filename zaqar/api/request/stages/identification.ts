/**
 * Identification (Zaqar's Client-ID, project-id and queue/topic name
 * hooks): every non-public request names a valid Client-ID and a project,
 * and the queue or topic in its path is a valid name.
 */
import { DomainError } from '../../errors';
import { ValidationFailed, type Validator } from '../../validation';
import type { IncomingRequest } from '../incoming';
import { STAGE_ORDER, type RequestStage } from '../stage';

/** Runs a name check; its ValidationFailed becomes `code` with the validator's text. */
function check(code: 'client_id_invalid' | 'queue_name_invalid' | 'topic_name_invalid', fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationFailed) throw new DomainError(code, err.message);
    throw err;
  }
}

export function identificationStage(validator: Validator): RequestStage {
  return {
    name: 'identification',
    order: STAGE_ORDER.identification,
    run(request: IncomingRequest): void {
      if (request.public) return;
      const clientId = request.header('client-id');
      if (clientId === undefined) throw new DomainError('client_id_missing', 'The "Client-ID" header is required.');
      check('client_id_invalid', () => validator.clientIdUuidSafe(clientId));

      const project = request.identity?.projectId;
      if (project === '') throw new DomainError('project_empty');
      if (project === undefined) throw new DomainError('project_missing');

      const queue = request.params.queue_name;
      if (queue !== undefined) check('queue_name_invalid', () => validator.queueIdentification(queue, project));
      const topic = request.params.topic_name;
      if (topic !== undefined) check('topic_name_invalid', () => validator.topicIdentification(topic, project));
    },
  };
}
