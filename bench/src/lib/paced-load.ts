import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Latencies, StatusCounts, type LatencySummary } from './stats';

export interface PacedPhaseOptions {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: (id: string) => string;
  rate: number;
  seconds: number;
  /** Upper bound of concurrent connections; requests beyond it wait (and that wait counts in their latency). */
  maxSockets: number;
  /** How long to wait for the responses still due after the last request was sent. */
  drainTimeoutMs: number;
}

export interface PacedPhaseResult {
  name: string;
  /** From the first request due to the last response (at least the sending time). */
  seconds: number;
  sent: number;
  statuses: StatusCounts;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests still unanswered when the drain timeout ended the phase (their outcome is unknown; not in the latencies). */
  unanswered: number;
  /** Intended send time → response complete (free of coordinated omission). */
  latency: LatencySummary;
  /** Acknowledged requests per second, from the first request due to the last response. */
  achievedRate: number;
}

/**
 * An open-loop load at an even rate: request i is due at start + i/rate, is
 * sent then whatever the previous ones are doing, and its latency is measured
 * from when it was due, so a stalled server cannot hide behind a slowed-down
 * client. Then waits for the responses still due (bounded by `drainTimeoutMs`).
 */
export async function runPacedPhase(options: PacedPhaseOptions): Promise<PacedPhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const latencies = new Latencies();
  const statuses = new StatusCounts();
  const runId = randomBytes(6).toString('hex');
  const total = Math.round(options.rate * options.seconds);
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let sent = 0;
  let lastResponseAt = 0;
  const target = new URL(options.path, options.url);

  const fire = (dueAt: number): void => {
    const body = options.body(`paced-${runId}-${sent}`);
    sent += 1;
    const done = new Promise<void>((resolveDone) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses.add(res.statusCode ?? 0);
            lastResponseAt = performance.now();
            latencies.add(lastResponseAt - dueAt);
            resolveDone();
          });
          res.on('error', () => {
            errors += 1;
            resolveDone();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        errors += 1;
        resolveDone();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  const started = performance.now();
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate) + 1);
    while (sent < due) fire(started + (sent * 1000) / options.rate);
    await sleep(1);
  }
  // An overloaded service leaves requests queued behind the busy connections: wait for them, within bounds.
  const drainTimer = new AbortController();
  const drained = await Promise.race([
    Promise.all([...pending]).then(() => true),
    sleep(options.drainTimeoutMs, false, { signal: drainTimer.signal }).catch(() => false),
  ]);
  drainTimer.abort();
  const unanswered = drained ? 0 : pending.size;
  agent.destroy();

  const ok = statuses.count((status) => status >= 200 && status <= 299);
  // Until the last response: a service that cannot keep up stretches the phase, and its rate shows it.
  const seconds = (Math.max(lastResponseAt, started + options.seconds * 1000) - started) / 1000;
  return {
    name: options.name,
    seconds,
    sent,
    statuses,
    ok,
    non2xx: statuses.count(() => true) - ok,
    errors,
    unanswered,
    latency: latencies.summary(),
    achievedRate: ok / seconds,
  };
}
