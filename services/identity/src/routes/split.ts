import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Logger } from '@cjo/log';
import type { IdentitySplit } from '@cjo/contract';
import type { SplitOutcome, SplitRequest } from '../graph/split-profile';
import type { IdentityRules } from '../rules/identity-rules';
import { parseIdentifier } from './get-identity';
import { admin, IdentifierSchema, iso } from './schemas';

const reason = Type.String({ minLength: 1, maxLength: 1000, description: 'Why (kept in the audit history and on the IdentitySplit record)' });

const schema = {
  ...admin,
  summary: 'Split identifiers off a profile: undo a merge, or move listed identifiers to a new profile',
  description:
    'Give either `mergeId` (the merged profile gets its id back with the identifiers the merge moved, as far as the survivor ' +
    'still has them) or `profileId` with `identifiers` (they move to a new profile). An IdentitySplit record is published on ' +
    'cjo.identity.changes.v1; later events resolve by the new graph, and may merge the profiles again (a new, audited merge).',
  // One object, not a union: fastify's ajv strips unknown properties while it tries each branch of a union.
  body: Type.Object({
    mergeId: Type.Optional(Type.String({ format: 'uuid', description: 'The merge to undo' })),
    profileId: Type.Optional(Type.String({ format: 'uuid', description: 'The profile to split identifiers off' })),
    identifiers: Type.Optional(Type.Array(IdentifierSchema, { minItems: 1, maxItems: 100, description: 'What to move to a new profile' })),
    reason,
  }),
  response: {
    201: Type.Object({
      splitId: Type.String({ format: 'uuid' }),
      fromProfileId: Type.String({ format: 'uuid' }),
      newProfileId: Type.String({ format: 'uuid' }),
      identifiers: Type.Array(IdentifierSchema),
      mergeId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
      reason: Type.String(),
      splitAt: Type.String({ format: 'date-time' }),
      published: Type.Boolean({
        description: 'false when the IdentitySplit record could not be published yet; it is then published within a minute',
      }),
    }),
    400: ErrorBody,
    401: ErrorBody,
    404: ErrorBody,
    409: ErrorBody,
    422: ErrorBody,
  },
};

export interface SplitRouteDeps {
  adminToken: string;
  rules: () => IdentityRules;
  split: (request: SplitRequest) => Promise<SplitOutcome>;
  /** After the commit: invalidates the cache (a failure is thrown) and publishes (resolves false when it could not). */
  afterSplit: (split: IdentitySplit) => Promise<boolean>;
  logger: Logger;
}

export function registerSplitRoute(scope: FastifyInstance, deps: SplitRouteDeps): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/v1/identities/split', { schema, preHandler: adminAuth(deps.adminToken) }, async (request, reply) => {
    const { mergeId, profileId, identifiers, reason: why } = request.body;
    let splitRequest: SplitRequest;
    if (mergeId !== undefined && profileId === undefined && identifiers === undefined) {
      splitRequest = { mergeId, reason: why };
    } else if (mergeId === undefined && profileId !== undefined && identifiers !== undefined) {
      const rules = deps.rules();
      splitRequest = { profileId, reason: why, identifiers: identifiers.map((i) => parseIdentifier(rules, i.type, i.value)) };
    } else {
      throw httpError(400, 'invalid_request', 'body must have either mergeId, or profileId with identifiers (and a reason)');
    }
    const outcome = await deps.split(splitRequest);
    if (outcome.type === 'refused') throw httpError(outcome.status, outcome.code, outcome.message);
    const { split } = outcome;
    const published = await deps.afterSplit(split);
    deps.logger.info({ splitId: split.splitId, from: split.fromProfileId, to: split.newProfileId, mergeId: split.mergeId }, 'identifiers split');
    return reply.code(201).send({ ...split, splitAt: iso(split.splitAt), published });
  });
}
