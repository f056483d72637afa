import { randomUUID } from 'node:crypto';
import { createKafkaBus, publishRecords, subscribeRecords, type Subscription } from '@cjo/bus';
import { createContract } from '@cjo/contract';
import { createLogger } from '@cjo/log';
import { sampleRawEvent } from '@cjo/service-testkit';
import { describeWithInfra, infraUrls, uniqueName, waitFor } from '@cjo/testkit';
import { removeNamespace } from './infra-cleanup';
import { createSource } from './platform-client';
import { startServiceProcess } from './service-process';

const adminToken = 'graceful-stop-admin-token';
const logger = createLogger({ name: 'graceful-stop-test', level: 'warn' });

describeWithInfra(['kafka', 'postgres', 'redis'], 'a service stopped during a stream of events loses nothing acknowledged', () => {
  const namespace = uniqueName('stop');
  const contract = createContract({ namespace: `${namespace}.` });
  const bus = createKafkaBus({ brokers: infraUrls().kafkaBrokers, clientId: namespace, logger });
  const subscriptions: Subscription[] = [];

  afterAll(async () => {
    for (const subscription of subscriptions) await subscription.stop();
    await bus.close();
    await removeNamespace(namespace, ['ingest', 'identity']);
  }, 60_000);

  it('ingest: every event answered 200 before or while it was stopping is on the raw topic', async () => {
    const ingest = await startServiceProcess('ingest', { CJO_NAMESPACE: namespace, CJO_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' });
    const writeKey = await createSource({ ingest: ingest.url, journeys: ingest.url }, adminToken, 'stream');
    const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
    const acknowledged: string[] = [];
    let refused = 0;

    // Eight clients post events back to back until ingest stops answering.
    const client = async (clientId: number) => {
      for (let i = 0; ; i += 1) {
        const messageId = `c${clientId}-${i}-${randomUUID()}`;
        try {
          const response = await fetch(`${ingest.url}/v1/track`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization },
            body: JSON.stringify({ userId: `user-${clientId}`, event: 'Streamed', messageId }),
          });
          if (response.status === 200) acknowledged.push(messageId);
          else refused += 1;
          await response.arrayBuffer();
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    };
    const clients = Promise.all(Array.from({ length: 8 }, (_, id) => client(id)));
    await waitFor(() => acknowledged.length >= 200, { timeoutMs: 30_000, message: '200 acknowledged events before SIGTERM' });
    const beforeSignal = acknowledged.length;
    const exitCode = await ingest.kill('SIGTERM');
    await clients;

    // On failure the process output says which stop step went wrong.
    expect({ exitCode, output: exitCode === 0 ? '' : ingest.output().slice(-3000) }).toEqual({ exitCode: 0, output: '' });
    expect(acknowledged.length).toBeGreaterThanOrEqual(beforeSignal);

    const seen = new Set<string>();
    subscriptions.push(
      await subscribeRecords(bus, {
        groupId: `${namespace}.check-raw`,
        codec: contract.codec('rawEvents'),
        handler: async (event) => {
          seen.add(event.messageId);
          return { type: 'ok' };
        },
      }),
    );
    await waitFor(() => acknowledged.every((id) => seen.has(id)), {
      timeoutMs: 30_000,
      message: `all ${acknowledged.length} acknowledged events on the raw topic (refused while stopping: ${refused})`,
    });
  }, 120_000);

  /**
   * Streams 600 raw events into identity, sends `signal` once it has resolved
   * some, restarts it, and returns how often each event was resolved and to
   * which profiles.
   */
  async function stopIdentityMidStream(signal: NodeJS.Signals, expectedExitCode: number | null) {
    const env = { CJO_NAMESPACE: namespace, CJO_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' };
    const first = await startServiceProcess('identity', env);
    const resolved = new Map<string, { count: number; profiles: Set<string> }>();
    subscriptions.push(
      await subscribeRecords(bus, {
        groupId: uniqueName(`${namespace}.check_${signal.toLowerCase()}`),
        codec: contract.codec('resolvedEvents'),
        handler: async (event) => {
          // The topic also holds the other tests' events.
          if (!event.messageId.startsWith(`${signal}-`)) return { type: 'ok' };
          const seen = resolved.get(event.messageId) ?? { count: 0, profiles: new Set<string>() };
          seen.count += 1;
          seen.profiles.add(event.profileId);
          resolved.set(event.messageId, seen);
          return { type: 'ok' };
        },
      }),
    );

    const total = 600;
    const ids = Array.from({ length: total }, (_, i) => `${signal}-${i}-${randomUUID()}`);
    const userOf = (i: number) => `${signal}-user-${i % 13}`;
    const publishing = (async () => {
      for (let i = 0; i < total; i += 20) {
        const batch = ids.slice(i, i + 20).map((id, j) => ({
          key: userOf(i + j),
          value: sampleRawEvent({ messageId: id, userId: userOf(i + j), event: 'Streamed' }),
        }));
        await publishRecords(bus, contract.codec('rawEvents'), batch);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    await waitFor(() => resolved.size >= 100, { timeoutMs: 30_000, message: 'identity resolving the first events' });
    const exitCode = await first.kill(signal);
    expect({ exitCode, output: exitCode === expectedExitCode ? '' : first.output().slice(-3000) }).toEqual({
      exitCode: expectedExitCode,
      output: '',
    });
    await publishing;
    expect(resolved.size).toBeLessThan(total);

    const second = await startServiceProcess('identity', env);
    try {
      await waitFor(() => ids.every((id) => resolved.has(id)), { timeoutMs: 60_000, message: `all ${total} events resolved after the restart` });
    } finally {
      await second.kill('SIGTERM');
    }
    return ids.map((id) => resolved.get(id) ?? { count: 0, profiles: new Set<string>() });
  }

  it('identity: stopped with SIGTERM mid-stream and restarted, it resolves every event exactly once', async () => {
    const results = await stopIdentityMidStream('SIGTERM', 0);
    // A graceful stop commits what it finished, so nothing is processed twice across the restart.
    expect(results.filter((result) => result.count !== 1)).toEqual([]);
  }, 180_000);

  it('identity: killed with SIGKILL mid-stream and restarted, it resolves every event, always to the same profile', async () => {
    const results = await stopIdentityMidStream('SIGKILL', null);
    // Work done after the last commit is redone (at least once), but resolution is idempotent:
    // a redelivered event lands on the profile its first run chose.
    expect(results.filter((result) => result.count < 1 || result.profiles.size !== 1)).toEqual([]);
    const profiles = new Set(results.flatMap((result) => [...result.profiles]));
    expect(profiles.size).toBe(13);
  }, 180_000);
});
