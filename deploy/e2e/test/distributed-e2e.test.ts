import { describeWithInfra, uniqueName, waitFor } from '@cjo/testkit';
import { removeNamespace } from './infra-cleanup';
import { setUpWelcomeJourney, track } from './platform-client';
import { startServiceProcess, type ServiceName, type ServiceProcess } from './service-process';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

const services: readonly ServiceName[] = ['ingest', 'identity', 'profiles', 'journeys', 'decisioning', 'delivery'];

describeWithInfra(['kafka', 'postgres', 'redis'], 'distributed deployment end to end (six processes, real Kafka/Postgres/Redis)', () => {
  const namespace = uniqueName('e2e');
  const adminToken = 'distributed-test-admin-token';
  const running = new Map<ServiceName, ServiceProcess>();
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const env = { CJO_NAMESPACE: namespace, CJO_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' };
    // Started one by one: two cores, and each joins its consumer group.
    for (const name of services) running.set(name, await startServiceProcess(name, env));
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.kill('SIGTERM')));
    await receiver?.close();
    await removeNamespace(namespace, services);
  }, 60_000);

  function urlOf(name: ServiceName): string {
    const service = running.get(name);
    if (service === undefined) throw new Error(`${name} is not running`);
    return service.url;
  }

  it('a tracked event travels ingest → identity → journeys → decisioning → delivery and the webhook fires', async () => {
    const urls = { ingest: urlOf('ingest'), journeys: urlOf('journeys') };
    const { writeKey, journeyId } = await setUpWelcomeJourney(urls, adminToken, receiver.url);

    expect(await track(urls, writeKey, { userId: 'user-1', event: 'Signed Up', properties: { plan: 'pro' } })).toBe(200);

    await waitFor(() => receiver.received.length >= 1, { timeoutMs: 30_000, message: 'webhook arrival' });
    expect(receiver.received[0]?.body).toMatchObject({ journeyId, channel: 'webhook', content: 'Welcome, pro user!' });

    // The profile was created and counted the event, through the profiles service's own API.
    const profileId = (receiver.received[0]?.body as { profileId: string }).profileId;
    const profile = await waitFor(
      async () => {
        const response = await fetch(`${urlOf('profiles')}/v1/profiles/${profileId}`, { headers: { authorization: `Bearer ${adminToken}` } });
        return response.status === 200 ? ((await response.json()) as { eventCount: number }) : undefined;
      },
      { timeoutMs: 10_000, message: 'profile visible' },
    );
    expect(profile.eventCount).toBe(1);
  }, 60_000);
});
