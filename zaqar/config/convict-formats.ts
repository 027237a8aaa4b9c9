/**
 * One convict format per oslo type (`oslo_config.types`). A format checks a
 * value that already has its JS type — whether it was parsed from a file or
 * came as a code default or a withOverrides value — against the option's
 * constraints, which travel on the convict schema item: `choices`,
 * `ignoreCase`, `min`, `max` (see group-schema.ts).
 *
 * Formats are registered with convict once per process; convict's format
 * registry is global.
 */
import convict from 'convict';
import { describeChoices, isAllowedChoice } from './choices';
import { isHostAddress } from './host-address';
import { shown } from './oslo-types';
import type { OptionType } from './options';

export const CONVICT_FORMAT: Readonly<Record<OptionType, string>> = {
  string: 'oslo-string',
  boolean: 'oslo-boolean',
  integer: 'oslo-integer',
  float: 'oslo-float',
  port: 'oslo-port',
  host: 'oslo-host',
  list: 'oslo-list',
  dict: 'oslo-dict',
  multistring: 'oslo-multistring',
};

/** The option constraints copied onto each convict schema item. */
export interface OptionConstraints {
  choices?: readonly string[];
  ignoreCase?: boolean;
  min?: number;
  max?: number;
  secret?: boolean;
}

const PORT_MIN = 0;
const PORT_MAX = 65535;

let formatsRegistered = false;

export function registerOsloFormats(): void {
  if (formatsRegistered) return;
  formatsRegistered = true;
  for (const type of Object.keys(CONVICT_FORMAT) as OptionType[]) {
    convict.addFormat({
      name: CONVICT_FORMAT[type],
      // convict passes the schema item, which carries the option's constraints (group-schema.ts).
      validate: (value: unknown, schema: convict.SchemaObj) => checkOptionValue(type, value, schema as OptionConstraints),
    });
  }
}

/** Throws an Error whose message is the one-line reason. `null` (None) is handled by convict's `nullable`. */
export function checkOptionValue(type: OptionType, value: unknown, constraints: OptionConstraints): void {
  switch (type) {
    case 'string':
      return checkChoice(expectString(value, 'a string'), constraints, 'invalid choice');
    case 'host': {
      const host = expectString(value, 'a host address');
      if (!isHostAddress(host)) {
        throw new Error(`invalid host address ${shown(constraints, host)} (expected an IPv4/IPv6 address or a host name)`);
      }
      return checkChoice(host, constraints, 'invalid choice');
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error('expected a boolean');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error('expected an integer');
      return checkRange(value, constraints.min, constraints.max);
    case 'float':
      if (typeof value !== 'number') throw new Error('expected a number');
      return checkRange(value, constraints.min, constraints.max);
    case 'port':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error('expected a port number');
      if (value < PORT_MIN || value > PORT_MAX) throw new Error(`port ${value} is out of range ${PORT_MIN}-${PORT_MAX}`);
      return checkRange(value, constraints.min, constraints.max);
    case 'list':
    case 'multistring':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        throw new Error('expected a list of strings');
      }
      for (const item of value as string[]) checkChoice(item, constraints, 'invalid item');
      return;
    case 'dict':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a dict');
      if (!Object.values(value).every((item) => typeof item === 'string')) throw new Error('expected a dict of strings');
      return;
  }
}

function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`expected ${what}`);
  return value;
}

function checkChoice(value: string, constraints: OptionConstraints, what: string): void {
  if (constraints.choices && !isAllowedChoice(constraints, value)) {
    const allowed = describeChoices(constraints.choices);
    throw new Error(`${what} ${shown(constraints, value)} (allowed: ${allowed}${constraints.ignoreCase ? ', any case' : ''})`);
  }
}

function checkRange(value: number, min: number | undefined, max: number | undefined): void {
  if (min !== undefined && value < min) throw new Error(`${value} is below the minimum ${min}`);
  if (max !== undefined && value > max) throw new Error(`${value} is above the maximum ${max}`);
}
