import { checkService } from '../src/check-service';
import { describeWithInfra, infraUrls } from '../src/index';

describeWithInfra(['kafka', 'postgres', 'redis'], 'checkService on real infrastructure', () => {
  const urls = infraUrls();

  it('recognises each running service and names its version', async () => {
    const kafka = await checkService('kafka', urls.kafkaBrokers.join(','));
    expect(kafka).toEqual({ ok: true, detail: expect.stringMatching(/^Kafka cluster \S+, 1 broker\(s\)$/) });
    expect(await checkService('postgres', urls.databaseUrl)).toEqual({
      ok: true,
      detail: expect.stringMatching(/^PostgreSQL \d+/),
    });
    expect(await checkService('redis', urls.redisUrl)).toEqual({
      ok: true,
      detail: expect.stringMatching(/^Redis \d+\./),
    });
  });
});

describe('checkService on closed ports', () => {
  it.each([
    ['kafka', '127.0.0.1:1'],
    ['postgres', 'postgres://postgres@127.0.0.1:1/postgres'],
    ['redis', 'redis://127.0.0.1:1'],
  ] as const)('reports %s at %s as not answering', async (service, url) => {
    const outcome = await checkService(service, url);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.reason).toMatch(/^does not answer \(.+\)$/);
  });
});
