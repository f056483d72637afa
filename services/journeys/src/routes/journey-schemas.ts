import { Type, type Static } from '@sinclair/typebox';

export const TriggerSchema = Type.Object(
  { event: Type.String({ minLength: 1, maxLength: 200, description: 'Name of the track event that starts the journey' }) },
  { additionalProperties: false },
);

export const ActionSchema = Type.Object(
  {
    channel: Type.Literal('webhook'),
    url: Type.String({ format: 'uri', maxLength: 2048, description: 'http(s) URL the rendered content is POSTed to' }),
    template: Type.String({ maxLength: 65_536, description: 'Liquid template; scope is { event, profile }' }),
  },
  { additionalProperties: false },
);

export const CreateJourneyBodySchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), trigger: TriggerSchema, action: ActionSchema },
  { additionalProperties: false },
);
export type CreateJourneyBody = Static<typeof CreateJourneyBodySchema>;

export const JourneySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
  trigger: TriggerSchema,
  action: ActionSchema,
  createdAt: Type.String({ format: 'date-time' }),
});
export type JourneyView = Static<typeof JourneySchema>;

export const JourneyParamsSchema = Type.Object({ id: Type.String() });
