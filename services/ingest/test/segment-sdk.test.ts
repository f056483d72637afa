import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { createContract, type RawEvent } from '@cjo/contract';
import { collectRecords, type Collected } from '@cjo/service-testkit';
import { describeWithInfra, waitFor } from '@cjo/testkit';
import { startIngest, type IngestHarness } from './support/ingest-harness';

const contract = createContract();

describeWithInfra(['postgres', 'redis'], "Segment's official Node SDK against ingest", () => {
  let ingest: IngestHarness;
  let collected: Collected<RawEvent>;
  let analytics: Analytics;

  beforeEach(async () => {
    ingest = await startIngest();
    collected = await collectRecords(ingest.bus, contract.codec('rawEvents'));
    await ingest.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    await analytics?.closeAndFlush({ timeout: 5_000 });
    await collected.stop();
    await ingest.dispose();
  });

  /** Resolves once the SDK delivered the call, rejects with the reason it gave up. */
  function delivered(send: (callback: (err?: unknown) => void) => void): Promise<void> {
    return new Promise((resolve, reject) => send((err) => (err === undefined || err === null ? resolve() : reject(err))));
  }

  it('delivers track, identify, page, screen, group and alias, each onto the raw topic', async () => {
    const source = await ingest.createSource('node-sdk');
    const { port } = ingest.app.server.address() as AddressInfo;
    // flushAt 1: every call goes out at once, so a failure names the call that caused it.
    analytics = new Analytics({ writeKey: source.writeKey, host: `http://127.0.0.1:${port}`, flushAt: 1, maxRetries: 1 });

    await Promise.all([
      delivered((cb) => analytics.track({ userId: 'sdk-user', event: 'Order Completed', properties: { total: 42 } }, cb)),
      delivered((cb) => analytics.identify({ userId: 'sdk-user', traits: { firstName: 'Ada' } }, cb)),
      delivered((cb) => analytics.page({ anonymousId: 'sdk-anon', name: 'Pricing', category: 'Docs' }, cb)),
      delivered((cb) => analytics.screen({ userId: 'sdk-user', name: 'Home' }, cb)),
      delivered((cb) => analytics.group({ userId: 'sdk-user', groupId: 'acme', traits: { plan: 'pro' } }, cb)),
      delivered((cb) => analytics.alias({ userId: 'sdk-user', previousId: 'sdk-anon' }, cb)),
    ]);

    await waitFor(() => collected.records.length === 6, { message: 'six raw events', timeoutMs: 10_000 });
    const byType = new Map(collected.records.map((record) => [record.type, record]));
    expect([...byType.keys()].sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(byType.get('track')).toMatchObject({
      sourceId: source.id,
      userId: 'sdk-user',
      event: 'Order Completed',
      propertiesJson: '{"total":42}',
    });
    expect(JSON.parse(byType.get('identify')?.traitsJson ?? '')).toEqual({ firstName: 'Ada' });
    expect(byType.get('page')).toMatchObject({ anonymousId: 'sdk-anon', userId: null, name: 'Pricing' });
    expect(JSON.parse(byType.get('page')?.propertiesJson ?? '')).toMatchObject({ category: 'Docs' });
    expect(byType.get('screen')).toMatchObject({ name: 'Home' });
    expect(byType.get('group')).toMatchObject({ groupId: 'acme', traitsJson: '{"plan":"pro"}' });
    expect(byType.get('alias')).toMatchObject({ userId: 'sdk-user', previousId: 'sdk-anon' });
    // The SDK's messageIds are kept (they are what dedupe works on), its library context too.
    for (const record of collected.records) {
      expect(record.messageId).toMatch(/^node-next-/);
      expect(JSON.parse(record.contextJson)).toMatchObject({ library: { name: '@segment/analytics-node' }, ip: '127.0.0.1' });
      // The SDK sends the call time as timestamp and the batch's sentAt: the device clock is corrected.
      expect(record.sentAt).not.toBeNull();
      expect(record.originalTimestamp).not.toBeNull();
    }
    // Partition key: userId, else anonymousId.
    const keyOf = (type: string) => collected.keys[collected.records.findIndex((record) => record.type === type)];
    expect(keyOf('track')).toBe('sdk-user');
    expect(keyOf('page')).toBe('sdk-anon');
  });

  it('delivers a batch of many calls in one request, published with one bus call', async () => {
    const source = await ingest.createSource('node-sdk-batch');
    const { port } = ingest.app.server.address() as AddressInfo;
    analytics = new Analytics({ writeKey: source.writeKey, host: `http://127.0.0.1:${port}`, flushAt: 20, flushInterval: 60_000 });
    const calls = Array.from({ length: 20 }, (_, index) =>
      delivered((cb) => analytics.track({ anonymousId: `batch-anon-${index % 3}`, event: `Step ${index}` }, cb)),
    );
    await Promise.all(calls);
    await waitFor(() => collected.records.length === 20, { message: 'twenty raw events', timeoutMs: 10_000 });
    expect(ingest.publishCalls()).toBe(1);
    expect(new Set(collected.records.map((record) => record.event)).size).toBe(20);
  });
});
