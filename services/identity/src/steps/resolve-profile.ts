import { CjoError } from '@cjo/errors';
import { dlq, fromError, ok, type StepResult } from '@cjo/bus';
import { type Identifier, type IdentifierLink, sameIdentifier } from '../identifiers';
import { chooseProfile } from './choose-profile';

/** Where identifier -> profile links live (Postgres behind a cache). */
export interface IdentifierDirectory {
  /** The links that exist for these identifiers. */
  find(identifiers: Identifier[]): Promise<IdentifierLink[]>;
  /**
   * Links each identifier to `profileId` unless it is linked already, and
   * returns the links as stored: a concurrent writer may have won.
   */
  link(identifiers: Identifier[], profileId: string): Promise<IdentifierLink[]>;
}

/**
 * Known identifiers keep their profile; a first sighting gets a new profile id.
 * Linking then re-reading makes concurrent creators converge on the stored
 * link, and a redelivered event finds the links its first run wrote.
 */
export async function resolveProfile(
  directory: IdentifierDirectory,
  identifiers: Identifier[],
  newProfileId: () => string,
): Promise<StepResult<string>> {
  try {
    const known = await directory.find(identifiers);
    const missing = identifiers.filter((identifier) => !known.some((link) => sameIdentifier(link, identifier)));
    const candidate = chooseProfile(identifiers, known) ?? newProfileId();
    if (missing.length === 0) return ok(candidate);
    const stored = await directory.link(missing, candidate);
    const profileId = chooseProfile(identifiers, [...known, ...stored]);
    if (profileId === null) {
      return dlq(new CjoError('identity_link_lost', 'no identifier link was found right after linking'));
    }
    return ok(profileId);
  } catch (err) {
    return fromError(err);
  }
}
