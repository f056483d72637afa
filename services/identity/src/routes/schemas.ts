import { Type } from '@sinclair/typebox';
import { TYPE_NAME_PATTERN } from '../identifiers';

export const admin = { tags: ['identity'], security: [{ adminToken: [] }] };

export const IdentifierSchema = Type.Object({
  type: Type.String({ pattern: TYPE_NAME_PATTERN }),
  value: Type.String({ minLength: 1, maxLength: 512 }),
});

export const LinkedIdentifierSchema = Type.Object({
  type: Type.String(),
  value: Type.String(),
  linkedAt: Type.String({ format: 'date-time', description: 'When it was first linked (it keeps this time when a merge moves it)' }),
  messageId: Type.Union([Type.String(), Type.Null()], { description: 'The event that linked it first' }),
});

export const iso = (ms: number) => new Date(ms).toISOString();
