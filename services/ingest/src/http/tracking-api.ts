import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '@cjo/http';
import { MAX_REQUEST_BYTES } from '../limits';
import { registerTrackingRoutes, TRACKING_PATHS, type TrackingRouteDeps } from '../routes/tracking';
import { installBodyParsers } from './body-parsers';

/** How long browsers may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

/** Browser SDKs post from any site; they authenticate with the write key, not with cookies. */
const TRACKING_CORS: FastifyCorsOptions = {
  origin: '*',
  methods: ['POST', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by @fastify/cors: the route's own CORS options, over the plugin's. */
    cors?: FastifyCorsOptions | false;
  }
}

/**
 * The tracking endpoints in an encapsulated plugin, so that their CORS headers and body parsers
 * do not leak onto the admin routes, or onto other services' routes when the embedded mode mounts
 * all services on one app.
 */
export function trackingApi(deps: TrackingRouteDeps) {
  return async (scope: FastifyInstance): Promise<void> => {
    const tracking = new Set<string>(TRACKING_PATHS);
    // The plugin's own options turn CORS off and each tracking route turns it on in its config: static
    // options, where a delegator choosing by path had the plugin rebuild them on every request. The
    // plugin answers preflights on a catch-all OPTIONS route, global to the app (and without the
    // config): the tracking paths get OPTIONS routes of their own, so only they answer.
    scope.addHook('onRoute', (route) => {
      if (tracking.has(route.url)) route.config = { ...route.config, cors: TRACKING_CORS };
    });
    await scope.register(cors, { origin: false });
    for (const path of TRACKING_PATHS) {
      // The plugin's hook answers every preflight (204, or 400 without Origin) before this runs.
      scope.options(path, { schema: { hide: true }, logLevel: deps.logLevel }, (_request, reply) => reply.callNotFound());
    }
    installBodyParsers(scope, MAX_REQUEST_BYTES);
    // Bodies refused before the handler runs (unreadable, too large, wrong type) still count.
    scope.addHook('onError', async (_request, _reply, error) => {
      deps.metrics.rejected(error instanceof HttpError ? error.code : 'internal_error', 1);
    });
    registerTrackingRoutes(scope, deps);
  };
}
