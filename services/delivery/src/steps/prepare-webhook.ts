import { ok, type StepResult } from '@cjo/bus';
import type { Decision } from '@cjo/contract';
import type { Liquid } from 'liquidjs';

/** The JSON body a webhook receiver gets. */
export interface WebhookBody {
  deliveryId: string;
  decisionId: string;
  journeyId: string;
  profileId: string;
  channel: string;
  content: string;
}

export interface WebhookCall {
  destination: string;
  body: WebhookBody;
}

/** Either a call to make, or the reason the decision can never be delivered. */
export type Prepared = { type: 'call'; call: WebhookCall } | { type: 'reject'; error: string };

export async function prepareWebhook(decision: Decision, liquid: Liquid): Promise<StepResult<Prepared>> {
  if (decision.channel !== 'webhook') return ok(reject('unsupported_channel'));
  if (decision.destination === null || decision.destination === '') return ok(reject('missing_destination'));

  const scope = parseScope(decision.contextJson);
  if (scope === null) return ok(reject('invalid_context: contextJson is not a JSON object'));

  let content: string;
  try {
    content = await liquid.parseAndRender(decision.template, scope);
  } catch (err) {
    return ok(reject(`template_error: ${err instanceof Error ? err.message : String(err)}`));
  }

  return ok({
    type: 'call',
    call: {
      destination: decision.destination,
      body: {
        deliveryId: decision.decisionId,
        decisionId: decision.decisionId,
        journeyId: decision.journeyId,
        profileId: decision.profileId,
        channel: decision.channel,
        content,
      },
    },
  });
}

function reject(error: string): Prepared {
  return { type: 'reject', error };
}

function parseScope(json: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
