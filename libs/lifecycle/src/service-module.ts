import type { FastifyInstance } from 'fastify';

/** What every service package exports; main.ts runs one, the embedded mode runs all six in one process. */
export interface ServiceModule {
  name: string;
  /** A fastify plugin registering the service's HTTP routes (the embedded mode mounts all services on one app). */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Subscribes consumers and starts background work. */
  start(): Promise<void>;
  /** Stops consumers and lets in-flight work finish; safe to call twice. */
  stop(): Promise<void>;
  /**
   * false when the module can no longer do its work although the process still answers, e.g. a
   * consumer that crashed for good; readiness then fails. Omitted: ready whenever started.
   */
  isReady?(): boolean;
}
