import { createMemoryBus, type MemoryBus } from '@cjo/bus';
import { createContract, topicSpecs } from '@cjo/contract';
import { CjoError } from '@cjo/errors';
import { handleTrack, type TrackHandlerDeps } from '../src/handler';
import type { SourceLookup } from '../src/steps/authenticate';

const contract = createContract();
const authorization = `Basic ${Buffer.from('wk:').toString('base64')}`;

describe('handleTrack', () => {
  let bus: MemoryBus;

  beforeEach(async () => {
    bus = createMemoryBus();
    await bus.ensureTopics(topicSpecs());
  });

  afterEach(async () => {
    await bus.close();
  });

  function deps(lookupSource: SourceLookup): TrackHandlerDeps {
    return { bus, codec: contract.codec('rawEvents'), lookupSource, now: () => 1_000, newId: () => 'id-1' };
  }

  it('answers 200 once the event is published', async () => {
    await expect(handleTrack(deps(async () => 'source-1'), authorization, { userId: 'u', event: 'e' })).resolves.toEqual({
      statusCode: 200,
    });
  });

  it('answers 503 with the error code but without internal details when the database is down', async () => {
    const outage = new CjoError('db_unavailable', 'database unavailable: connect ECONNREFUSED 10.0.0.5:5432', {
      retriable: true,
    });
    const reply = await handleTrack(deps(() => Promise.reject(outage)), authorization, { userId: 'u', event: 'e' });
    expect(reply).toEqual({
      statusCode: 503,
      code: 'db_unavailable',
      message: expect.not.stringContaining('10.0.0.5'),
      cause: outage,
      retryAfterSeconds: 5,
    });
  });

  it('answers 500 without the message of an unexpected failure', async () => {
    const reply = await handleTrack(deps(() => Promise.reject(new Error('relation "sources" does not exist'))), authorization, {
      userId: 'u',
      event: 'e',
    });
    expect(reply).toMatchObject({ statusCode: 500, code: 'internal_error', message: 'internal error' });
  });
});
