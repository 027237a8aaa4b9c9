/**
 * Interceptors: how a pipeline stage takes part in a controller's calls
 * without forwarding every method by hand.
 *
 * An interceptor of a controller C implements any of C's methods with one
 * more leading parameter, `next`, the rest of the pipeline:
 *
 *     const counting: Interceptor<MessageController> = {
 *       async post(next, queue, messages, clientId, project) {
 *         const ids = await next(queue, messages, clientId, project);   // pass (or change the arguments)
 *         posted += ids.length;                                         // observe the result
 *         return ids;                                                   // or change it
 *       },
 *     };
 *
 * Not calling `next` short-circuits the call. Methods an interceptor does
 * not define go straight on. This generalises Zaqar's
 * `zaqar.common.pipeline` ("the first stage that returns something wins"),
 * which can neither see a result nor change one.
 */

type Method = (...args: never[]) => unknown;

export type Interceptor<C> = {
  [K in keyof C]?: C[K] extends (...args: infer A) => infer R ? (next: (...args: A) => R, ...args: A) => R : never;
};

/** The names of every method of `target`, own and inherited (a class instance or a plain object). */
function methodNames(target: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

/**
 * `target` with `interceptors` around its methods, the first one outermost
 * (it sees a call first and its result last). Chains are built once, here:
 * a call costs one function call per interceptor that defines the method.
 * Without interceptors the target itself is returned.
 */
export function intercept<C extends object>(target: C, interceptors: readonly (Interceptor<C> | undefined)[]): C {
  const active = interceptors.filter((i): i is Interceptor<C> => i !== undefined && Object.keys(i).length > 0);
  if (active.length === 0) return target;
  const composed: Record<string, unknown> = {};
  for (const name of methodNames(target)) {
    let call = ((target as Record<string, Method>)[name] as Method).bind(target) as (...args: unknown[]) => unknown;
    for (let i = active.length - 1; i >= 0; i--) {
      const interceptor = active[i] as Record<string, ((next: unknown, ...args: unknown[]) => unknown) | undefined>;
      const around = interceptor[name];
      if (typeof around !== 'function') continue;
      const next = call;
      call = (...args: unknown[]) => around.call(interceptor, next, ...args);
    }
    composed[name] = call;
  }
  return composed as C;
}
