import { uniqueName } from '../src/index';

describe('uniqueName', () => {
  it('starts with the prefix and adds a random lowercase part', () => {
    expect(uniqueName('bus')).toMatch(/^bus_[0-9a-f]{12}$/);
  });

  it('differs on every call', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('t')));
    expect(names.size).toBe(100);
  });

  it('turns any prefix into a name valid for topics, groups, schemas and key prefixes', () => {
    const name = uniqueName('Profiles Test/Run-1');
    expect(name).toMatch(/^profiles_test_run_1_[0-9a-f]{12}$/);
    expect(uniqueName('9lives')).toMatch(/^t9lives_/);
    expect(uniqueName('')).toMatch(/^t_[0-9a-f]{12}$/);
  });

  it('stays within the Postgres identifier limit', () => {
    expect(uniqueName('x'.repeat(200)).length).toBeLessThanOrEqual(63);
  });
});
