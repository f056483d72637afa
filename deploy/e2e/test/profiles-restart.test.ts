import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaBus, publishRecords, subscribeRecords, type Subscription } from '@cjo/bus';
import { createContract, type SegmentMembershipChanged } from '@cjo/contract';
import { createLogger } from '@cjo/log';
import { sampleResolvedEvent } from '@cjo/service-testkit';
import { describeWithInfra, infraUrls, uniqueName, waitFor } from '@cjo/testkit';
import { removeNamespace } from './infra-cleanup';
import { counterValue, startServiceProcess, type ServiceProcess } from './service-process';

const adminToken = 'profiles-restart-admin-token';
const logger = createLogger({ name: 'profiles-restart-test', level: 'warn' });
const PEOPLE = 13;
const EVENTS = 780;
/** Every person gets EVENTS / PEOPLE = 60 events, so each one crosses this threshold mid-stream. */
const THRESHOLD = 30;

describeWithInfra(['kafka', 'postgres', 'redis'], 'profiles stopped during a stream of events', () => {
  const namespace = uniqueName('profrestart');
  const contract = createContract({ namespace: `${namespace}.` });
  const bus = createKafkaBus({ brokers: infraUrls().kafkaBrokers, clientId: namespace, logger });
  const subscriptions: Subscription[] = [];
  const running: ServiceProcess[] = [];
  const env = { CJO_NAMESPACE: namespace, CJO_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn', PROFILES_BATCH_SIZE: '50' };

  afterAll(async () => {
    for (const service of running) await service.kill('SIGKILL');
    for (const subscription of subscriptions) await subscription.stop();
    await bus.close();
    await removeNamespace(namespace, ['profiles']);
  }, 60_000);

  const api = async (service: ServiceProcess, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  const rewindGroup = async (groupId: string, topic: string) => {
    const admin = new Kafka({ brokers: infraUrls().kafkaBrokers, clientId: `${namespace}-admin`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          try {
            await admin.resetOffsets({ groupId, topic, earliest: true });
            return true;
          } catch {
            // The group still has the killed member until its session times out.
            return false;
          }
        },
        { timeoutMs: 30_000, intervalMs: 500, message: `offsets of ${groupId} rewound once its killed member timed out` },
      );
    } finally {
      await admin.disconnect();
    }
  };

  const start = async () => {
    const service = await startServiceProcess('profiles', env);
    running.push(service);
    return service;
  };

  it('killed with SIGKILL mid-stream and restarted, it applies every redelivered event once and every person enters once', async () => {
    const first = await start();
    const segment = await api(first, 'POST', '/v1/segments?allowUnknown=true', {
      name: 'streamers',
      rule: { performed: 'Streamed', atLeast: THRESHOLD },
    });
    expect(segment.status).toBe(201);
    const segmentId = String(segment.json.id);

    const entered = new Map<string, SegmentMembershipChanged[]>();
    subscriptions.push(
      await subscribeRecords(bus, {
        groupId: uniqueName(`${namespace}.check`),
        codec: contract.codec('segmentMemberships'),
        handler: async (change) => {
          if (change.segmentId === segmentId && change.change === 'entered') {
            entered.set(change.profileId, [...(entered.get(change.profileId) ?? []), change]);
          }
          return { type: 'ok' };
        },
      }),
    );

    const people = Array.from({ length: PEOPLE }, () => randomUUID());
    const applied = async (service: ServiceProcess) => {
      let total = 0;
      for (const id of people) {
        const profile = await api(service, 'GET', `/v1/profiles/${id}`);
        if (profile.status === 200) total += Number(profile.json.eventCount);
      }
      return total;
    };
    let published = 0;
    const publishing = (async () => {
      const base = Date.now() - 60_000;
      for (let i = 0; i < EVENTS; i += 20) {
        const batch = Array.from({ length: 20 }, (_, j) => {
          const profileId = people[(i + j) % PEOPLE] ?? '';
          const at = base + i + j;
          return {
            key: profileId,
            value: sampleResolvedEvent({
              profileId,
              messageId: `kill-${i + j}`,
              type: 'track',
              event: 'Streamed',
              propertiesJson: '{}',
              traitsJson: '{}',
              timestamp: at,
              receivedAt: at,
            }),
          };
        });
        await publishRecords(bus, contract.codec('resolvedEvents'), batch);
        published += batch.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await waitFor(async () => (await applied(first)) >= 100, { timeoutMs: 30_000, intervalMs: 100, message: 'profiles applying the first events' });
    expect(await first.kill('SIGKILL')).toBeNull();
    // Mid-stream: the rest is published while no profiles process runs.
    expect(published).toBeLessThan(EVENTS);
    await publishing;
    // The worst a crash can leave: none of the first run's offset commits landed, so every event it
    // applied is delivered again (the killed member must time out before its group's offsets can move).
    await rewindGroup(`${namespace}.profiles`, contract.codec('resolvedEvents').topic);

    const second = await start();
    // After the rewind the restarted process is handed all EVENTS again: each is applied or dropped as a repeat.
    const repeats = () => counterValue(second, 'cjo_profiles_events_dropped_total{reason="duplicate"');
    const handled = async () => (await counterValue(second, 'cjo_profiles_events_applied_total')) + (await repeats());
    await waitFor(async () => (await handled()) >= EVENTS, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: `all ${EVENTS} events handled after the restart`,
    });
    // The redelivered events are recognised by their messageId: every person holds exactly their 60
    // events, none twice, and the restarted process dropped the repeats.
    expect(await repeats()).toBeGreaterThanOrEqual(100);
    const counts = await Promise.all(people.map(async (id) => (await api(second, 'GET', `/v1/profiles/${id}`)).json.eventCount));
    expect(counts).toEqual(people.map(() => EVENTS / PEOPLE));

    const members = await api(second, 'GET', `/v1/segments/${segmentId}/members?limit=100`);
    expect((members.json.members as Array<{ profileId: string }>).map((m) => m.profileId).sort()).toEqual([...people].sort());
    await waitFor(() => entered.size === PEOPLE, { timeoutMs: 20_000, message: 'an entered record for every person' });
    // Each person crossed the threshold once, on their THRESHOLD-th event. A batch that was written
    // to Kafka but not committed before the kill runs again and may publish its records again: the
    // repeat is the same record (same messageId), so consumers can tell it is one change.
    for (const person of people) {
      const records = entered.get(person) ?? [];
      expect(new Set(records.map((record) => record.messageId)).size).toBe(1);
      expect(new Set(records.map((record) => record.segmentVersion)).size).toBe(1);
    }
  }, 180_000);
});
