import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@cjo/log';
import { installErrorHandling } from './error-handling';
import { installGracefulClose } from './graceful-close';
import { installHealthRoutes, type ReadinessCheck } from './health';
import { installMetrics } from './metrics';
import { installOpenApi } from './openapi';

export type HttpApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpAppOptions {
  logger: Logger;
  /** Names the OpenAPI document and labels metrics; the app itself serves any number of services. */
  serviceName: string;
  isReady?: ReadinessCheck;
  /** Largest accepted request body in bytes (fastify's default, 1 MiB, when omitted). */
  bodyLimit?: number;
}

/**
 * A fastify app with health, metrics, OpenAPI and uniform JSON errors, ready for routes to be
 * registered (call `ready()` or `listen()` afterwards).
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  // Typed with fastify's base logger so the plugins below accept it like any other instance.
  const app = Fastify<Server, IncomingMessage, ServerResponse, FastifyBaseLogger>({
    loggerInstance: options.logger,
    requestIdHeader: 'x-request-id',
    // installGracefulClose answers requests during shutdown in the platform's error format.
    return503OnClosing: false,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    // Report every invalid field at once, not just the first.
    ajv: { customOptions: { allErrors: true } },
  });

  installErrorHandling(app);
  await installOpenApi(app, options.serviceName);
  installMetrics(app, options.serviceName);
  installHealthRoutes(app, options.isReady ?? (() => true));
  installGracefulClose(app);
  return app.withTypeProvider<TypeBoxTypeProvider>();
}
