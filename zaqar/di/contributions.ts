/**
 * Multi-valued contribution points, collected the way Theia's
 * `ContributionProvider` collects them: any module may bind more values
 * under a contribution token; the host asks for all of them at once.
 *
 *     options.bind(RequestStage).toConstantValue(myStage);              // in any module
 *     const stages = await contributions(container, RequestStage);      // in the host
 *
 * No contribution at all is an empty list, not an error.
 */
import type { Resolver, Token } from './token';

export async function contributions<T>(resolver: Resolver, id: Token<T>): Promise<T[]> {
  return resolver.getAllAsync<T>(id, { optional: true });
}
