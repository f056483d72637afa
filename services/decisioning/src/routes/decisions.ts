import { Type, type Static } from '@sinclair/typebox';
import type { Decision } from '@cjo/contract';
import { adminAuth, ErrorBodySchema, httpError, type HttpApp } from '@cjo/http';
import type { DecisionStore } from '../store';

export interface DecisionRoutesDeps {
  store: DecisionStore;
  adminToken: string;
}

const DecisionSchema = Type.Object({
  decisionId: Type.String(),
  requestId: Type.String(),
  journeyId: Type.String(),
  instanceId: Type.String(),
  profileId: Type.String(),
  channel: Type.String(),
  contentId: Type.String(),
  destination: Type.Union([Type.String(), Type.Null()]),
  template: Type.String(),
  context: Type.Record(Type.String(), Type.Unknown(), { description: 'The template scope the decision was made with' }),
  decidedAt: Type.String({ format: 'date-time' }),
});
type DecisionView = Static<typeof DecisionSchema>;

export async function registerDecisionRoutes(app: HttpApp, deps: DecisionRoutesDeps): Promise<void> {
  app.get(
    '/v1/decisions/:id',
    {
      preHandler: adminAuth(deps.adminToken),
      schema: {
        tags: ['decisions'],
        security: [{ adminToken: [] }],
        summary: 'Get one decision by id (the id of the request it answered)',
        params: Type.Object({ id: Type.String() }),
        response: { 200: DecisionSchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (request) => {
      const decision = await deps.store.getDecision(request.params.id);
      if (decision === null) throw httpError(404, 'not_found', `decision ${request.params.id} not found`);
      return toView(decision);
    },
  );
}

function toView(decision: Decision): DecisionView {
  const { contextJson, decidedAt, ...rest } = decision;
  return { ...rest, context: JSON.parse(contextJson) as Record<string, unknown>, decidedAt: new Date(decidedAt).toISOString() };
}
