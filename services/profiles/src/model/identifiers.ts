import { createHash } from 'node:crypto';

/** An identifier of a person, as identity names them (userId, anonymousId, email, ...). */
export interface Identifier {
  type: string;
  value: string;
}

/** Emails are compared trimmed and lower-cased, as identity stores them; every other value as sent. */
export function normaliseIdentifier(identifier: Identifier): Identifier {
  return identifier.type === 'email' ? { type: 'email', value: identifier.value.trim().toLowerCase() } : identifier;
}

export function sameIdentifier(a: Identifier, b: Identifier): boolean {
  return a.type === b.type && a.value === b.value;
}

/**
 * What the suppression list stores instead of the value: SHA-256 of `type:value` (normalised),
 * so a deleted person's email is not kept in clear to block their events.
 */
export function identifierHash(identifier: Identifier): string {
  const { type, value } = normaliseIdentifier(identifier);
  return createHash('sha256').update(`${type}:${value}`).digest('hex');
}

/**
 * identifierHash with a bounded memory of recent answers: the consumer checks every event's
 * identifiers, and a person sends many events.
 */
export function createIdentifierHasher(capacity = 100_000): (identifier: Identifier) => string {
  const recent = new Map<string, string>();
  return (identifier) => {
    const key = `${identifier.type}\n${identifier.value}`;
    let hash = recent.get(key);
    if (hash === undefined) {
      hash = identifierHash(identifier);
      if (recent.size >= capacity) recent.clear();
      recent.set(key, hash);
    }
    return hash;
  };
}

/** Adds the identifiers `list` does not hold yet (in place) and returns those. */
export function addIdentifiers(list: Identifier[], more: readonly Identifier[]): Identifier[] {
  const added: Identifier[] = [];
  for (const identifier of more) {
    if (list.some((known) => sameIdentifier(known, identifier))) continue;
    list.push(identifier);
    added.push(identifier);
  }
  return added;
}

export function withoutIdentifiers(list: readonly Identifier[], removed: readonly Identifier[]): Identifier[] {
  return list.filter((identifier) => !removed.some((gone) => sameIdentifier(gone, identifier)));
}
