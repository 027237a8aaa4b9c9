/**
 * One subscriber's lane: its deliveries run at most `concurrency` at a time,
 * and at most `capacity` wait in memory. What does not fit overflows
 * (the dispatcher writes it back to the outbox, delayed), so a slow, dead
 * or black-holed subscriber holds a bounded amount of memory and never
 * delays another subscriber's deliveries.
 */

export interface LaneJob {
  /** Runs the delivery (all its attempts that are due now). */
  run(): Promise<void>;
  /** Called instead of `run` when the lane is full. */
  overflow(): void;
}

export class Lane {
  private readonly waiting: LaneJob[] = [];
  private active = 0;

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
    private readonly onIdle: () => void,
  ) {}

  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  submit(job: LaneJob): void {
    if (this.waiting.length >= this.capacity) {
      job.overflow();
      return;
    }
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as LaneJob;
      this.active++;
      void job.run().finally(() => {
        this.active--;
        this.pump();
        if (this.idle) this.onIdle();
      });
    }
  }
}
