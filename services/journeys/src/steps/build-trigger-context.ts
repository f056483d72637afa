import { dlq, ok, type StepResult } from '@cjo/bus';
import type { ResolvedEvent } from '@cjo/contract';
import { CjoError } from '@cjo/errors';

/** The template scope a journey action is rendered with. */
export interface TriggerContext {
  event: { name: string; properties: Record<string, unknown>; messageId: string; timestamp: number };
  profile: { id: string; traits: Record<string, unknown> };
}

export function buildTriggerContext(event: ResolvedEvent, eventName: string): StepResult<TriggerContext> {
  const properties = parseObject(event.propertiesJson, 'propertiesJson');
  if (properties.type !== 'ok') return properties;
  // Until profiles feed journeys, the traits sent with the event are the best view of the profile.
  const traits = parseObject(event.traitsJson, 'traitsJson');
  if (traits.type !== 'ok') return traits;
  return ok({
    event: { name: eventName, properties: properties.value, messageId: event.messageId, timestamp: event.timestamp },
    profile: { id: event.profileId, traits: traits.value },
  });
}

function parseObject(json: string, field: string): StepResult<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    return dlq(new CjoError('invalid_json', `${field} is not valid JSON`, { cause: err }));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return dlq(new CjoError('invalid_json', `${field} is not a JSON object`));
  }
  return ok(parsed as Record<string, unknown>);
}
