import type { Identifier } from '@cjo/contract';

export type { Identifier };

/** Identifier types every installation has; configured and API-defined types come on top. */
export const BUILTIN_TYPES = ['userId', 'anonymousId', 'email', 'phone'] as const;

/** A type name: also a path segment of the lookup route and part of cache keys, so no ':' or '/'. */
export const TYPE_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]{0,63}$';

/** Longer values are ignored: no real identifier is that long, and keys must stay small. */
export const MAX_VALUE_LENGTH = 512;

/** One string per identifier, for maps and sets (type names never contain ':'). */
export function keyOf(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

export function describeIdentifier(identifier: Identifier): string {
  return `${identifier.type} ${identifier.value}`;
}

/** Type then value, the order every writer takes row locks in. */
export function compareIdentifiers(a: Identifier, b: Identifier): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.value === b.value) return 0;
  return a.value < b.value ? -1 : 1;
}
