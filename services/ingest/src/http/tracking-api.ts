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

/**
 * The tracking endpoints in an encapsulated plugin, so that their CORS headers and body parsers
 * do not leak onto the admin routes, or onto other services' routes when the embedded mode mounts
 * all services on one app.
 */
export function trackingApi(deps: TrackingRouteDeps) {
  return async (scope: FastifyInstance): Promise<void> => {
    const tracking = new Set<string>(TRACKING_PATHS);
    // @fastify/cors answers preflights on a catch-all OPTIONS route, which is global to the app:
    // only the tracking paths get an answer, not the admin API or other services' routes.
    await scope.register(cors, {
      delegator: (request, callback) =>
        callback(null, tracking.has(request.url.split('?')[0] ?? '') ? TRACKING_CORS : { origin: false }),
    });
    installBodyParsers(scope, MAX_REQUEST_BYTES);
    // Bodies refused before the handler runs (unreadable, too large, wrong type) still count.
    scope.addHook('onError', async (_request, _reply, error) => {
      deps.metrics.rejected(error instanceof HttpError ? error.code : 'internal_error', 1);
    });
    registerTrackingRoutes(scope, deps);
  };
}
