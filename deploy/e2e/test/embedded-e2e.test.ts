import { createLogger } from '@cjo/log';
import { waitFor } from '@cjo/testkit';
import { startEmbeddedPlatform, type EmbeddedPlatform } from '@cjo/embedded';
import { setUpWelcomeJourney, track } from './platform-client';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

describe('embedded mode end to end', () => {
  const adminToken = 'embedded-test-admin-token';
  let platform: EmbeddedPlatform;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    platform = await startEmbeddedPlatform({
      logger: createLogger({ name: 'embedded-e2e', level: 'warn' }),
      port: 0,
      host: '127.0.0.1',
      adminToken,
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('a tracked event makes the journey webhook fire once, with the rendered message', async () => {
    const urls = { ingest: platform.url, journeys: platform.url };
    const { writeKey, journeyId } = await setUpWelcomeJourney(urls, adminToken, receiver.url);

    expect(await track(urls, writeKey, { userId: 'user-1', event: 'Signed Up', properties: { plan: 'pro' } })).toBe(200);
    expect(await track(urls, writeKey, { userId: 'user-1', event: 'Page Viewed' })).toBe(200);

    await waitFor(() => receiver.received.length >= 1, { timeoutMs: 10_000, message: 'webhook never arrived' });
    const [webhook] = receiver.received;
    expect(webhook?.path).toBe('/hook');
    expect(webhook?.body).toMatchObject({ journeyId, channel: 'webhook', content: 'Welcome, pro user!' });
    expect(webhook?.headers['idempotency-key']).toEqual(expect.any(String));

    // The non-trigger event must not cause a second webhook.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(1);
  });

  it('serves health, metrics and one OpenAPI document for all services', async () => {
    expect((await fetch(`${platform.url}/health/ready`)).status).toBe(200);
    expect(await (await fetch(`${platform.url}/metrics`)).text()).toContain('# TYPE');
    expect(await (await fetch(`${platform.url}/metrics`)).text()).toMatch(/cjo_bus_messages_processed_total\{[^}]*result="ok"/);
    const openapi = (await (await fetch(`${platform.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/track', '/v1/sources', '/v1/journeys']));
  });
});
