import { randomUUID } from 'node:crypto';
import type { ResolvedEvent } from '@cjo/contract';

const DAY = 24 * 60 * 60 * 1000;

/** A small, seeded generator, so two runs with the same settings send the same mix. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function base(profileId: string, messageId: string, userId: string, time: number): ResolvedEvent {
  return {
    profileId,
    messageId,
    type: 'track',
    sourceId: 'bench',
    userId,
    anonymousId: null,
    event: null,
    name: null,
    previousId: null,
    groupId: null,
    propertiesJson: '{}',
    traitsJson: '{}',
    contextJson: '{"library":{"name":"cjo-bench"}}',
    integrationsJson: '{}',
    timestamp: time,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: time,
  };
}

/**
 * The throughput mix over `profiles` known users: 30% identify (plan pro or free, seats), 40% Order
 * Completed (a total), 30% Page Viewed, spread over the last 7 days; profile ids at random, so a
 * batch of 500 touches about as many profiles (no locality to help).
 */
export function backlogGenerator(options: { profiles: number; runId: string; seed: number; now: number }) {
  const random = seededRandom(options.seed);
  const ids = Array.from({ length: options.profiles }, () => randomUUID());
  return (index: number): ResolvedEvent => {
    const profile = Math.floor(random() * options.profiles);
    const profileId = ids[profile] ?? ids[0] ?? randomUUID();
    const event = base(profileId, `${options.runId}-${index}`, `bench-user-${options.runId}-${profile}`, options.now - Math.floor(random() * 7 * DAY));
    const kind = random();
    if (kind < 0.3) {
      return { ...event, type: 'identify', traitsJson: JSON.stringify({ plan: random() < 0.5 ? 'pro' : 'free', seats: Math.ceil(random() * 50) }) };
    }
    if (kind < 0.7) {
      return { ...event, event: 'Order Completed', propertiesJson: JSON.stringify({ total: Math.round(random() * 20_000) / 100, currency: 'EUR' }) };
    }
    return { ...event, event: 'Page Viewed', propertiesJson: JSON.stringify({ path: `/p/${Math.floor(random() * 100)}` }) };
  };
}

/**
 * The latency mix: identify calls that flip their profile between plan pro and free, so every one
 * makes its profile enter or exit the "plan is pro" segment: exactly one membership record per event.
 */
export function flipGenerator(options: { profiles: number; runId: string; now: () => number }) {
  const ids = Array.from({ length: options.profiles }, () => randomUUID());
  const flips = new Array<number>(options.profiles).fill(0);
  return (index: number): ResolvedEvent => {
    const profile = index % options.profiles;
    const flip = flips[profile] ?? 0;
    flips[profile] = flip + 1;
    const event = base(ids[profile] ?? randomUUID(), `${options.runId}-flip-${index}`, `flip-${options.runId}-${profile}`, options.now());
    return { ...event, type: 'identify', traitsJson: JSON.stringify({ plan: flip % 2 === 0 ? 'pro' : 'free' }) };
  };
}
