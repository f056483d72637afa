import { ok, type StepResult } from '@cjo/bus';
import type { WebhookCall } from './prepare-webhook';

export type Fetch = typeof fetch;

/** What came back from the receiver: an HTTP status, or no answer at all. */
export type SendResult = { type: 'response'; httpStatus: number } | { type: 'no_response'; error: string };

export async function sendWebhook(fetchFn: Fetch, call: WebhookCall, timeoutMs: number): Promise<StepResult<SendResult>> {
  try {
    const response = await fetchFn(call.destination, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': call.body.deliveryId },
      body: JSON.stringify(call.body),
      // A redirect would turn the POST into a GET somewhere we were not told to send to.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is not needed; releasing it frees the connection for reuse.
    await response.body?.cancel();
    return ok({ type: 'response', httpStatus: response.status });
  } catch (err) {
    return ok({ type: 'no_response', error: describeFailure(err, timeoutMs) });
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `timeout: no answer within ${timeoutMs} ms`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `network_error: ${err instanceof Error ? err.message : String(err)}${cause}`;
}
