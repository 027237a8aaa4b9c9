/**
 * Errors of the policy engine.
 */

/**
 * A check could not be evaluated (a broken rule or unexpected credential
 * shapes). oslo.policy lets the underlying Python exception (ValueError,
 * TypeError, SyntaxError, RecursionError, ...) escape `Enforcer.enforce`,
 * aborting the whole enforcement; the checks here throw this error instead so
 * the enforcement is aborted the same way — a `not` above the broken check
 * must never turn the failure into an allow — and `PolicyEnforcer.enforce`
 * turns it into a denial.
 */
export class PolicyEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyEvaluationError';
  }
}

/** A policy file that cannot be used: unreadable, unparseable or not a map of rules. */
export class PolicyFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly reason: string,
  ) {
    super(`Invalid policy file ${file}: ${reason}`);
    this.name = 'PolicyFileError';
  }
}
