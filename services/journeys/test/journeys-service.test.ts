import { createMemoryBus, publishRecords, type MemoryBus } from '@cjo/bus';
import { loadConfig } from '@cjo/config';
import { createContract, topicSpecs, type Contract, type DecisionRequested, type ResolvedEvent } from '@cjo/contract';
import { createPgliteDb, migrate, type Db } from '@cjo/db';
import { createHttpApp, type HttpApp } from '@cjo/http';
import { createMemoryKv } from '@cjo/kv';
import type { ServiceModule } from '@cjo/lifecycle';
import { createLogger } from '@cjo/log';
import { collectRecords, sampleResolvedEvent, type Collected } from '@cjo/service-testkit';
import { uniqueName, waitFor } from '@cjo/testkit';
import { createJourneysService, journeysConfigSchema, journeysMigrationsDir } from '../src/index';

const token = 'journeys-test-token';
const auth = { authorization: `Bearer ${token}` };

describe('journeys service (memory bus, PGlite)', () => {
  let bus: MemoryBus;
  let db: Db;
  let contract: Contract;
  let service: ServiceModule;
  let app: HttpApp;
  let requests: Collected<DecisionRequested>;

  beforeAll(async () => {
    const logger = createLogger({ name: 'journeys-test', level: 'silent' });
    bus = createMemoryBus();
    await bus.ensureTopics(topicSpecs());
    db = createPgliteDb({ schema: 'journeys' });
    await migrate(db, { dir: journeysMigrationsDir });
    contract = createContract();
    service = createJourneysService({
      config: loadConfig(journeysConfigSchema, { CJO_ADMIN_TOKEN: token }),
      consumerGroup: 'journeys',
      logger,
      bus,
      db,
      kv: createMemoryKv(),
      contract,
    });
    app = await createHttpApp({ logger, serviceName: 'journeys' });
    if (service.routes !== undefined) await app.register(service.routes);
    await app.ready();
    await service.start();
    requests = await collectRecords(bus, contract.codec('decisionRequests'));
  });

  afterAll(async () => {
    await app.close();
    await service.stop();
    await requests.stop();
    await bus.close();
    await db.close();
  });

  async function createJourney(event: string): Promise<{ id: string }> {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/journeys',
      headers: auth,
      payload: {
        name: `Journey for ${event}`,
        trigger: { event },
        action: { channel: 'webhook', url: 'https://example.test/hook', template: 'Hi {{ profile.traits.firstName }}' },
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string }>();
  }

  function publish(...events: ResolvedEvent[]): Promise<void> {
    return publishRecords(
      bus,
      contract.codec('resolvedEvents'),
      events.map((value) => ({ key: value.profileId, value })),
    );
  }

  function requestsFor(journeyId: string, count = 1): Promise<DecisionRequested[]> {
    return waitFor(
      () => {
        const found = requests.records.filter((request) => request.journeyId === journeyId);
        return found.length >= count ? found : null;
      },
      { message: `${count} decision request(s) for journey ${journeyId}` },
    );
  }

  describe('HTTP API', () => {
    it('creates, lists and reads journeys', async () => {
      const event = uniqueName('Signed Up');
      const response = await app.inject({
        method: 'POST',
        url: '/v1/journeys',
        headers: auth,
        payload: {
          name: 'Welcome',
          trigger: { event },
          action: { channel: 'webhook', url: 'http://127.0.0.1:9/welcome', template: 'Welcome!' },
        },
      });
      expect(response.statusCode).toBe(201);
      const created = response.json<Record<string, unknown>>();
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Welcome',
        status: 'active',
        trigger: { event },
        action: { channel: 'webhook', url: 'http://127.0.0.1:9/welcome', template: 'Welcome!' },
        createdAt: expect.any(String),
      });

      const one = await app.inject({ method: 'GET', url: `/v1/journeys/${String(created.id)}`, headers: auth });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual(created);

      const list = await app.inject({ method: 'GET', url: '/v1/journeys', headers: auth });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ journeys: unknown[] }>().journeys).toContainEqual(created);
    });

    it('answers 404 for unknown journeys', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const response = await app.inject({ method: 'GET', url: `/v1/journeys/${id}`, headers: auth });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ error: { code: 'not_found', message: `journey ${id} not found` } });
      }
    });

    it('requires the admin token', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/journeys' });
      expect(response.statusCode).toBe(401);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('unauthorized');
    });

    it('rejects invalid journeys with a clear message', async () => {
      const payload = {
        name: 'Bad',
        trigger: { event: 'x' },
        action: { channel: 'webhook', url: 'ftp://example.test/file', template: '' },
      };
      const ftp = await app.inject({ method: 'POST', url: '/v1/journeys', headers: auth, payload });
      expect(ftp.statusCode).toBe(400);
      expect(ftp.json()).toEqual({
        error: { code: 'invalid_request', message: 'action.url must be an http:// or https:// URL' },
      });

      const missing = await app.inject({
        method: 'POST',
        url: '/v1/journeys',
        headers: auth,
        payload: { ...payload, trigger: {}, action: { ...payload.action, channel: 'sms' } },
      });
      expect(missing.statusCode).toBe(400);
      const { message } = missing.json<{ error: { message: string } }>().error;
      expect(message).toContain('trigger');
      expect(message).toContain('channel');
    });
  });

  describe('consuming resolved events', () => {
    it('starts an instance and requests a decision for a matching track event', async () => {
      const event = uniqueName('Order Completed');
      const journey = await createJourney(event);
      const trigger = sampleResolvedEvent({ event, messageId: uniqueName('message') });
      await publish(trigger);

      const [request] = await requestsFor(journey.id);
      const instanceId = request?.instanceId ?? '';
      expect(request).toEqual({
        requestId: `${instanceId}:action`,
        journeyId: journey.id,
        instanceId,
        profileId: 'profile-1',
        triggerMessageId: trigger.messageId,
        channel: 'webhook',
        candidates: [
          { contentId: `${journey.id}:action`, destination: 'https://example.test/hook', template: 'Hi {{ profile.traits.firstName }}' },
        ],
        contextJson: expect.any(String),
        requestedAt: expect.any(Number),
      });
      expect(JSON.parse(request?.contextJson ?? '')).toEqual({
        event: { name: event, properties: { total: 42 }, messageId: trigger.messageId, timestamp: trigger.timestamp },
        profile: { id: 'profile-1', traits: { firstName: 'Ada' } },
      });
    });

    it('ignores events no journey is triggered by, and events that are not track events', async () => {
      const event = uniqueName('Cart Viewed');
      const journey = await createJourney(event);
      await publish(
        sampleResolvedEvent({ event: uniqueName('Other Event'), messageId: uniqueName('message') }),
        sampleResolvedEvent({ type: 'identify', event, messageId: uniqueName('message') }),
        sampleResolvedEvent({ event, messageId: uniqueName('message') }),
      );

      // Records of one key are handled in order, so once the last one is through the others were seen.
      await requestsFor(journey.id);
      expect(requests.records.filter((request) => request.journeyId === journey.id)).toHaveLength(1);
    });

    it('keeps one instance per trigger event and republishes the same request when it is redelivered', async () => {
      const event = uniqueName('Subscribed');
      const journey = await createJourney(event);
      const trigger = sampleResolvedEvent({ event, messageId: uniqueName('message') });

      await publish(trigger);
      const [first] = await requestsFor(journey.id);
      await publish(trigger);
      const both = await requestsFor(journey.id, 2);

      expect(both[1]).toEqual(first);
      const instances = await db.query('SELECT id FROM journey_instances WHERE journey_id = $1', [journey.id]);
      expect(instances.rows).toEqual([{ id: first?.instanceId }]);
    });
  });
});
