import { describeWithInfra, dropPgSchema, infraUrls } from '@cjo/testkit';
import { createPgDb } from '../src';
import { describeDbContract } from './db-contract';

const url = infraUrls().databaseUrl;

describeWithInfra(['postgres'], 'createPgDb', () => {
  describeDbContract('pg', {
    open: (schema) => createPgDb({ url, schema, max: 4 }),
    openRacingPair: (schema) => [createPgDb({ url, schema, max: 2 }), createPgDb({ url, schema, max: 2 })],
    openUnreachable: () =>
      createPgDb({ url: 'postgres://postgres@127.0.0.1:1/x', schema: 'unreachable', connectTimeoutMs: 1_000 }),
    async cleanup(schemas) {
      for (const schema of schemas) await dropPgSchema(url, schema);
    },
  });

  it('refuses schema names that are not plain identifiers', () => {
    expect(() => createPgDb({ url, schema: 'x"; DROP TABLE y; --' })).toThrow(/schema name/);
    expect(() => createPgDb({ url, schema: 'Upper' })).toThrow(/schema name/);
  });
});
