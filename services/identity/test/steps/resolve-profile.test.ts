import { CjoError } from '@cjo/errors';
import { type Identifier, type IdentifierLink, sameIdentifier } from '../../src/identifiers';
import { resolveProfile, type IdentifierDirectory } from '../../src/steps/resolve-profile';

/** A directory over an array, with an optional rival that links first (a concurrent creator). */
function arrayDirectory(links: IdentifierLink[], rival?: IdentifierLink): IdentifierDirectory {
  const find = async (identifiers: Identifier[]) =>
    links.filter((link) => identifiers.some((identifier) => sameIdentifier(link, identifier)));
  return {
    find,
    async link(identifiers, profileId) {
      if (rival !== undefined) links.push(rival);
      for (const identifier of identifiers) {
        if (!links.some((link) => sameIdentifier(link, identifier))) links.push({ ...identifier, profileId });
      }
      return find(identifiers);
    },
  };
}

const user: Identifier = { type: 'userId', value: 'u1' };
const anon: Identifier = { type: 'anonymousId', value: 'a1' };

describe('resolveProfile', () => {
  it('creates a profile for unknown identifiers and links them all', async () => {
    const links: IdentifierLink[] = [];
    const result = await resolveProfile(arrayDirectory(links), [user, anon], () => 'p-new');
    expect(result).toEqual({ type: 'ok', value: 'p-new' });
    expect(links).toEqual([
      { ...user, profileId: 'p-new' },
      { ...anon, profileId: 'p-new' },
    ]);
  });

  it('links a new userId to the profile of the known anonymousId', async () => {
    const links: IdentifierLink[] = [{ ...anon, profileId: 'p-anon' }];
    const result = await resolveProfile(arrayDirectory(links), [user, anon], () => 'p-new');
    expect(result).toEqual({ type: 'ok', value: 'p-anon' });
    expect(links).toContainEqual({ ...user, profileId: 'p-anon' });
  });

  it('lets the userId profile win without relinking when both are known', async () => {
    const links: IdentifierLink[] = [
      { ...anon, profileId: 'p-anon' },
      { ...user, profileId: 'p-user' },
    ];
    const newId = jest.fn(() => 'p-new');
    await expect(resolveProfile(arrayDirectory(links), [user, anon], newId)).resolves.toEqual({
      type: 'ok',
      value: 'p-user',
    });
    expect(newId).not.toHaveBeenCalled();
    expect(links).toHaveLength(2);
  });

  it('converges on the profile a concurrent creator stored first', async () => {
    const links: IdentifierLink[] = [];
    const result = await resolveProfile(arrayDirectory(links, { ...user, profileId: 'p-rival' }), [user], () => 'p-mine');
    expect(result).toEqual({ type: 'ok', value: 'p-rival' });
  });

  it('asks for a retry when the directory is unavailable', async () => {
    const outage = new CjoError('db_unavailable', 'down', { retriable: true });
    const directory: IdentifierDirectory = { find: () => Promise.reject(outage), link: () => Promise.reject(outage) };
    await expect(resolveProfile(directory, [user], () => 'p')).resolves.toEqual({ type: 'retry', error: outage });
  });

  it('sends an unexpected failure to the DLQ', async () => {
    const directory: IdentifierDirectory = {
      find: () => Promise.reject(new Error('bug')),
      link: () => Promise.reject(new Error('bug')),
    };
    const result = await resolveProfile(directory, [user], () => 'p');
    expect(result.type).toBe('dlq');
  });
});
