import { createHash } from 'node:crypto';
import { compare, type Operator } from '../rules/operators';
import { canonicalJson, valueAtPath, type JsonObject } from './json-values';
import { bucketExpiry, bucketStart, inWindow } from './window';

export const AGGREGATE_FUNCTIONS = ['count', 'sum', 'min', 'max', 'avg', 'first', 'last'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** Functions that need a numeric property. */
export const NUMERIC_FUNCTIONS: readonly AggregateFunction[] = ['sum', 'min', 'max', 'avg'];

export interface PropertyFilter {
  property: string;
  op: Operator;
  value?: unknown;
}

/**
 * One aggregate over a profile's events: what computed traits and "performed" segment
 * conditions are made of. Equal specs share one state (see aggregateId).
 */
export interface AggregateSpec {
  fn: AggregateFunction;
  /** A track event name, `$page`, `$screen`, `$identify`, `$group`, `$alias`, or `$any` for every event. */
  event: string;
  /** The event property aggregated; null aggregates the events themselves (first/last: when they happened). */
  property: string | null;
  where: PropertyFilter[];
  /** Sliding window; null: all time. */
  windowMs: number | null;
}

/** What one bucket holds; only the fields its function needs are set. `f`/`l` are [event time, value]. */
export interface Bucket {
  c?: number;
  s?: number;
  mn?: number;
  mx?: number;
  f?: [number, unknown];
  l?: [number, unknown];
}

/** Buckets by start time (ms since epoch, as text); all-time aggregates use the single bucket "0". */
export type AggregateState = Record<string, Bucket>;

/** An event as aggregates see it. */
export interface AggregatedEvent {
  /** The name specs match (see eventKeyOf). */
  eventKey: string;
  /** Properties of track, page and screen calls; traits of identify and group calls. */
  properties: JsonObject;
  time: number;
}

export interface Occurrence {
  time: number;
  /** The property value; null for an aggregate over the events themselves. */
  value: unknown;
}

export const ANY_EVENT = '$any';

export function eventKeyOf(type: string, event: string | null): string {
  return type === 'track' && event !== null ? event : `$${type}`;
}

/** A stable id for a spec, so the same aggregate used by a trait and two segments is kept once. */
export function aggregateId(spec: AggregateSpec): string {
  return `a${createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16)}`;
}

const isNumeric = (fn: AggregateFunction): boolean => NUMERIC_FUNCTIONS.includes(fn);

/** How the event counts for the spec, or null when it does not (other event, filtered out, no usable value). */
export function occurrenceOf(spec: AggregateSpec, event: AggregatedEvent): Occurrence | null {
  if (spec.event !== ANY_EVENT && spec.event !== event.eventKey) return null;
  for (const filter of spec.where) {
    if (!compare(filter.op, valueAtPath(event.properties, filter.property), filter.value)) return null;
  }
  if (spec.property === null) return { time: event.time, value: null };
  const value = valueAtPath(event.properties, spec.property);
  if (value === undefined || value === null) return null;
  if (isNumeric(spec.fn) && !(typeof value === 'number' && Number.isFinite(value))) return null;
  return { time: event.time, value };
}

/** Adds an occurrence; one already outside the window at `now` is ignored. Returns whether the state changed. */
export function addOccurrence(spec: AggregateSpec, state: AggregateState, occurrence: Occurrence, now: number): boolean {
  if (!inWindow(occurrence.time, spec.windowMs, now)) return false;
  const key = String(bucketStart(occurrence.time, spec.windowMs));
  const bucket = (state[key] ??= {});
  const number = typeof occurrence.value === 'number' ? occurrence.value : 0;
  switch (spec.fn) {
    case 'count':
      bucket.c = (bucket.c ?? 0) + 1;
      break;
    case 'sum':
      bucket.s = (bucket.s ?? 0) + number;
      break;
    case 'avg':
      bucket.s = (bucket.s ?? 0) + number;
      bucket.c = (bucket.c ?? 0) + 1;
      break;
    case 'min':
      bucket.mn = bucket.mn === undefined ? number : Math.min(bucket.mn, number);
      break;
    case 'max':
      bucket.mx = bucket.mx === undefined ? number : Math.max(bucket.mx, number);
      break;
    case 'first':
      if (bucket.f === undefined || occurrence.time < bucket.f[0]) bucket.f = [occurrence.time, occurrence.value];
      break;
    case 'last':
      if (bucket.l === undefined || occurrence.time >= bucket.l[0]) bucket.l = [occurrence.time, occurrence.value];
      break;
  }
  return true;
}

/**
 * Takes an occurrence counted twice back out (a merge that found the same event on both profiles).
 * Only counts and sums can be undone; min, max, first and last are not changed by a duplicate anyway.
 */
export function removeOccurrence(spec: AggregateSpec, state: AggregateState, occurrence: Occurrence): void {
  const key = String(bucketStart(occurrence.time, spec.windowMs));
  const bucket = state[key];
  if (bucket === undefined) return;
  const number = typeof occurrence.value === 'number' ? occurrence.value : 0;
  if (spec.fn === 'count' || spec.fn === 'avg') bucket.c = Math.max(0, (bucket.c ?? 0) - 1);
  if (spec.fn === 'sum' || spec.fn === 'avg') bucket.s = (bucket.s ?? 0) - number;
  if ((spec.fn === 'count' || spec.fn === 'avg') && bucket.c === 0) delete state[key];
}

/** Folds `from` into `into`, bucket by bucket: counts and sums add up, min/max/first/last keep the extreme. */
export function combineStates(into: AggregateState, from: AggregateState): void {
  for (const [key, source] of Object.entries(from)) {
    const target = (into[key] ??= {});
    if (source.c !== undefined) target.c = (target.c ?? 0) + source.c;
    if (source.s !== undefined) target.s = (target.s ?? 0) + source.s;
    if (source.mn !== undefined) target.mn = target.mn === undefined ? source.mn : Math.min(target.mn, source.mn);
    if (source.mx !== undefined) target.mx = target.mx === undefined ? source.mx : Math.max(target.mx, source.mx);
    if (source.f !== undefined && (target.f === undefined || source.f[0] < target.f[0])) target.f = source.f;
    if (source.l !== undefined && (target.l === undefined || source.l[0] > target.l[0])) target.l = source.l;
  }
}

/** Drops the buckets that left the window by `now`; returns whether any did. */
export function pruneState(spec: AggregateSpec, state: AggregateState, now: number): boolean {
  if (spec.windowMs === null) return false;
  let pruned = false;
  for (const key in state) {
    if (bucketExpiry(Number(key), spec.windowMs) <= now) {
      delete state[key];
      pruned = true;
    }
  }
  return pruned;
}

/** When the oldest bucket leaves the window (the next time the value can change without an event). */
export function nextExpiry(spec: AggregateSpec, state: AggregateState): number | null {
  if (spec.windowMs === null) return null;
  let next: number | null = null;
  for (const key in state) {
    const expiry = bucketExpiry(Number(key), spec.windowMs);
    if (next === null || expiry < next) next = expiry;
  }
  return next;
}

const toValue = (spec: AggregateSpec, entry: [number, unknown]): unknown =>
  spec.property === null ? new Date(entry[0]).toISOString() : entry[1];

/**
 * The aggregate's value at `now`. count and sum are 0 without events; the others null.
 * first/last without a property are the ISO time of the first/last matching event.
 */
export function aggregateValue(spec: AggregateSpec, state: AggregateState | undefined, now: number): unknown {
  let count = 0;
  let sum = 0;
  let min: number | undefined;
  let max: number | undefined;
  let first: [number, unknown] | undefined;
  let last: [number, unknown] | undefined;
  for (const key in state) {
    const bucket = state[key];
    if (bucket === undefined || bucketExpiry(Number(key), spec.windowMs) <= now) continue;
    count += bucket.c ?? 0;
    sum += bucket.s ?? 0;
    if (bucket.mn !== undefined) min = min === undefined ? bucket.mn : Math.min(min, bucket.mn);
    if (bucket.mx !== undefined) max = max === undefined ? bucket.mx : Math.max(max, bucket.mx);
    if (bucket.f !== undefined && (first === undefined || bucket.f[0] < first[0])) first = bucket.f;
    if (bucket.l !== undefined && (last === undefined || bucket.l[0] > last[0])) last = bucket.l;
  }
  switch (spec.fn) {
    case 'count':
      return count;
    case 'sum':
      return sum;
    case 'avg':
      return count === 0 ? null : sum / count;
    case 'min':
      return min ?? null;
    case 'max':
      return max ?? null;
    case 'first':
      return first === undefined ? null : toValue(spec, first);
    case 'last':
      return last === undefined ? null : toValue(spec, last);
  }
}
