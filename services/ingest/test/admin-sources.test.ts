import { describeWithInfra } from '@cjo/testkit';
import { admin, basicAuth, startIngest, type IngestHarness } from './support/ingest-harness';

describeWithInfra(['postgres', 'redis'], 'ingest admin API: sources', () => {
  let ingest: IngestHarness;

  beforeEach(async () => {
    ingest = await startIngest();
  });

  afterEach(async () => {
    await ingest.dispose();
  });

  const trackWith = (writeKey: string, event = 'e') => ingest.post('/v1/track', { userId: 'u', event }, basicAuth(writeKey));

  it('lists sources without their write keys', async () => {
    const web = await ingest.createSource('web');
    const app = await ingest.createSource('app');
    const response = await ingest.inject({ method: 'GET', url: '/v1/sources', headers: admin });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.sources).toEqual(
      expect.arrayContaining([
        { id: web.id, name: 'web', createdAt: expect.any(String), disabled: false, disabledAt: null },
        { id: app.id, name: 'app', createdAt: expect.any(String), disabled: false, disabledAt: null },
      ]),
    );
    expect(response.body).not.toContain(web.writeKey);
    expect(response.body).not.toMatch(/write_?key/i);
  });

  it('rotates a write key: the new key works and the old one stops at once, though it was cached', async () => {
    const source = await ingest.createSource('rotating');
    expect((await trackWith(source.writeKey, 'before')).statusCode).toBe(200);

    const rotated = await ingest.inject({ method: 'POST', url: `/v1/sources/${source.id}/rotate-key`, headers: admin });
    expect(rotated.statusCode).toBe(200);
    const { writeKey } = rotated.json();
    expect(rotated.json()).toEqual({ id: source.id, name: 'rotating', writeKey: expect.stringMatching(/^[\w-]{32}$/) });
    expect(writeKey).not.toBe(source.writeKey);

    const old = await trackWith(source.writeKey, 'with old key');
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await trackWith(writeKey, 'with new key')).statusCode).toBe(200);
    expect(ingest.published().map((event) => [event.event, event.sourceId])).toEqual([
      ['before', source.id],
      ['with new key', source.id],
    ]);
  });

  it('disables a source: its cached key is refused at once with 403 source_disabled', async () => {
    const source = await ingest.createSource('disabling');
    expect((await trackWith(source.writeKey)).statusCode).toBe(200);

    const disabled = await ingest.inject({ method: 'POST', url: `/v1/sources/${source.id}/disable`, headers: admin });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id: source.id, disabled: true, disabledAt: expect.any(String) });

    const refused = await trackWith(source.writeKey);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'source_disabled', message: expect.any(String) } });
    const listed = (await ingest.inject({ method: 'GET', url: '/v1/sources', headers: admin })).json();
    expect(listed.sources).toEqual([expect.objectContaining({ id: source.id, disabled: true })]);
    // Disabling twice keeps the first time.
    const again = await ingest.inject({ method: 'POST', url: `/v1/sources/${source.id}/disable`, headers: admin });
    expect(again.json().disabledAt).toBe(disabled.json().disabledAt);
    expect(ingest.published()).toHaveLength(1);
  });

  it.each([
    ['rotate-key', 'an unknown source', '00000000-0000-4000-8000-000000000000', 404, 'source_not_found'],
    ['disable', 'an unknown source', '00000000-0000-4000-8000-000000000000', 404, 'source_not_found'],
    ['disable', 'an id that is not a uuid', 'not-a-uuid', 400, 'invalid_request'],
  ])('%s answers %s with %i', async (action, _label, id, status, code) => {
    const response = await ingest.inject({ method: 'POST', url: `/v1/sources/${id}/${action}`, headers: admin });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error: { code } });
  });

  it.each([
    ['GET', '/v1/sources'],
    ['POST', '/v1/sources/00000000-0000-4000-8000-000000000000/rotate-key'],
    ['POST', '/v1/sources/00000000-0000-4000-8000-000000000000/disable'],
  ] as const)('%s %s needs the admin token', async (method, url) => {
    const response = await ingest.inject({ method, url, headers: basicAuth('some-write-key') });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});
