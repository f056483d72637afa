import { Type, type Static } from '@sinclair/typebox';
import { CjoError } from '@cjo/errors';

/** The body of every error response; routes can reuse it in their response schemas. */
export const ErrorBodySchema = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: 'ErrorBody', title: 'ErrorBody' },
);
export type ErrorBody = Static<typeof ErrorBodySchema>;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** A CjoError that a route throws to answer with a given HTTP status; its message goes to the client. */
export class HttpError extends CjoError {
  readonly statusCode: number;

  constructor(statusCode: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'HttpError';
    this.statusCode = statusCode;
  }
}

export function httpError(statusCode: number, code: string, message: string): HttpError {
  return new HttpError(statusCode, code, message);
}
