import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { CjoError } from '@cjo/errors';

const REGISTRY_DECORATOR = 'cjoMetricsRegistry';

/** The app's own Prometheus registry, for services to add their counters to. */
export function metricsRegistryOf(app: FastifyInstance): Registry {
  if (!app.hasDecorator(REGISTRY_DECORATOR)) {
    throw new CjoError('http_no_metrics', 'this fastify instance was not created by createHttpApp');
  }
  return app.getDecorator<Registry>(REGISTRY_DECORATOR);
}

/**
 * A registry per app (not prom-client's global one), so several apps in one process, and
 * tests, never clash over metric names.
 */
export function installMetrics(app: FastifyInstance, serviceName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.decorate(REGISTRY_DECORATOR, registry);

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: true } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
