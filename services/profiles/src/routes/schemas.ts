import { Type } from '@sinclair/typebox';
import { ErrorBodySchema } from '@cjo/http';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });
export const JsonObjectSchema = Type.Record(Type.String(), Type.Unknown());

export const IdentifierSchema = Type.Object({ type: Type.String(), value: Type.String() });

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Items per page' }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page' })),
};

export const ProfileViewSchema = Type.Object(
  {
    id: Uuid,
    traits: JsonObjectSchema,
    identifiers: Type.Array(IdentifierSchema),
    eventCount: Type.Integer({ minimum: 0 }),
    firstSeen: Timestamp,
    lastSeen: Timestamp,
    computedTraits: Type.Record(Type.String(), Type.Unknown(), { description: 'Computed trait values, by name' }),
    groups: Type.Array(Type.Object({ id: Type.String(), traits: JsonObjectSchema })),
    segments: Type.Array(Type.Object({ id: Uuid, name: Type.String(), enteredAt: Timestamp, version: Type.Integer() })),
    mergedProfileIds: Type.Array(Uuid, { description: 'Profile ids merged into this one; they redirect here' }),
  },
  { title: 'Profile' },
);

/** The error answers every admin route may give, for the OpenAPI document. */
export const adminErrors = { 400: ErrorBodySchema, 401: ErrorBodySchema };

export const ADMIN_SECURITY = [{ adminToken: [] }];

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Opaque page cursors: base64url JSON, so their shape can change without breaking clients that pass them back. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): unknown {
  if (cursor === undefined) return null;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
