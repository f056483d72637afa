import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Queryable } from '@cjo/db';
import { createdAtOf, historyOf, identifiersOf, liveProfileOf, membersOf } from '../graph/graph-queries';
import { admin, IdentifierSchema, iso, LinkedIdentifierSchema } from './schemas';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const MergeEntry = Type.Object({
  kind: Type.Literal('merge'),
  at: Type.String({ format: 'date-time' }),
  mergeId: Type.String(),
  survivorProfileId: Type.String(),
  mergedProfileId: Type.String(),
  identifiers: Type.Array(IdentifierSchema, { description: 'What moved from the merged profile to the survivor' }),
  linkingIdentifiers: Type.Array(IdentifierSchema, { description: "The triggering event's identifiers that tied the two" }),
  messageId: Nullable(Type.String()),
  reason: Type.String(),
  undoneBySplitId: Nullable(Type.String()),
});

const SplitEntry = Type.Object({
  kind: Type.Literal('split'),
  at: Type.String({ format: 'date-time' }),
  splitId: Type.String(),
  fromProfileId: Type.String(),
  newProfileId: Type.String(),
  identifiers: Type.Array(IdentifierSchema),
  mergeId: Nullable(Type.String()),
  reason: Type.String(),
});

const ConflictEntry = Type.Object({
  kind: Type.Literal('conflict'),
  at: Type.String({ format: 'date-time', description: 'The last time it happened' }),
  conflictId: Type.String(),
  conflictKind: Type.Union([Type.Literal('merge_protection'), Type.Literal('limit_exceeded')]),
  profileId: Type.String({ description: 'The profile the event went to' }),
  otherProfileId: Nullable(Type.String({ description: 'The profile it was not merged with; null when a link was refused by a limit' })),
  identifier: IdentifierSchema,
  reason: Type.String(),
  firstMessageId: Nullable(Type.String()),
  lastMessageId: Nullable(Type.String()),
  occurrences: Type.Integer(),
  firstAt: Type.String({ format: 'date-time' }),
});

const schema = {
  ...admin,
  summary: "A profile's identifiers and the history of its graph: merges, splits and refused merges",
  description:
    'A merged-away profile id answers with its survivor (requestedProfileId says which id was asked for). ' +
    'History lists, oldest first, every merge, split and conflict involving the profile or one merged into it.',
  params: Type.Object({ profileId: Type.String({ format: 'uuid' }) }),
  querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'Most entries of each kind' }) }),
  response: {
    200: Type.Object({
      profileId: Type.String({ format: 'uuid' }),
      requestedProfileId: Type.String({ format: 'uuid' }),
      createdAt: Type.String({ format: 'date-time' }),
      mergedProfileIds: Type.Array(Type.String({ format: 'uuid' })),
      identifiers: Type.Array(LinkedIdentifierSchema),
      history: Type.Array(Type.Union([MergeEntry, SplitEntry, ConflictEntry])),
    }),
    400: ErrorBody,
    401: ErrorBody,
    404: ErrorBody,
  },
};

export function registerIdentityGraphRoute(scope: FastifyInstance, deps: { db: Queryable; adminToken: string }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/profiles/:profileId/identity-graph', { schema, preHandler: adminAuth(deps.adminToken) }, async (request) => {
    const requested = request.params.profileId;
    const profileId = await liveProfileOf(deps.db, requested);
    const createdAt = profileId === null ? null : await createdAtOf(deps.db, profileId);
    if (profileId === null || createdAt === null) throw httpError(404, 'profile_not_found', `identity knows no profile ${requested}`);
    const members = await membersOf(deps.db, profileId);
    const identifiers = await identifiersOf(deps.db, profileId);
    const history = await historyOf(deps.db, members, request.query.limit);
    const entries = [
      ...history.merges.map(({ mergedAt, ...merge }) => ({ kind: 'merge' as const, atMs: mergedAt, at: iso(mergedAt), ...merge })),
      ...history.splits.map(({ splitAt, ...split }) => ({ kind: 'split' as const, atMs: splitAt, at: iso(splitAt), ...split })),
      ...history.conflicts.map(({ kind, lastAt, firstAt, ...conflict }) => ({
        kind: 'conflict' as const,
        conflictKind: kind,
        atMs: lastAt,
        at: iso(lastAt),
        firstAt: iso(firstAt),
        ...conflict,
      })),
    ].sort((a, b) => a.atMs - b.atMs);
    return {
      profileId,
      requestedProfileId: requested,
      createdAt: iso(createdAt),
      mergedProfileIds: members.filter((member) => member !== profileId).sort(),
      identifiers: identifiers.map((identifier) => ({ ...identifier, linkedAt: iso(identifier.linkedAt) })),
      history: entries.map(({ atMs: _atMs, ...entry }) => entry),
    };
  });
}
