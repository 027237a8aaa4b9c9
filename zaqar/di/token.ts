/**
 * Typed DI tokens. A token is declared beside the interface it stands for,
 * with the same name (VS Code's `createDecorator` idiom):
 *
 *     export interface Storage { ... }
 *     export const Storage = token<Storage>('Storage');
 *
 * so `resolve(container, Storage)` is typed `Storage` and a reader of the
 * interface finds its token on the next line. A token is a plain symbol for
 * inversify (`bind(Storage)`); the type rides along as a phantom. Services
 * implemented by one class use the class itself as their token.
 */
import type { ResolutionContext } from 'inversify';

declare const tokenType: unique symbol;

/** A symbol that names one service (or contribution point) of type T in the container. */
export type Token<T> = symbol & { readonly [tokenType]?: T };

export function token<T>(name: string): Token<T> {
  return Symbol.for(`zaqar.${name}`) as Token<T>;
}

/** A container, or the resolution context a dynamic value is built in. */
export type Resolver = Pick<ResolutionContext, 'get' | 'getAsync' | 'getAll' | 'getAllAsync'>;

type Id<T> = Token<T> | (abstract new (...args: never[]) => T);

/** The one binding of `id` (named: a plugin's factory), typed. */
export function resolve<T>(resolver: Resolver, id: Id<T>, name?: string): T {
  return name === undefined ? resolver.get<T>(id) : resolver.get<T>(id, { name });
}

/** The one binding of `id`, built asynchronously (stores open connections). */
export function resolveAsync<T>(resolver: Resolver, id: Id<T>): Promise<T> {
  return resolver.getAsync<T>(id);
}
