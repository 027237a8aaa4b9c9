/**
 * Runs the request stages in order. Synchronous stages cost a function call
 * each; the pipeline only goes asynchronous from the first stage that
 * returns a promise (an auth strategy asking Keystone).
 */
import type { RequestContext } from '../context';
import type { IncomingRequest } from './incoming';
import type { RequestStage } from './stage';

export class RequestPipeline {
  readonly stages: readonly RequestStage[];

  constructor(stages: readonly RequestStage[]) {
    this.stages = [...stages].sort((a, b) => a.order - b.order);
  }

  /** This pipeline with more stages (a transport's own), each at its `order`. */
  with(extra: readonly RequestStage[]): RequestPipeline {
    return new RequestPipeline([...this.stages, ...extra]);
  }

  /** Runs every stage; resolves (or returns, when all were synchronous) with the request's context. Throws DomainError. */
  run(request: IncomingRequest): RequestContext | Promise<RequestContext> {
    return this.runFrom(0, request);
  }

  private runFrom(first: number, request: IncomingRequest): RequestContext | Promise<RequestContext> {
    for (let i = first; i < this.stages.length; i++) {
      const pending = this.stages[i].run(request);
      if (pending !== undefined) return pending.then(() => this.runFrom(i + 1, request));
    }
    if (request.context === undefined) throw new Error('no request stage built a request context');
    return request.context;
  }
}
