/** The identifier kinds the skeleton resolves; their names mirror the Segment fields they come from. */
export const IDENTIFIER_TYPES = ['userId', 'anonymousId'] as const;

export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export interface Identifier {
  type: IdentifierType;
  value: string;
}

export interface IdentifierLink extends Identifier {
  profileId: string;
}

export function sameIdentifier(a: Identifier, b: Identifier): boolean {
  return a.type === b.type && a.value === b.value;
}
