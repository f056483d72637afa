import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { ProfilesRuntime } from '../batch/runtime';
import type { ProfileCache } from '../cache/profile-cache';
import { deleteProfile } from '../batch/delete-profile';
import { identifierHash, normaliseIdentifier } from '../model/identifiers';
import type { StoredEvent } from '../model/profile-event';
import { timelineOf } from '../store/events-store';
import { findProfileByIdentifier } from '../store/identifiers-store';
import { findRedirects } from '../store/redirects-store';
import { findSuppression, findTombstone } from '../store/suppression-store';
import { readProfileView, type ProfileReader } from './profile-view';
import {
  ADMIN_SECURITY,
  PageQuery,
  ProfileViewSchema,
  Timestamp,
  Uuid,
  decodeCursor,
  encodeCursor,
  iso,
} from './schemas';

const admin = { tags: ['profiles'], security: ADMIN_SECURITY };
const Params = Type.Object({ id: Uuid });

const EventSchema = Type.Object({
  messageId: Type.String(),
  type: Type.String(),
  event: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  groupId: Type.Union([Type.String(), Type.Null()]),
  userId: Type.Union([Type.String(), Type.Null()]),
  anonymousId: Type.Union([Type.String(), Type.Null()]),
  properties: Type.Record(Type.String(), Type.Unknown(), { description: 'Properties; the traits of identify and group calls' }),
  timestamp: Timestamp,
  receivedAt: Type.Union([Timestamp, Type.Null()]),
});

const schemas = {
  get: {
    ...admin,
    summary: 'A profile: traits, identifiers, counters, computed traits, groups and segment memberships (a merged-away id answers with its survivor)',
    params: Params,
    response: { 200: ProfileViewSchema, 401: ErrorBody, 404: ErrorBody, 410: ErrorBody },
  },
  lookup: {
    ...admin,
    summary: 'The profile an identifier (userId, anonymousId, email, ...) belongs to; the one seen last if several carry it',
    querystring: Type.Object({
      identifier: Type.String({ minLength: 1, maxLength: 64, description: 'Identifier type: userId, anonymousId, email, ...' }),
      value: Type.String({ minLength: 1, maxLength: 512 }),
    }),
    response: { 200: ProfileViewSchema, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 410: ErrorBody },
  },
  events: {
    ...admin,
    summary: "A profile's event timeline, newest first, paged with nextCursor",
    params: Params,
    querystring: Type.Object({ ...PageQuery, limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
    response: {
      200: Type.Object({ profileId: Uuid, events: Type.Array(EventSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
      400: ErrorBody,
      401: ErrorBody,
      404: ErrorBody,
    },
  },
  remove: {
    ...admin,
    summary:
      'Erase a profile (GDPR): its traits and events are deleted, its identifiers suppressed (later events carrying them are dropped) and a ProfileDeleted record tells the other services',
    params: Params,
    response: {
      200: Type.Object({
        deletionId: Uuid,
        profileId: Uuid,
        deletedAt: Timestamp,
        suppressedIdentifiers: Type.Array(Type.Object({ type: Type.String() }), {
          description: 'Types of the identifiers now suppressed (values are not echoed back)',
        }),
        mergedProfileIds: Type.Array(Uuid),
      }),
      401: ErrorBody,
      404: ErrorBody,
      410: ErrorBody,
    },
  },
};

const toEventJson = (event: StoredEvent) => ({
  messageId: event.messageId,
  type: event.type,
  event: event.event,
  name: event.name,
  groupId: event.groupId,
  userId: event.userId,
  anonymousId: event.anonymousId,
  properties: event.properties,
  timestamp: iso(event.time),
  receivedAt: event.receivedAt === null ? null : iso(event.receivedAt),
});

function timelineCursor(cursor: string | undefined): { time: number; messageId: string } | null {
  const decoded = decodeCursor(cursor);
  if (decoded === null) return null;
  if (Array.isArray(decoded) && typeof decoded[0] === 'number' && typeof decoded[1] === 'string') {
    return { time: decoded[0], messageId: decoded[1] };
  }
  throw httpError(400, 'invalid_cursor', 'cursor is not a nextCursor this API returned');
}

/** Profiles: read one, look one up by identifier, its timeline, erase it. */
export function registerProfileRoutes(
  scope: FastifyInstance,
  runtime: ProfilesRuntime & { cache: ProfileCache; adminToken: string },
): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(runtime.adminToken);
  const reader: ProfileReader = runtime;

  const goneOrMissing = async (id: string): Promise<never> => {
    const gone = await findTombstone(runtime.db, id);
    if (gone !== null) throw httpError(410, 'profile_deleted', `profile ${id} was deleted (deletion ${gone.deletionId})`);
    throw httpError(404, 'not_found', `profile ${id} does not exist`);
  };

  app.get('/v1/profiles/lookup', { schema: schemas.lookup, preHandler }, async (request) => {
    const identifier = normaliseIdentifier({ type: request.query.identifier, value: request.query.value });
    const profileId = await findProfileByIdentifier(runtime.db, identifier);
    if (profileId === null) {
      if ((await findSuppression(runtime.db, identifierHash(identifier))) !== null) {
        throw httpError(410, 'identifier_suppressed', `${identifier.type} ${JSON.stringify(identifier.value)} belonged to a deleted profile and is suppressed`);
      }
      throw httpError(404, 'not_found', `no profile has ${identifier.type} ${JSON.stringify(identifier.value)}`);
    }
    return (await readProfileView(reader, profileId)) ?? goneOrMissing(profileId);
  });

  app.get('/v1/profiles/:id', { schema: schemas.get, preHandler }, async (request, reply) => {
    const view = await readProfileView(reader, request.params.id);
    if (view === null) return goneOrMissing(request.params.id);
    if (view.id !== request.params.id) void reply.header('content-location', `/v1/profiles/${view.id}`);
    return view;
  });

  app.get('/v1/profiles/:id/events', { schema: schemas.events, preHandler }, async (request) => {
    const before = timelineCursor(request.query.cursor);
    const profileId = (await findRedirects(runtime.db, [request.params.id])).get(request.params.id) ?? request.params.id;
    const events = await timelineOf(runtime.db, profileId, request.query.limit + 1, before);
    if (events.length === 0 && before === null && (await readProfileView(reader, profileId)) === null) await goneOrMissing(profileId);
    const page = events.slice(0, request.query.limit);
    const last = page.at(-1);
    return {
      profileId,
      events: page.map(toEventJson),
      nextCursor: events.length > page.length && last !== undefined ? encodeCursor([last.time, last.messageId]) : null,
    };
  });

  app.delete('/v1/profiles/:id', { schema: schemas.remove, preHandler }, async (request) => {
    const outcome = await deleteProfile(runtime, request.params.id, randomUUID());
    if (outcome.kind === 'not_found') throw httpError(404, 'not_found', `profile ${request.params.id} does not exist`);
    if (outcome.kind === 'gone') {
      throw httpError(410, 'profile_deleted', `profile ${outcome.profileId} was already deleted (deletion ${outcome.deletionId})`);
    }
    const { deletion, mergedProfileIds } = outcome;
    runtime.logger.info({ profileId: deletion.profileId, deletionId: deletion.deletionId }, 'profile deleted');
    return {
      deletionId: deletion.deletionId,
      profileId: deletion.profileId,
      deletedAt: iso(deletion.deletedAt),
      suppressedIdentifiers: deletion.identifiers.map(({ type }) => ({ type })),
      mergedProfileIds,
    };
  });
}
