import { uniqueName } from '@cjo/testkit';
import type { Kv } from '../src';

export interface KvContractTarget {
  /** A new Kv whose keys all start with prefix. */
  open(prefix: string): Kv;
  /** Lets `ms` of the store's time pass (a fake clock, or real waiting). */
  elapse(ms: number): Promise<void>;
  /** Removes every key under prefix. */
  cleanup(prefix: string): Promise<void>;
}

export function uniquePrefix(label: string): string {
  return `${uniqueName(`kv_${label}`)}:`;
}

const TTL_MS = 150;
const PAST_TTL_MS = 250;

/** One suite, run against every Kv implementation, so both behave alike. */
export function describeKvContract(label: string, target: KvContractTarget): void {
  describe(`Kv contract: ${label}`, () => {
    let prefix = '';
    let kv: Kv;
    const others: Kv[] = [];

    beforeEach(() => {
      prefix = uniquePrefix(label);
      kv = target.open(prefix);
    });

    afterEach(async () => {
      await Promise.all([kv, ...others.splice(0)].map((store) => store.close()));
      await target.cleanup(prefix);
    });

    it('sets, gets and deletes values', async () => {
      expect(await kv.get('missing')).toBeNull();
      expect(await kv.set('a', '1')).toBe(true);
      expect(await kv.get('a')).toBe('1');
      expect(await kv.set('a', '2')).toBe(true);
      expect(await kv.get('a')).toBe('2');
      await kv.del('a');
      await kv.del('never-existed');
      expect(await kv.get('a')).toBeNull();
    });

    it('keeps stores with different prefixes apart', async () => {
      const other = target.open(`${prefix}other:`);
      others.push(other);
      await kv.set('shared', 'mine');
      expect(await other.get('shared')).toBeNull();
      await other.set('shared', 'theirs');
      expect(await kv.get('shared')).toBe('mine');
    });

    it('writes onlyIfAbsent values once', async () => {
      expect(await kv.set('lock', 'first', { onlyIfAbsent: true })).toBe(true);
      expect(await kv.set('lock', 'second', { onlyIfAbsent: true })).toBe(false);
      expect(await kv.get('lock')).toBe('first');
    });

    it('expires values after their TTL', async () => {
      await kv.set('session', 'x', { ttlMs: TTL_MS });
      await kv.set('forever', 'y');
      expect(await kv.get('session')).toBe('x');
      await target.elapse(PAST_TTL_MS);
      expect(await kv.get('session')).toBeNull();
      expect(await kv.get('forever')).toBe('y');
    });

    it('lets onlyIfAbsent succeed again once the TTL has passed', async () => {
      expect(await kv.set('lock', 'a', { onlyIfAbsent: true, ttlMs: TTL_MS })).toBe(true);
      expect(await kv.set('lock', 'b', { onlyIfAbsent: true, ttlMs: TTL_MS })).toBe(false);
      await target.elapse(PAST_TTL_MS);
      expect(await kv.set('lock', 'c', { onlyIfAbsent: true })).toBe(true);
      expect(await kv.get('lock')).toBe('c');
    });

    it('reads and writes several keys at once', async () => {
      expect(await kv.getMany([])).toEqual([]);
      expect(await kv.setMany([])).toEqual([]);
      await kv.set('b', 'old');
      expect(await kv.setMany([{ key: 'a', value: '1' }, { key: 'b', value: '2' }])).toEqual([true, true]);
      expect(await kv.getMany(['a', 'missing', 'b'])).toEqual(['1', null, '2']);
    });

    it('writes onlyIfAbsent entries of setMany key by key, with their TTL', async () => {
      await kv.set('taken', 'first');
      const written = await kv.setMany(
        [
          { key: 'taken', value: 'second' },
          { key: 'free', value: 'mine' },
        ],
        { onlyIfAbsent: true, ttlMs: TTL_MS },
      );
      expect(written).toEqual([false, true]);
      expect(await kv.getMany(['taken', 'free'])).toEqual(['first', 'mine']);
      await target.elapse(PAST_TTL_MS);
      expect(await kv.getMany(['taken', 'free'])).toEqual(['first', null]);
      await expect(kv.setMany([{ key: 'x', value: 'y' }], { ttlMs: -1 })).rejects.toMatchObject({ code: 'kv_invalid_argument' });
    });

    it('increments counters from zero', async () => {
      expect(await kv.incrBy('n', 1)).toBe(1);
      expect(await kv.incrBy('n', 5)).toBe(6);
      expect(await kv.incrBy('n', -2)).toBe(4);
      expect(await kv.get('n')).toBe('4');
    });

    it('starts a TTL window on the first increment and does not extend it', async () => {
      expect(await kv.incrBy('window', 1, TTL_MS)).toBe(1);
      await target.elapse(TTL_MS / 2);
      expect(await kv.incrBy('window', 1, TTL_MS)).toBe(2);
      await target.elapse(TTL_MS / 2 + 50);
      expect(await kv.get('window')).toBeNull();
      expect(await kv.incrBy('window', 1, TTL_MS)).toBe(1);
    });

    it('setIfAbsentMany writes only missing keys and reports what the others held', async () => {
      await kv.set('taken', 'theirs');
      const replies = await kv.setIfAbsentMany(
        [
          { key: 'free', value: 'mine' },
          { key: 'taken', value: 'mine' },
          { key: 'free', value: 'again' },
        ],
        { ttlMs: TTL_MS },
      );
      expect(replies).toEqual([null, 'theirs', 'mine']);
      expect(await kv.getMany(['free', 'taken'])).toEqual(['mine', 'theirs']);
      await target.elapse(PAST_TTL_MS);
      expect(await kv.setIfAbsentMany([{ key: 'free', value: 'later' }])).toEqual([null]);
      expect(await kv.get('free')).toBe('later');
    });

    it('deleteIfValue deletes only keys that hold the given value', async () => {
      await kv.setMany([
        { key: 'a', value: 'x' },
        { key: 'b', value: 'y' },
      ]);
      const deleted = await kv.deleteIfValue([
        { key: 'a', value: 'x' },
        { key: 'b', value: 'not-y' },
        { key: 'missing', value: 'x' },
      ]);
      expect(deleted).toBe(1);
      expect(await kv.getMany(['a', 'b'])).toEqual([null, 'y']);
    });

    it('rejects increments of non-integer values and bad arguments without retrying', async () => {
      await kv.set('text', 'hello');
      await expect(kv.incrBy('text', 1)).rejects.toMatchObject({ code: 'kv_command_failed', retriable: false });
      await expect(kv.incrBy('n', 1.5)).rejects.toMatchObject({ code: 'kv_invalid_argument' });
      await expect(kv.set('n', 'x', { ttlMs: 0 })).rejects.toMatchObject({ code: 'kv_invalid_argument' });
    });
  });
}
