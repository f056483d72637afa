export { createHttpApp, type HttpApp, type HttpAppOptions } from './create-http-app';
export { adminAuth, type PreHandler } from './admin-auth';
export { ErrorBodySchema, errorBody, httpError, HttpError, type ErrorBody } from './http-error';
export { metricsRegistryOf } from './metrics';
export type { ReadinessCheck } from './health';
export type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
