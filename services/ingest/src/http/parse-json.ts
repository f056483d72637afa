import secureJson from 'secure-json-parse';
import { HttpError } from '@cjo/http';

/**
 * JSON from the raw bytes: decoded once as a whole (so characters split across chunks survive)
 * and strictly (invalid UTF-8 is refused rather than replaced). `__proto__` and
 * `constructor.prototype` keys are refused as fastify's own parser does.
 */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid UTF-8 text');
  }
  try {
    return secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
