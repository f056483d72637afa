import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { adminAuth, ErrorBodySchema, httpError, type HttpApp } from '@cjo/http';
import type { Journey } from '../journey';
import type { JourneyCache } from '../journey-cache';
import type { JourneyStore } from '../store';
import { CreateJourneyBodySchema, JourneyParamsSchema, JourneySchema, type JourneyView } from './journey-schemas';

export interface JourneyRoutesDeps {
  store: JourneyStore;
  cache: JourneyCache;
  adminToken: string;
  now: () => number;
}

const tags = ['journeys'];
const security = [{ adminToken: [] }];

export async function registerJourneyRoutes(app: HttpApp, deps: JourneyRoutesDeps): Promise<void> {
  const preHandler = adminAuth(deps.adminToken);

  app.post(
    '/v1/journeys',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'Create a journey; it is active at once',
        body: CreateJourneyBodySchema,
        response: { 201: JourneySchema, 400: ErrorBodySchema, 401: ErrorBodySchema },
      },
    },
    async (request, reply) => {
      const { name, trigger, action } = request.body;
      if (!isHttpUrl(action.url)) {
        throw httpError(400, 'invalid_request', 'action.url must be an http:// or https:// URL');
      }
      const journey = await deps.store.createJourney({
        id: randomUUID(),
        name,
        status: 'active',
        trigger,
        action,
        createdAt: new Date(deps.now()),
      });
      // Events consumed by this process from now on must see the new journey.
      deps.cache.invalidate();
      return reply.code(201).send(toView(journey));
    },
  );

  app.get(
    '/v1/journeys',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'List journeys, oldest first',
        response: { 200: Type.Object({ journeys: Type.Array(JourneySchema) }), 401: ErrorBodySchema },
      },
    },
    async () => ({ journeys: (await deps.store.listJourneys()).map(toView) }),
  );

  app.get(
    '/v1/journeys/:id',
    {
      preHandler,
      schema: {
        tags,
        security,
        summary: 'Get one journey',
        params: JourneyParamsSchema,
        response: { 200: JourneySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const journey = await deps.store.getJourney(request.params.id);
      if (journey === null) throw httpError(404, 'not_found', `journey ${request.params.id} not found`);
      return toView(journey);
    },
  );
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function toView(journey: Journey): JourneyView {
  return {
    id: journey.id,
    name: journey.name,
    status: journey.status,
    trigger: journey.trigger,
    action: journey.action,
    createdAt: journey.createdAt.toISOString(),
  };
}
