import { dlqTopicOf, publishRecords, type Bus, type Subscription } from '@cjo/bus';
import type { Contract, IdentityChanged, IdentityMerged, RawEvent, ResolvedEvent } from '@cjo/contract';
import type { Db } from '@cjo/db';
import { createHttpApp, type HttpApp } from '@cjo/http';
import type { Kv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import type { Logger } from '@cjo/log';
import { collectRecords, type Collected } from '@cjo/service-testkit';
import { uniqueName, waitFor } from '@cjo/testkit';
import type { LightMyRequestResponse } from 'fastify';
import { createIdentityService } from '../../src';
import { ADMIN_TOKEN, testConfig } from './config';

export interface IdentityHarness {
  service: ServiceModule;
  app: HttpApp;
  resolved: Collected<ResolvedEvent>;
  changes: Collected<IdentityChanged>;
  /** messageIds of the raw events that went to the DLQ. */
  dead: string[];
  publishRaw(...events: RawEvent[]): Promise<void>;
  /** The first resolved record of each messageId, waiting for them (or for their DLQ record). */
  waitResolved(messageIds: string[], timeoutMs?: number): Promise<Map<string, ResolvedEvent>>;
  merges(): IdentityMerged[];
  admin(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse>;
  /** Stops everything it started, in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  bus: Bus;
  db: Db;
  kv: Kv;
  contract: Contract;
  logger: Logger;
  consumerGroup?: string;
  env?: Record<string, string>;
}

/** One identity service with its routes on an app, and collectors on the topics it writes. */
export async function startIdentity(options: HarnessOptions): Promise<IdentityHarness> {
  const cleanups: Array<() => Promise<void>> = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    })());
  try {
    const service = createIdentityService({
      config: testConfig(options.env),
      logger: options.logger,
      bus: options.bus,
      db: options.db,
      kv: options.kv,
      contract: options.contract,
      consumerGroup: options.consumerGroup ?? uniqueName('identity'),
    });
    const app = await createHttpApp({ logger: options.logger, serviceName: 'identity' });
    cleanups.push(() => app.close());
    await service.routes?.(app);
    await app.ready();
    cleanups.push(() => service.stop());
    await service.start();
    const resolved = await collectRecords(options.bus, options.contract.codec('resolvedEvents'));
    cleanups.push(() => resolved.stop());
    const changes = await collectRecords(options.bus, options.contract.codec('identityChanges'));
    cleanups.push(() => changes.stop());
    const rawCodec = options.contract.codec('rawEvents');
    const dead: string[] = [];
    const dlq: Subscription = await options.bus.subscribe({
      groupId: uniqueName('test_dlq'),
      topics: [dlqTopicOf(rawCodec.topic)],
      handler: async (message) => {
        dead.push(rawCodec.decode(message.value).messageId);
        return { type: 'ok' };
      },
    });
    cleanups.push(() => dlq.stop());

    return {
      service,
      app,
      resolved,
      changes,
      dead,
      publishRaw: (...events) =>
        publishRecords(options.bus, rawCodec, events.map((event) => ({ key: event.userId ?? event.anonymousId ?? '', value: event }))),
      async waitResolved(messageIds, timeoutMs = 20_000) {
        const found = () => {
          const first = new Map<string, ResolvedEvent>();
          for (const record of resolved.records) if (!first.has(record.messageId)) first.set(record.messageId, record);
          return first;
        };
        await waitFor(() => messageIds.every((id) => found().has(id) || dead.includes(id)), {
          timeoutMs,
          message: `resolved events ${messageIds.join(', ')}`,
        });
        return found();
      },
      merges: () => changes.records.flatMap((change) => (change.merged === null ? [] : [change.merged])),
      admin: (method, url, payload) =>
        app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(payload === undefined ? {} : { payload }) }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
