import type { IdentityMerged, RawEvent } from '@cjo/contract';
import { event } from '../support/memory-graph';

/** What a scenario can do and see, on the pure planner or on a running service. */
export interface World {
  /** Processes the events one after the other, each resolved before the next is sent. */
  send(...events: RawEvent[]): Promise<void>;
  profileOf(messageId: string): Promise<string>;
  linkOf(type: string, value: string): Promise<string | undefined>;
  merges(): Promise<IdentityMerged[]>;
  conflicts(): Promise<Array<{ kind: string; profileId: string; otherProfileId: string | null; identifier: { type: string; value: string } }>>;
  /** Events that could not be attributed (they went to the DLQ). */
  dead(): Promise<string[]>;
}

export interface Scenario {
  name: string;
  run(world: World, id: (name: string) => string): Promise<void>;
}

const profilesOf = (world: World, events: RawEvent[]) => Promise.all(events.map((e) => world.profileOf(e.messageId)));

/** The scenario list (split then re-merge needs the admin API and lives with the service tests). */
export const scenarios: Scenario[] = [
  {
    name: 'anonymous browsing, then identify: the visitor keeps one profile',
    async run(world, id) {
      const browse = [event({ type: 'page', anonymousId: id('a') }), event({ type: 'page', anonymousId: id('a') })];
      const identify = event({ type: 'identify', userId: id('u'), anonymousId: id('a'), traits: { email: `${id('ada')}@example.com` } });
      const later = event({ userId: id('u') });
      await world.send(...browse, identify, later);
      const profiles = await profilesOf(world, [...browse, identify, later]);
      expect(new Set(profiles).size).toBe(1);
      expect(await world.linkOf('email', `${id('ada')}@example.com`)).toBe(profiles[0]);
      expect(await world.merges()).toEqual([]);
    },
  },
  {
    name: 'alias chains: every previousId aliased to the user ends on one profile',
    async run(world, id) {
      const first = event({ type: 'page', anonymousId: id('a1') });
      const alias1 = event({ type: 'alias', previousId: id('a1'), userId: id('u') });
      const second = event({ type: 'page', anonymousId: id('a2') });
      const alias2 = event({ type: 'alias', previousId: id('a2'), userId: id('u') });
      const alias3 = event({ type: 'alias', previousId: id('a3'), userId: id('u'), anonymousId: id('a4') });
      await world.send(first, alias1, second, alias2, alias3);
      const [p1, ...rest] = await profilesOf(world, [first, alias1, alias2, alias3]);
      expect(rest).toEqual([p1, p1, p1]);
      for (const anonymousId of ['a1', 'a2', 'a3', 'a4']) expect(await world.linkOf('anonymousId', id(anonymousId))).toBe(p1);
      const [merge] = await world.merges();
      expect(merge).toMatchObject({
        survivorProfileId: p1,
        mergedProfileId: await world.profileOf(second.messageId),
        identifiers: [{ type: 'anonymousId', value: id('a2') }],
        messageId: alias2.messageId,
        reason: `alias linked anonymousId ${id('a2')} to userId ${id('u')}`,
      });
    },
  },
  {
    name: 'two devices, one user: the older device profile survives the merge',
    async run(world, id) {
      const phone = event({ type: 'screen', anonymousId: id('phone') });
      const laptop = event({ type: 'page', anonymousId: id('laptop') });
      const loginLaptop = event({ type: 'identify', userId: id('u'), anonymousId: id('laptop') });
      const loginPhone = event({ type: 'identify', userId: id('u'), anonymousId: id('phone') });
      await world.send(phone, laptop, loginLaptop, loginPhone);
      const [phoneProfile, laptopProfile] = await profilesOf(world, [phone, laptop]);
      expect(phoneProfile).not.toBe(laptopProfile);
      expect(await world.profileOf(loginPhone.messageId)).toBe(phoneProfile);
      expect(await world.linkOf('userId', id('u'))).toBe(phoneProfile);
      expect(await world.linkOf('anonymousId', id('laptop'))).toBe(phoneProfile);
      expect(await world.merges()).toEqual([
        expect.objectContaining({
          survivorProfileId: phoneProfile,
          mergedProfileId: laptopProfile,
          identifiers: expect.arrayContaining([
            { type: 'anonymousId', value: id('laptop') },
            { type: 'userId', value: id('u') },
          ]),
          linkingIdentifiers: expect.arrayContaining([
            { type: 'userId', value: id('u') },
            { type: 'anonymousId', value: id('phone') },
          ]),
          messageId: loginPhone.messageId,
        }),
      ]);
    },
  },
  {
    name: 'one shared device, two users: each user keeps a profile and the device stays with the first',
    async run(world, id) {
      const ada = event({ type: 'identify', userId: id('ada'), anonymousId: id('kiosk') });
      const bob = event({ type: 'identify', userId: id('bob'), anonymousId: id('kiosk') });
      const bobLater = event({ userId: id('bob') });
      const anonymous = event({ type: 'page', anonymousId: id('kiosk') });
      await world.send(ada, bob, bobLater, anonymous);
      const [adaProfile, bobProfile, bobLaterProfile, anonymousProfile] = await profilesOf(world, [ada, bob, bobLater, anonymous]);
      expect(bobProfile).not.toBe(adaProfile);
      expect(bobLaterProfile).toBe(bobProfile);
      expect(anonymousProfile).toBe(adaProfile);
      expect(await world.merges()).toEqual([]);
      expect(await world.conflicts()).toEqual([
        { kind: 'merge_protection', profileId: bobProfile, otherProfileId: adaProfile, identifier: { type: 'anonymousId', value: id('kiosk') } },
      ]);
    },
  },
  {
    name: 'email normalisation: spaces and case do not make a new person',
    async run(world, id) {
      const identify = event({ type: 'identify', userId: id('u'), traits: { email: `  ${id('Ada')}@Example.COM ` } });
      const other = event({ type: 'page', anonymousId: id('a'), context: { traits: { email: `${id('ada')}@example.com`.toUpperCase() } } });
      await world.send(identify, other);
      const email = `${id('ada')}@example.com`.toLowerCase();
      expect(await world.linkOf('email', email)).toBe(await world.profileOf(identify.messageId));
      expect(await world.profileOf(other.messageId)).toBe(await world.profileOf(identify.messageId));
    },
  },
  {
    name: 'blocked values never link anything',
    async run(world, id) {
      const first = event({ type: 'identify', userId: 'guest', anonymousId: id('a1'), traits: { email: 'Unknown', phone: '0' } });
      const second = event({ type: 'identify', userId: 'GUEST', anonymousId: id('a2'), traits: { email: 'unknown', phone: '0' } });
      const nothing = event({ userId: 'null', anonymousId: 'undefined' });
      await world.send(first, second, nothing);
      expect(await world.profileOf(first.messageId)).not.toBe(await world.profileOf(second.messageId));
      expect(await world.linkOf('userId', 'guest')).toBeUndefined();
      expect(await world.linkOf('email', 'unknown')).toBeUndefined();
      expect(await world.dead()).toEqual([nothing.messageId]);
    },
  },
  {
    name: 'limits: a sixth anonymousId is not linked, and a merge over the limit is refused',
    async run(world, id) {
      const logins = [1, 2, 3, 4, 5].map((n) => event({ type: 'identify', userId: id('u'), anonymousId: id(`a${n}`) }));
      const sixth = event({ type: 'identify', userId: id('u'), anonymousId: id('a6') });
      const browsing = event({ type: 'page', anonymousId: id('a7') });
      const seventh = event({ type: 'identify', userId: id('u'), anonymousId: id('a7') });
      await world.send(...logins, sixth, browsing, seventh);
      const user = await world.profileOf(logins[0]!.messageId);
      expect(await world.profileOf(sixth.messageId)).toBe(user);
      expect(await world.linkOf('anonymousId', id('a6'))).toBeUndefined();
      expect(await world.profileOf(seventh.messageId)).toBe(user);
      expect(await world.linkOf('anonymousId', id('a7'))).toBe(await world.profileOf(browsing.messageId));
      expect(await world.merges()).toEqual([]);
      expect(await world.conflicts()).toEqual([
        { kind: 'limit_exceeded', profileId: user, otherProfileId: null, identifier: { type: 'anonymousId', value: id('a6') } },
        {
          kind: 'limit_exceeded',
          profileId: user,
          otherProfileId: await world.profileOf(browsing.messageId),
          identifier: { type: 'anonymousId', value: id('a7') },
        },
      ]);
    },
  },
  {
    name: 'two users sharing an email stay two profiles; the email stays with the first',
    async run(world, id) {
      const email = `${id('family')}@example.com`;
      const ada = event({ type: 'identify', userId: id('ada'), traits: { email } });
      const bob = event({ type: 'identify', userId: id('bob'), traits: { email } });
      await world.send(ada, bob);
      const [adaProfile, bobProfile] = await profilesOf(world, [ada, bob]);
      expect(adaProfile).not.toBe(bobProfile);
      expect(await world.linkOf('email', email)).toBe(adaProfile);
      expect(await world.conflicts()).toEqual([
        { kind: 'merge_protection', profileId: bobProfile, otherProfileId: adaProfile, identifier: { type: 'email', value: email } },
      ]);
    },
  },
  {
    name: 'out-of-order arrival: the identify processed before the earlier anonymous events still gives one profile',
    async run(world, id) {
      // The anonymous events are keyed by anonymousId and the identify by userId: other partitions, any order.
      const identify = event({ type: 'identify', userId: id('u'), anonymousId: id('a'), timestamp: 3_000 });
      const earlierPage = event({ type: 'page', anonymousId: id('a'), timestamp: 1_000 });
      const otherDevice = event({ type: 'page', anonymousId: id('b'), timestamp: 2_000 });
      const lateLogin = event({ type: 'identify', userId: id('u'), anonymousId: id('b'), timestamp: 2_500 });
      await world.send(identify, earlierPage, otherDevice, lateLogin);
      const profiles = await profilesOf(world, [identify, earlierPage, lateLogin]);
      expect(new Set(profiles).size).toBe(1);
      expect(await world.linkOf('anonymousId', id('b'))).toBe(profiles[0]);
    },
  },
];
