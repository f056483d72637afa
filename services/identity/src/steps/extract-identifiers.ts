import { CjoError } from '@cjo/errors';
import { dlq, ok, type StepResult } from '@cjo/bus';
import type { RawEvent } from '@cjo/contract';
import { keyOf, MAX_VALUE_LENGTH, type Identifier } from '../identifiers';
import type { IdentityRules, PathRoot } from '../rules/identity-rules';
import { normalise } from '../rules/normalise';

export interface IgnoredValue {
  type: string;
  value: string;
  reason: 'blocked' | 'too_long';
}

export interface Extraction {
  /** Normalised, without duplicates, in the rules' precedence order. */
  identifiers: Identifier[];
  /** Values that were present but may never link anything. */
  ignored: IgnoredValue[];
}

type EventFields = Pick<
  RawEvent,
  'messageId' | 'userId' | 'anonymousId' | 'previousId' | 'traitsJson' | 'contextJson' | 'propertiesJson' | 'integrationsJson'
>;

const JSON_FIELDS: Record<PathRoot, keyof EventFields> = {
  traits: 'traitsJson',
  context: 'contextJson',
  properties: 'propertiesJson',
  integrations: 'integrationsJson',
};

/**
 * The identifiers an event carries, as the rules define them. The JSON fields are parsed only when
 * their text mentions a key a type reads, which most events' do not. An event left with no usable
 * identifier (all blocked) can never be attributed to a profile, so it goes to the DLQ.
 */
export function extractIdentifiers(event: EventFields, rules: IdentityRules): StepResult<Extraction> {
  const parsed = new Map<PathRoot, unknown>();
  const seen = new Set<string>();
  const identifiers: Identifier[] = [];
  const ignored: IgnoredValue[] = [];
  for (const definition of rules.types) {
    for (const path of definition.paths) {
      for (const raw of valuesAt(event, path, parsed)) {
        const value = normalise(raw, definition.normalisation, rules.phoneCountry);
        if (rules.isBlocked(value)) {
          ignored.push({ type: definition.type, value, reason: 'blocked' });
        } else if (value.length > MAX_VALUE_LENGTH) {
          ignored.push({ type: definition.type, value: `${value.slice(0, 64)}…`, reason: 'too_long' });
        } else {
          const identifier = { type: definition.type, value };
          if (seen.has(keyOf(identifier))) continue;
          seen.add(keyOf(identifier));
          identifiers.push(identifier);
        }
      }
    }
  }
  if (identifiers.length === 0) {
    const what = ignored.length === 0 ? 'no identifier' : `only blocked identifiers (${ignored.map((i) => `${i.type} "${i.value}"`).join(', ')})`;
    return dlq(new CjoError('identity_no_identifier', `event ${event.messageId} carries ${what}, so it cannot be attributed to a profile`));
  }
  return ok({ identifiers, ignored });
}

function valuesAt(event: EventFields, path: string, parsed: Map<PathRoot, unknown>): string[] {
  if (path === 'userId' || path === 'anonymousId' || path === 'previousId') {
    const value = event[path];
    return value === null ? [] : [value];
  }
  const segments = path.split('.');
  const root = segments[0] as PathRoot;
  const leaf = segments[segments.length - 1] ?? '';
  const text = event[JSON_FIELDS[root]] ?? '{}';
  if (!text.includes(`"${leaf}"`)) return [];
  if (!parsed.has(root)) parsed.set(root, parseObject(text));
  let node = parsed.get(root);
  for (const segment of segments.slice(1)) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
    node = (node as Record<string, unknown>)[segment];
  }
  return (Array.isArray(node) ? node : [node]).flatMap(scalarText);
}

function scalarText(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' && Number.isFinite(value)) return [String(value)];
  return [];
}

/** Ingest only writes JSON objects; anything unreadable simply carries no identifiers. */
function parseObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
