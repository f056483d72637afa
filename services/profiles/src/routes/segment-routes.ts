import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { adminAuth, ErrorBodySchema as ErrorBody, httpError, type TypeBoxTypeProvider } from '@cjo/http';
import type { Db } from '@cjo/db';
import type { DefinitionsAdmin } from '../admin/definitions-admin';
import { findSegment, liveSegments, type SegmentRow } from '../store/definitions-store';
import { latestJobs, type SegmentJob } from '../store/jobs-store';
import { countMembers, membersOf } from '../store/memberships-store';
import { OPERATORS } from '../rules/operators';
import { RELATIVE_OPERATORS } from '../rules/relative-dates';
import { ADMIN_SECURITY, PageQuery, Timestamp, Uuid, decodeCursor, encodeCursor, iso } from './schemas';

const admin = { tags: ['segments'], security: ADMIN_SECURITY };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const Params = Type.Object({ id: Uuid });
const AllowUnknown = Type.Object({
  allowUnknown: Type.Boolean({
    default: false,
    description: 'Accept traits, events and properties not seen in the data yet (shapes and operators are still checked)',
  }),
});

const RULE_DOC =
  'A JSON rule: {"and": [...]}, {"or": [...]}, {"not": rule}; {"trait": "plan", "op": "eq", "value": "pro"}; ' +
  '{"computedTrait": "orders_30d", "op": "gte", "value": 3}; ' +
  '{"performed": "Order Completed", "where": [{"property": "total", "op": "gt", "value": 100}], "atLeast": 2, "atMost": 5, "within": "30d"}; ' +
  '{"group": {"id": "acme", "where": [{"trait": "plan", "op": "eq", "value": "enterprise"}]}}. ' +
  `Operators: ${OPERATORS.join(', ')}. Trait and computedTrait conditions also compare a date with the current time: ` +
  `${RELATIVE_OPERATORS.join(', ')}, with a duration as value ({"trait": "signedUpAt", "op": "within_last", "value": "7d"}); ` +
  'time alone then moves profiles in and out (cause window_expired).';

const SegmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  rule: Type.Unknown({ description: RULE_DOC }),
});

const JobSchema = Type.Object({
  id: Uuid,
  kind: Type.String({ description: 'backfill (new segment) | changed (new rule) | deleted' }),
  status: Type.String({ description: 'pending | running | done | superseded (a newer version replaced it)' }),
  segmentVersion: Type.Integer(),
  processed: Type.Integer(),
  total: Type.Integer({ description: 'Profiles (members, for a deleted segment) when the job was queued' }),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  entered: Type.Integer(),
  exited: Type.Integer(),
  createdAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  updatedAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});

const SegmentSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  rule: Type.Unknown(),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  memberCount: Type.Integer({ minimum: 0 }),
  backfill: Type.Union([JobSchema, Type.Null()], { description: 'The latest (re)evaluation over every profile, with its progress' }),
});

const schemas = {
  create: {
    ...admin,
    summary: 'Create a segment; it is backfilled over existing profiles in the background (see backfill)',
    querystring: AllowUnknown,
    body: SegmentBody,
    response: { 201: SegmentSchema, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody },
  },
  list: { ...admin, summary: 'List segments', response: { 200: Type.Object({ segments: Type.Array(SegmentSchema) }), 401: ErrorBody } },
  get: { ...admin, summary: 'A segment, its member count and backfill progress', params: Params, response: { 200: SegmentSchema, 401: ErrorBody, 404: ErrorBody } },
  update: {
    ...admin,
    summary: 'Replace a segment; a changed rule is a new version, re-evaluated over every profile in the background',
    params: Params,
    querystring: AllowUnknown,
    body: SegmentBody,
    response: { 200: SegmentSchema, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody },
  },
  remove: {
    ...admin,
    summary: 'Delete a segment; its members exit it in the background (cause segment_changed)',
    params: Params,
    response: { 202: Type.Object({ id: Uuid, deleted: Type.Boolean(), job: JobSchema }), 401: ErrorBody, 404: ErrorBody },
  },
  members: {
    ...admin,
    summary: 'Members of a segment, in profile id order, paged with nextCursor',
    params: Params,
    querystring: Type.Object(PageQuery),
    response: {
      200: Type.Object({
        segmentId: Uuid,
        members: Type.Array(Type.Object({ profileId: Uuid, enteredAt: Timestamp, segmentVersion: Type.Integer() })),
        nextCursor: Type.Union([Type.String(), Type.Null()]),
      }),
      400: ErrorBody,
      401: ErrorBody,
      404: ErrorBody,
    },
  },
};

