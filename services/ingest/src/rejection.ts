import { dlq, type StepResult } from '@cjo/bus';
import { HttpError } from '@cjo/http';

/**
 * A request ingest refuses on purpose: the status, the stable code and a message meant for the
 * client. retryAfterSeconds is set when trying again later can succeed (429, some 503s).
 */
export class Rejection extends HttpError {
  readonly retryAfterSeconds: number | undefined;

  constructor(statusCode: number, code: string, message: string, retryAfterSeconds?: number) {
    super(statusCode, code, message);
    this.name = 'Rejection';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function reject(statusCode: number, code: string, message: string, retryAfterSeconds?: number): StepResult<never> {
  return dlq(new Rejection(statusCode, code, message, retryAfterSeconds));
}

/** A 400 for an event that breaks a rule of the spec; `where` names the batch item, null for a single call. */
export function invalidEvent(where: string | null, message: string): StepResult<never> {
  return reject(400, 'invalid_event', where === null ? message : `${where}: ${message}`);
}
