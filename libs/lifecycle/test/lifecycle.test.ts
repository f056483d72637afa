import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from '@cjo/log';
import { createLifecycle } from '../src';

const silent = createLogger({ name: 'lifecycle-test', level: 'silent' });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLifecycle', () => {
  it('runs stoppers in reverse registration order, each awaited', async () => {
    const order: string[] = [];
    const lifecycle = createLifecycle({ logger: silent });
    lifecycle.onStop('db', () => void order.push('db'));
    lifecycle.onStop('bus', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('bus');
    });
    lifecycle.onStop('http', () => void order.push('http'));
    await lifecycle.stop();
    expect(order).toEqual(['http', 'bus', 'db']);
  });

  it('is idempotent: a second stop returns the same promise and runs nothing again', async () => {
    let calls = 0;
    const lifecycle = createLifecycle({ logger: silent });
    lifecycle.onStop('counter', () => void calls++);
    const first = lifecycle.stop();
    const second = lifecycle.stop();
    expect(second).toBe(first);
    await second;
    await lifecycle.stop();
    expect(calls).toBe(1);
  });

  it('logs a failing stopper and still runs the others', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = createLogger({ name: 'lifecycle-test', destination });
    const ran: string[] = [];
    const lifecycle = createLifecycle({ logger });
    lifecycle.onStop('first', () => void ran.push('first'));
    lifecycle.onStop('broken', () => {
      throw new Error('kaput');
    });
    lifecycle.onStop('last', () => void ran.push('last'));
    await expect(lifecycle.stop()).resolves.toBeUndefined();
    expect(ran).toEqual(['last', 'first']);
    expect(lines.join('')).toContain('kaput');
    expect(lines.join('')).toContain('"stopper":"broken"');
  });

  it('stops then exits 0 on SIGTERM', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const done = deferred();
    const lifecycle = createLifecycle({ logger: silent, signals, exit: (code) => (exits.push(code), done.resolve()) });
    let stopped = false;
    lifecycle.onStop('work', () => void (stopped = true));
    const uninstall = lifecycle.installSignalHandlers();
    signals.emit('SIGTERM');
    await done.promise;
    uninstall();
    expect(stopped).toBe(true);
    expect(exits).toEqual([0]);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 1 when stopping takes longer than the timeout', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const done = deferred();
    const hang = deferred();
    const lifecycle = createLifecycle({
      logger: silent,
      signals,
      stopTimeoutMs: 30,
      exit: (code) => (exits.push(code), done.resolve()),
    });
    lifecycle.onStop('stuck', () => hang.promise);
    const uninstall = lifecycle.installSignalHandlers();
    signals.emit('SIGINT');
    await done.promise;
    expect(exits).toEqual([1]);
    hang.resolve();
    await lifecycle.stop();
    uninstall();
    expect(exits).toEqual([1]);
  });

  it('exits 1 on a second signal while still stopping', async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const hang = deferred();
    const lifecycle = createLifecycle({ logger: silent, signals, exit: (code) => void exits.push(code) });
    lifecycle.onStop('stuck', () => hang.promise);
    const uninstall = lifecycle.installSignalHandlers();
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(exits).toEqual([1]);
    hang.resolve();
    await lifecycle.stop();
    uninstall();
    expect(exits).toEqual([1]);
  });
});
