import type { Verdict } from '../delivery';
import type { SendResult } from './send-webhook';

/**
 * 2xx is delivered. Overload (429), server errors and no answer may pass on a
 * later try. Any other status means the receiver will not take this request.
 */
export function classifyResponse(result: SendResult): Verdict {
  if (result.type === 'no_response') return { status: 'retriable', httpStatus: null, error: result.error };
  const { httpStatus } = result;
  if (httpStatus >= 200 && httpStatus < 300) return { status: 'delivered', httpStatus, error: null };
  if (httpStatus === 429 || httpStatus >= 500) return { status: 'retriable', httpStatus, error: `http_${httpStatus}` };
  return { status: 'failed', httpStatus, error: `http_${httpStatus}` };
}
