import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { ErrorBodySchema as ErrorBody } from '@cjo/http';
import { CALL_TYPES, type CallType } from './calls';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from './limits';

/**
 * Browser SDKs send `null` for fields they do not know (`"userId": null` before identify), so every
 * optional field admits null and null counts as absent. OpenAPI 3.0's `nullable` keeps the error
 * messages short ("must be string") where a union with null would list every branch.
 */
function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

const id = (description: string) => Type.Optional(nullable(Type.String({ maxLength: MAX_ID_LENGTH, description })));
const requiredId = (description: string) => Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH, description });
const jsonObject = (description: string) =>
  Type.Optional(nullable(Type.Record(Type.String(), Type.Unknown(), { description })));
const time = (description: string) => Type.Optional(nullable(Type.String({ description })));

const callType = Type.Unsafe<CallType>({ type: 'string', enum: [...CALL_TYPES], description: 'The call type' });

const writeKeyField = Type.Optional(
  Type.String({ description: 'The write key, for clients that cannot send an Authorization header (sendBeacon)' }),
);

/** Every field of the Segment spec that ingest stores, all optional; routes make some of them required. */
const callFields = {
  type: Type.Optional(
    Type.String({ description: 'Optional on the single-call endpoints; must then name the endpoint’s type' }),
  ),
  userId: id('Known user id; either userId or anonymousId is required'),
  anonymousId: id('Device or browser id of a user not identified yet'),
  messageId: id('Unique id of the call; a call resent with the same messageId within the dedupe window is stored once. Generated when missing'),
  event: Type.Optional(nullable(Type.String({ maxLength: MAX_EVENT_NAME_LENGTH, description: 'Track: the event name' }))),
  name: Type.Optional(nullable(Type.String({ description: 'Page or screen: its name' }))),
  category: Type.Optional(nullable(Type.String({ description: 'Page or screen: its category (kept as properties.category)' }))),
  groupId: id('Group: the group (account) id'),
  previousId: id('Alias: the previous id that userId takes over'),
  properties: jsonObject('Track, page, screen: free-form properties'),
  traits: jsonObject('Identify, group: user or group traits'),
  context: jsonObject('Device, library, page, locale…; ingest adds ip and userAgent when missing'),
  integrations: jsonObject('Per-destination switches'),
  timestamp: time('ISO-8601 time of the event'),
  originalTimestamp: time('ISO-8601 time of the event by the device clock, corrected with sentAt'),
  sentAt: time('ISO-8601 time the client sent the call, by the device clock'),
  receivedAt: Type.Optional(Type.Unknown({ description: 'Ignored: ingest stamps receivedAt itself' })),
  writeKey: writeKeyField,
} satisfies TProperties;

/** Unknown top-level fields are tolerated as Segment does (SDKs add `_metadata` and the like); they are not kept. */
function callObject<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: true });
}

/** One call as any route admits it, once the route's own required fields are checked. */
export const CallSchema = callObject(callFields);
export type CallFields = Static<typeof CallSchema>;

/** The body of each single-call endpoint: the generic call with the type's required fields. */
export const callBodySchemas = {
  track: callObject({
    ...callFields,
    event: Type.String({ minLength: 1, maxLength: MAX_EVENT_NAME_LENGTH, description: 'The event name' }),
  }),
  identify: CallSchema,
  page: CallSchema,
  screen: CallSchema,
  group: callObject({ ...callFields, groupId: requiredId('The group (account) id') }),
  alias: callObject({
    ...callFields,
    userId: requiredId('The new user id'),
    previousId: requiredId('The previous id (an anonymousId or an earlier userId)'),
  }),
} satisfies Record<CallType, TObject>;

export const BatchItemSchema = callObject({ ...callFields, type: callType });

export const BatchBodySchema = callObject({
  batch: Type.Array(BatchItemSchema, { minItems: 1, description: 'The calls, each with its type' }),
  context: jsonObject('Merged into the context of every call (a call’s own keys win)'),
  integrations: jsonObject('Merged into the integrations of every call (a call’s own keys win)'),
  sentAt: time('When the client sent the batch, by its clock; applies to calls without their own sentAt'),
  writeKey: writeKeyField,
});
export type BatchBody = Static<typeof BatchBodySchema>;

export const SuccessSchema = Type.Object({ success: Type.Literal(true) });

/** Every answer a tracking endpoint can give; errors share the platform's error body. */
export const trackingResponses = {
  200: SuccessSchema,
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
