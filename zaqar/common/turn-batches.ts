/**
 * Calls made in one event-loop turn, gathered into groups by key and run
 * once per group at the end of the turn (setImmediate): how the notifier
 * turns many small store calls into a few bulk ones. Every caller's
 * promise settles with its group's outcome.
 */
export class TurnBatches<G, R = void> {
  private pending = new Map<string, { group: G; waiters: { resolve: (result: R) => void; reject: (err: unknown) => void }[] }>();
  private scheduled = false;

  /** `run` does one group's work. */
  constructor(private readonly run: (group: G) => Promise<R>) {}

  /** Joins the group under `key` (`join` adds to it) or starts it (`start`); resolves once that group has run. */
  add(key: string, start: () => G, join: (group: G) => void): Promise<R> {
    return new Promise((resolve, reject) => {
      const pending = this.pending.get(key);
      if (pending === undefined) this.pending.set(key, { group: start(), waiters: [{ resolve, reject }] });
      else {
        join(pending.group);
        pending.waiters.push({ resolve, reject });
      }
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = this.pending;
    this.pending = new Map();
    for (const { group, waiters } of groups.values()) {
      this.run(group).then(
        (result) => waiters.forEach((w) => w.resolve(result)),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      );
    }
  }
}
