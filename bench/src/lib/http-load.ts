import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Latencies, StatusCounts, type LatencySummary } from './stats';

export interface HttpPhaseOptions {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Body with `[<id>]` placeholders, each replaced by one fresh id per request. */
  bodyTemplate: string;
  eventsPerRequest: number;
  connections: number;
  seconds: number;
  /** Requests per second over all connections (autocannon overallRate); omitted: as fast as possible. */
  overallRate?: number;
}

export interface HttpPhaseResult {
  name: string;
  seconds: number;
  eventsPerRequest: number;
  /** Requests written to a socket. */
  sent: number;
  /** Responses received, by status. */
  statuses: StatusCounts;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  /** Requests written but unanswered when autocannon closed its sockets at the end of the phase: their outcome is unknown. */
  inFlightAtCutoff: number;
  /** Exact percentiles of every response's time (request written → response complete), all statuses. */
  latency: LatencySummary;
  /** autocannon's own figures, for comparison (its histogram; with a rate it applies its coordinated-omission correction). */
  autocannon: { p50: number; p99: number; reqPerSec: number; non2xx: number; errors: number; timeouts: number };
}

/** One fixed-duration autocannon run; counts every request and response itself. */
export async function runHttpPhase(options: HttpPhaseOptions): Promise<HttpPhaseResult> {
  const latencies = new Latencies();
  const statuses = new StatusCounts();
  let sent = 0;
  let responses = 0;
  let connErrors = 0;
  let timeouts = 0;

  const started = performance.now();
  const result = await autocannon({
    url: options.url + options.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.bodyTemplate,
    idReplacement: true,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 10,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    setupClient(client) {
      // Not in autocannon's typings, but emitted by its client (lib/httpClient.js).
      const emitter: NodeJS.EventEmitter = client;
      emitter.on('request', () => {
        sent += 1;
      });
      emitter.on('response', (statusCode: number, _bytes: number, responseTime: number) => {
        responses += 1;
        statuses.add(statusCode);
        latencies.add(responseTime);
      });
      emitter.on('connError', () => {
        connErrors += 1;
      });
      emitter.on('timeout', () => {
        timeouts += 1;
      });
    },
  });
  const seconds = (performance.now() - started) / 1000;

  const ok = statuses.count((status) => status >= 200 && status <= 299);
  return {
    name: options.name,
    seconds,
    eventsPerRequest: options.eventsPerRequest,
    sent,
    statuses,
    ok,
    non2xx: responses - ok,
    errors: connErrors + timeouts,
    timeouts,
    // A timed-out request is given up by autocannon too (it reconnects): its outcome is just as unknown.
    inFlightAtCutoff: Math.max(0, sent - responses),
    latency: latencies.summary(),
    autocannon: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      reqPerSec: result.requests.average,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    },
  };
}
