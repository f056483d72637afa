import { IDENTIFIER_TYPES, type Identifier, type IdentifierLink, sameIdentifier } from '../identifiers';

/**
 * Picks the profile an event belongs to from the links found for its
 * identifiers: the userId's profile wins over the anonymousId's (merging two
 * existing profiles is a later concern). Null when none is linked yet.
 */
export function chooseProfile(identifiers: Identifier[], links: IdentifierLink[]): string | null {
  for (const type of IDENTIFIER_TYPES) {
    const identifier = identifiers.find((candidate) => candidate.type === type);
    if (identifier === undefined) continue;
    const link = links.find((candidate) => sameIdentifier(candidate, identifier));
    if (link !== undefined) return link.profileId;
  }
  return null;
}