export function jobJson(job: SegmentJob) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    segmentVersion: job.segmentVersion,
    processed: job.processed,
    total: job.total,
    progress: job.status === 'done' ? 1 : job.total === 0 ? 0 : Math.min(1, job.processed / job.total),
    entered: job.entered,
    exited: job.exited,
    createdAt: iso(job.createdAt),
    startedAt: job.startedAt === null ? null : iso(job.startedAt),
    updatedAt: iso(job.updatedAt),
    finishedAt: job.finishedAt === null ? null : iso(job.finishedAt),
  };
}

async function segmentJson(db: Db, segment: SegmentRow, job: SegmentJob | undefined) {
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description,
    rule: segment.rule,
    version: segment.version,
    createdAt: iso(segment.createdAt),
    updatedAt: iso(segment.updatedAt),
    memberCount: await countMembers(db, segment.id),
    backfill: job === undefined ? null : jobJson(job),
  };
}

export function registerSegmentRoutes(scope: FastifyInstance, deps: { db: Db; admin: DefinitionsAdmin; adminToken: string }): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = adminAuth(deps.adminToken);
  const { db } = deps;
  const withJob = async (segment: SegmentRow) => segmentJson(db, segment, (await latestJobs(db, [segment.id])).get(segment.id));
  const existing = async (id: string): Promise<SegmentRow> => {
    const segment = await findSegment(db, id);
    if (segment === null) throw httpError(404, 'not_found', `segment ${id} does not exist`);
    return segment;
  };

  app.post('/v1/segments', { schema: schemas.create, preHandler }, async (request, reply) => {
    const segment = await deps.admin.createSegment(request.body, request.query.allowUnknown);
    return reply.code(201).send(await withJob(segment));
  });

  app.get('/v1/segments', { schema: schemas.list, preHandler }, async () => {
    const segments = await liveSegments(db);
    const jobs = await latestJobs(db, segments.map((segment) => segment.id));
    return { segments: await Promise.all(segments.map((segment) => segmentJson(db, segment, jobs.get(segment.id)))) };
  });

  app.get('/v1/segments/:id', { schema: schemas.get, preHandler }, async (request) => withJob(await existing(request.params.id)));

  app.put('/v1/segments/:id', { schema: schemas.update, preHandler }, async (request) =>
    withJob(await deps.admin.updateSegment(request.params.id, request.body, request.query.allowUnknown)),
  );

  app.delete('/v1/segments/:id', { schema: schemas.remove, preHandler }, async (request, reply) => {
    const { segment } = await deps.admin.deleteSegment(request.params.id);
    const job = (await latestJobs(db, [segment.id])).get(segment.id);
    if (job === undefined) throw new Error(`the deletion job of segment ${segment.id} is missing`);
    return reply.code(202).send({ id: segment.id, deleted: true, job: jobJson(job) });
  });

  app.get('/v1/segments/:id/members', { schema: schemas.members, preHandler }, async (request) => {
    await existing(request.params.id);
    const after = decodeCursor(request.query.cursor);
    if (after !== null && !(typeof after === 'string' && UUID.test(after))) {
      throw httpError(400, 'invalid_cursor', 'cursor is not a nextCursor this API returned');
    }
    const rows = await membersOf(db, request.params.id, request.query.limit + 1, after);
    const page = rows.slice(0, request.query.limit);
    const last = page.at(-1);
    return {
      segmentId: request.params.id,
      members: page.map((member) => ({ profileId: member.profileId, enteredAt: iso(member.enteredAt), segmentVersion: member.version })),
      nextCursor: rows.length > page.length && last !== undefined ? encodeCursor(last.profileId) : null,
    };
  });
}
