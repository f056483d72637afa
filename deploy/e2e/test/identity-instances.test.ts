import { randomUUID } from 'node:crypto';
import { createKafkaBus, publishRecords, subscribeRecords, type Subscription } from '@cjo/bus';
import { createContract, type RawEvent } from '@cjo/contract';
import { createLogger } from '@cjo/log';
import { sampleRawEvent } from '@cjo/service-testkit';
import { describeWithInfra, infraUrls, uniqueName, waitFor } from '@cjo/testkit';
import { removeNamespace } from './infra-cleanup';
import { counterValue, startServiceProcess, type ServiceProcess } from './service-process';

const adminToken = 'identity-instances-admin-token';
const logger = createLogger({ name: 'identity-instances-test', level: 'warn' });
const PEOPLE = 40;

/**
 * Every person shows up through four events that each carry a different pair of their identifiers,
 * keyed by different ids, so they land on different partitions and so with different instances:
 * the instances race to create and merge the same profiles.
 */
function eventsOf(person: number): RawEvent[] {
  const ids = { userId: `user-${person}`, anonymousId: `anon-${person}`, device: `device-${person}` };
  const email = `Person.${person}@Example.com `;
  const base = (overrides: Partial<RawEvent>) =>
    sampleRawEvent({ messageId: randomUUID(), userId: null, anonymousId: null, traitsJson: '{}', contextJson: '{}', ...overrides });
  return [
    base({ type: 'track', anonymousId: ids.anonymousId, contextJson: JSON.stringify({ device: { id: ids.device } }) }),
    base({ type: 'identify', userId: ids.userId, traitsJson: JSON.stringify({ email }) }),
    base({ type: 'identify', anonymousId: ids.anonymousId, traitsJson: JSON.stringify({ email }) }),
    base({ type: 'track', userId: ids.userId, contextJson: JSON.stringify({ device: { id: ids.device } }) }),
  ];
}

const keyOf = (event: RawEvent) => event.userId ?? event.anonymousId ?? '';

describeWithInfra(['kafka', 'postgres', 'redis'], 'two identity processes on one consumer group', () => {
  const namespace = uniqueName('idrace');
  const contract = createContract({ namespace: `${namespace}.` });
  const bus = createKafkaBus({ brokers: infraUrls().kafkaBrokers, clientId: namespace, logger });
  const subscriptions: Subscription[] = [];
  const instances: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.kill('SIGTERM')));
    for (const subscription of subscriptions) await subscription.stop();
    await bus.close();
    await removeNamespace(namespace, ['identity']);
  }, 60_000);

  it('resolve racing events of the same people to one profile per person', async () => {
    const env = {
      CJO_NAMESPACE: namespace,
      CJO_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      IDENTITY_TYPES: 'deviceId=context.device.id',
      // Small batches, so the two instances interleave their writes many times.
      IDENTITY_BATCH_SIZE: '5',
    };
    instances.push(...(await Promise.all([startServiceProcess('identity', env), startServiceProcess('identity', env)])));

    const resolved = new Map<string, string>();
    subscriptions.push(
      await subscribeRecords(bus, {
        groupId: `${namespace}.check-resolved`,
        codec: contract.codec('resolvedEvents'),
        handler: async (event) => {
          resolved.set(event.messageId, event.profileId);
          return { type: 'ok' };
        },
      }),
    );

    const events = Array.from({ length: PEOPLE }, (_, person) => eventsOf(person)).flat();
    // Interleaved by person, published in small concurrent bursts.
    const bursts = Array.from({ length: 8 }, (_, burst) => events.filter((_, index) => index % 8 === burst));
    await Promise.all(
      bursts.map((burst) => publishRecords(bus, contract.codec('rawEvents'), burst.map((event) => ({ key: keyOf(event), value: event })))),
    );
    await waitFor(() => resolved.size >= events.length, { timeoutMs: 60_000, message: `all ${events.length} events resolved` });

    const [first] = instances;
    if (first === undefined) throw new Error('no identity instance');
    for (let person = 0; person < PEOPLE; person += 1) {
      const lookups = await Promise.all(
        [`userId/user-${person}`, `anonymousId/anon-${person}`, `email/person.${person}@example.com`, `deviceId/device-${person}`].map(
          async (path) => {
            const response = await fetch(`${first.url}/v1/identities/${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
            expect({ path, status: response.status }).toEqual({ path, status: 200 });
            return ((await response.json()) as { profileId: string }).profileId;
          },
        ),
      );
      // Every identifier of the person leads to the same live profile, whichever instance wrote it.
      expect(new Set(lookups).size).toBe(1);
    }
    // Both instances did part of the work (each owns some of the raw topic's partitions).
    for (const instance of instances) {
      expect(await counterValue(instance, 'cjo_identity_events_resolved_total')).toBeGreaterThan(0);
      expect(instance.output()).not.toMatch(/"level":(50|60)/);
    }
  }, 120_000);
});
