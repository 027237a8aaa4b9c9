/**
 * Storage error hierarchy (Zaqar's `zaqar.storage.errors`).
 *
 * Drivers raise exactly these classes; the API layer maps them to status
 * codes, and their messages are wire-visible (they appear in HTTP error
 * descriptions), so the texts are Zaqar's, typos included.
 */

/** Renders a project the way Python renders `None`. */
function p(project: string | null | undefined): string {
  return project === null || project === undefined ? 'None' : project;
}

export class StorageError extends Error {
  constructor(message = '') {
    super(message);
    this.name = new.target.name;
  }
}

/** The backend could not be reached or failed; the API answers 503. */
export class ConnectionError extends StorageError {}
export class DoesNotExist extends StorageError {}
export class NotPermitted extends StorageError {}
export class Conflict extends StorageError {}

export class MessageConflict extends Conflict {
  constructor(queue: string, project: string | null) {
    super(
      `Message could not be enqueued due to a conflict with one or more other messages that are already in queue ${queue} for project ${p(project)}`,
    );
  }
}

export class ClaimConflict extends Conflict {
  constructor(queue: string, project: string | null) {
    super(
      `Messages could not be claimed due to a conflict with another parallel claim that is already in queue ${queue} for project ${p(project)}`,
    );
  }
}

export class QueueDoesNotExist extends DoesNotExist {
  constructor(public readonly queue: string, public readonly project: string | null) {
    super(`Queue ${queue} does not exist for project ${p(project)}`);
  }
}

export class QueueIsEmpty extends StorageError {
  constructor(queue: string, project: string | null) {
    super(`Queue ${queue} in project ${p(project)} is empty`);
  }
}

export class MessageDoesNotExist extends DoesNotExist {
  constructor(mid: string, queue: string, project: string | null) {
    super(`Message ${mid} does not exist in queue ${queue} for project ${p(project)}`);
  }
}

export class ClaimDoesNotExist extends DoesNotExist {
  constructor(cid: string, queue: string, project: string | null) {
    super(`Claim ${cid} does not exist in queue ${queue} for project ${p(project)}`);
  }
}

export class ClaimDoesNotMatch extends StorageError {
  constructor(cid: string, queue: string, project: string | null) {
    super(`Claim ${cid} does not exist in the claim_ids parameter inqueue ${queue} for project ${p(project)}`);
  }
}

export class MessageIsClaimed extends NotPermitted {
  constructor(mid: string) {
    super(`Message ${mid} is claimed`);
  }
}

export class MessageNotClaimed extends NotPermitted {
  constructor(mid: string) {
    super(`Message ${mid} is no longer claimed`);
  }
}

export class MessageNotClaimedBy extends NotPermitted {
  constructor(mid: string, cid: string) {
    super(`Message ${mid} is not claimed by ${cid}`);
  }
}

export class QueueNotMapped extends DoesNotExist {
  constructor(queue: string, project: string | null) {
    super(`No pool found for queue ${queue} for project ${p(project)}`);
  }
}

export class PoolDoesNotExist extends DoesNotExist {
  constructor(pool: string) {
    super(`Pool ${pool} does not exist`);
  }
}

export class FlavorDoesNotExist extends DoesNotExist {
  constructor(flavor: string) {
    super(`Flavor ${flavor} does not exist`);
  }
}

export class NoPoolFound extends StorageError {
  constructor() {
    super('No pools registered');
  }
}

export class PoolInUseByFlavor extends NotPermitted {
  constructor(pool: string, public readonly flavor: string) {
    super(`Pool ${pool} is in use by flavor ${flavor}`);
  }
}

export class SubscriptionDoesNotExist extends DoesNotExist {
  constructor(subscriptionId: string) {
    super(`Subscription ${subscriptionId} does not exist`);
  }
}

export class PoolCapabilitiesMismatch extends StorageError {
  constructor() {
    super('The pool being added does not support the minimum set of capabilities');
  }
}

export class PoolAlreadyExists extends Conflict {
  constructor() {
    super('The database URI is in use by another pool.');
  }
}

export class SubscriptionAlreadyExists extends Conflict {
  constructor() {
    super('Such subscription already exists. Subscriptions are unique by project + queue + subscriber URI.');
  }
}

export class TopicDoesNotExist extends DoesNotExist {
  constructor(name: string, project: string | null) {
    super(`Topic ${name} does not exist for project ${p(project)}`);
  }
}

export class TopicIsEmpty extends StorageError {
  constructor(name: string, project: string | null) {
    super(`Topic ${name} in project ${p(project)} is empty`);
  }
}
