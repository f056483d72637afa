import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteDb, createPgliteHost } from '../src';
import { describeDbContract } from './db-contract';

// One host for the contract: each test's schema lives on it, as the services' schemas do in embedded mode.
const host = createPgliteHost();
afterAll(() => host.close());

describeDbContract('pglite', {
  open: (schema) => host.db(schema),
  openRacingPair: (schema) => [host.db(schema), host.db(schema)],
  cleanup: async () => {},
});

describe('createPgliteHost', () => {
  it('keeps schemas sharing one instance apart', async () => {
    const identity = host.db('identity_isolation');
    const profiles = host.db('profiles_isolation');
    await identity.query('CREATE TABLE things (name text)');
    await profiles.query('CREATE TABLE things (name text)');
    await Promise.all([
      identity.query('INSERT INTO things VALUES ($1)', ['from identity']),
      profiles.transaction((tx) => tx.query('INSERT INTO things VALUES ($1)', ['from profiles'])),
    ]);
    expect((await identity.query('SELECT name FROM things')).rows).toEqual([{ name: 'from identity' }]);
    expect((await profiles.query('SELECT name FROM things')).rows).toEqual([{ name: 'from profiles' }]);
  });
});

describe('createPgliteDb with a data directory', () => {
  let dataDir = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cjo-pglite-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data across reopen', async () => {
    const first = createPgliteDb({ dataDir, schema: 'journeys' });
    await first.query('CREATE TABLE kept (id text PRIMARY KEY)');
    await first.query('INSERT INTO kept VALUES ($1)', ['survivor']);
    await first.close();

    const second = createPgliteDb({ dataDir, schema: 'journeys' });
    try {
      expect((await second.query('SELECT id FROM kept')).rows).toEqual([{ id: 'survivor' }]);
    } finally {
      await second.close();
    }
  });
});
