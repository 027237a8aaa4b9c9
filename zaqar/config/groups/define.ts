/**
 * defineGroup(): declares an option group against the TypeScript interface
 * its consumers read, so the two cannot drift apart. The compiler checks
 * that every key of the interface is declared (and nothing else), and that
 * each option's oslo type fits the interface's field type.
 */
import type { OptionGroup, OptionSpec } from '../options';

/** The oslo types that resolve to a value of type V (oslo-types.ts). */
export type OptionTypeFor<V> = [NonNullable<V>] extends [boolean]
  ? 'boolean'
  : [NonNullable<V>] extends [number]
    ? 'integer' | 'float' | 'port'
    : [NonNullable<V>] extends [string]
      ? 'string' | 'host'
      : [NonNullable<V>] extends [readonly string[]]
        ? 'list' | 'multistring'
        : [NonNullable<V>] extends [Readonly<Record<string, string>>]
          ? 'dict'
          : never;

/** An option as declared in a group file: its name is the key. */
export type OptionDeclaration<V> = Omit<OptionSpec, 'name' | 'type'> & { type: OptionTypeFor<V> };

export type OptionDeclarations<T> = { [K in keyof T & string]-?: OptionDeclaration<T[K]> };

export function defineOptions<T>(declarations: OptionDeclarations<T>): OptionSpec[] {
  return Object.entries<Omit<OptionSpec, 'name'>>(declarations).map(([name, declaration]) => ({ name, ...declaration }));
}

export function defineGroup<T>(name: string, help: string, declarations: OptionDeclarations<T>): OptionGroup<T> {
  return { name, help, options: defineOptions<T>(declarations) };
}
