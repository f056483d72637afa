import { CjoError } from '@cjo/errors';
import type { CountryCode } from 'libphonenumber-js';

/** How a type's raw values become stored values. */
export const NORMALISATIONS = ['none', 'trim', 'lowercase', 'email', 'phone'] as const;
export type Normalisation = (typeof NORMALISATIONS)[number];

/** Where a type was defined: fixed in code, by the service's configuration, or through the admin API (stored). */
export type TypeSource = 'builtin' | 'config' | 'api';

/** Event parts a configured type may read from (the JSON fields of a RawEvent). */
export const PATH_ROOTS = ['traits', 'context', 'properties', 'integrations'] as const;
export type PathRoot = (typeof PATH_ROOTS)[number];

export const PATH_PATTERN = `^(${PATH_ROOTS.join('|')})(\\.[^.|@=,\\s]+)+$`;

export interface IdentifierTypeDefinition {
  type: string;
  /** Dotted paths into the event (`traits.email`, `context.device.id`); userId and anonymousId read the top-level fields. */
  paths: readonly string[];
  normalisation: Normalisation;
  /** Most identifiers of this type one profile may have (always 1 for userId). */
  maxPerProfile: number;
  source: TypeSource;
}

/** A type as configuration or the API define it; the limit defaults to the installation's default. */
export interface CustomTypeInput {
  type: string;
  paths: string[];
  normalisation: Normalisation;
  maxPerProfile: number | null;
}

/** Everything resolution needs to know about identifiers, as one immutable snapshot. */
export interface IdentityRules {
  /**
   * In precedence order: an event goes to the profile of its first known identifier in this
   * order (userId, email, phone, configured types, API types, anonymousId last: devices are shared).
   */
  readonly types: readonly IdentifierTypeDefinition[];
  typeOf(type: string): IdentifierTypeDefinition | undefined;
  /** Position in the precedence order (unknown types last). */
  rankOf(type: string): number;
  limitOf(type: string): number;
  /** Compared after normalisation, trimmed and case-insensitively; an empty value is always blocked. */
  isBlocked(value: string): boolean;
  readonly blockedValues: readonly string[];
  readonly defaultLimit: number;
  /** Country assumed for phone numbers written without an international prefix. */
  readonly phoneCountry: CountryCode | undefined;
}

export interface RulesOptions {
  blockedValues: readonly string[];
  defaultLimit: number;
  /** Per-type limits overriding the default (userId may only be 1). */
  limits: Readonly<Record<string, number>>;
  configTypes: readonly CustomTypeInput[];
  apiTypes: readonly CustomTypeInput[];
  phoneCountry?: CountryCode | undefined;
}

export const DEFAULT_BLOCKED_VALUES = ['null', 'undefined', '0', '-1', 'anonymous', 'guest', 'unknown', 'test', 'none', 'nan'];

function builtin(type: string, paths: string[], normalisation: Normalisation, limit: number): IdentifierTypeDefinition {
  return { type, paths, normalisation, maxPerProfile: limit, source: 'builtin' };
}

export function isBuiltinType(type: string): boolean {
  return type === 'userId' || type === 'anonymousId' || type === 'email' || type === 'phone';
}

export function buildRules(options: RulesOptions): IdentityRules {
  const limitOf = (type: string): number => options.limits[type] ?? options.defaultLimit;
  if (options.limits.userId !== undefined && options.limits.userId !== 1) {
    throw new CjoError('identity_invalid_rules', `a profile has exactly one userId; a limit of ${options.limits.userId} is not allowed`);
  }
  const custom = (input: CustomTypeInput, source: TypeSource): IdentifierTypeDefinition => ({
    type: input.type,
    paths: [...input.paths],
    normalisation: input.normalisation,
    maxPerProfile: input.maxPerProfile ?? limitOf(input.type),
    source,
  });
  const configured = options.configTypes.map((input) => custom(input, 'config'));
  const configNames = new Set(configured.map((definition) => definition.type));
  // A stored type that configuration now defines too is shadowed: configuration wins.
  const fromApi = options.apiTypes
    .filter((input) => !configNames.has(input.type) && !isBuiltinType(input.type))
    .map((input) => custom(input, 'api'))
    .sort((a, b) => (a.type < b.type ? -1 : 1));
  const types: IdentifierTypeDefinition[] = [
    builtin('userId', ['userId'], 'none', 1),
    builtin('email', ['traits.email', 'context.traits.email'], 'email', limitOf('email')),
    builtin('phone', ['traits.phone', 'context.traits.phone'], 'phone', limitOf('phone')),
    ...configured,
    ...fromApi,
    builtin('anonymousId', ['anonymousId', 'previousId'], 'none', limitOf('anonymousId')),
  ];
  const byType = new Map(types.map((definition, rank) => [definition.type, { definition, rank }]));
  const blocked = new Set(options.blockedValues.map((value) => value.trim().toLowerCase()));
  return {
    types,
    typeOf: (type) => byType.get(type)?.definition,
    rankOf: (type) => byType.get(type)?.rank ?? types.length,
    limitOf: (type) => byType.get(type)?.definition.maxPerProfile ?? limitOf(type),
    isBlocked(value) {
      const folded = value.trim().toLowerCase();
      return folded === '' || blocked.has(folded);
    },
    blockedValues: [...options.blockedValues],
    defaultLimit: options.defaultLimit,
    phoneCountry: options.phoneCountry,
  };
}
