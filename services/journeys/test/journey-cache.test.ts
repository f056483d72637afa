import { createJourneyCache } from '../src/journey-cache';
import type { Journey } from '../src/journey';
import { journey } from './fixtures';

function setup(initial: Journey[]) {
  let clock = 0;
  let stored = initial;
  let loads = 0;
  const cache = createJourneyCache({
    load: async () => {
      loads += 1;
      return stored;
    },
    now: () => clock,
    refreshMs: 1000,
  });
  return {
    cache,
    loads: () => loads,
    advance: (ms: number) => {
      clock += ms;
    },
    store: (journeys: Journey[]) => {
      stored = journeys;
    },
  };
}

describe('createJourneyCache', () => {
  it('groups journeys by trigger event', async () => {
    const signup = journey({ id: 'signup', trigger: { event: 'Signed Up' } });
    const order = journey({ id: 'order' });
    const { cache } = setup([signup, order]);
    expect(await cache.activeFor('Signed Up')).toEqual([signup]);
    expect(await cache.activeFor('Order Completed')).toEqual([order]);
    expect(await cache.activeFor('Unknown')).toEqual([]);
  });

  it('re-reads at most once per refresh interval', async () => {
    const t = setup([journey()]);
    await t.cache.activeFor('Order Completed');
    t.advance(999);
    await t.cache.activeFor('Order Completed');
    expect(t.loads()).toBe(1);
    t.store([]);
    t.advance(1);
    expect(await t.cache.activeFor('Order Completed')).toEqual([]);
    expect(t.loads()).toBe(2);
  });

  it('shares one load between concurrent lookups', async () => {
    const t = setup([journey()]);
    await Promise.all([t.cache.activeFor('Order Completed'), t.cache.activeFor('Order Completed')]);
    expect(t.loads()).toBe(1);
  });

  it('re-reads immediately after invalidate', async () => {
    const t = setup([]);
    expect(await t.cache.activeFor('Order Completed')).toEqual([]);
    const created = journey();
    t.store([created]);
    t.cache.invalidate();
    expect(await t.cache.activeFor('Order Completed')).toEqual([created]);
  });

  it('does not keep a load that was running when it was invalidated', async () => {
    let release: (journeys: Journey[]) => void = () => undefined;
    const created = journey();
    let loads = 0;
    const cache = createJourneyCache({
      load: () => {
        loads += 1;
        if (loads === 1) return new Promise<Journey[]>((resolve) => (release = resolve));
        return Promise.resolve([created]);
      },
      now: () => 0,
      refreshMs: 1000,
    });
    const stale = cache.activeFor('Order Completed');
    cache.invalidate();
    const fresh = cache.activeFor('Order Completed');
    release([]);
    expect(await stale).toEqual([]);
    expect(await fresh).toEqual([created]);
    expect(await cache.activeFor('Order Completed')).toEqual([created]);
    expect(loads).toBe(2);
  });
});
