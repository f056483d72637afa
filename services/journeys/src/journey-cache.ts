import type { Journey } from './journey';

/**
 * Active journeys grouped by trigger event, re-read at most every `refreshMs`
 * so the consumer does not query Postgres for every event. One per service
 * instance: a POST in this process invalidates it at once, other processes see
 * the change after at most `refreshMs`.
 */
export interface JourneyCache {
  activeFor(eventName: string): Promise<Journey[]>;
  invalidate(): void;
}

export interface JourneyCacheOptions {
  load: () => Promise<Journey[]>;
  now: () => number;
  refreshMs: number;
}

export function createJourneyCache(options: JourneyCacheOptions): JourneyCache {
  let snapshot: { loadedAt: number; byEvent: Map<string, Journey[]> } | null = null;
  // Bumped by invalidate(): a load that started earlier may miss the change, so it is neither shared nor kept.
  let generation = 0;
  let loading: { generation: number; promise: Promise<Map<string, Journey[]>> } | null = null;

  function load(): Promise<Map<string, Journey[]>> {
    if (loading !== null && loading.generation === generation) return loading.promise;
    const startedGeneration = generation;
    const startedAt = options.now();
    const promise = options
      .load()
      .then((journeys) => {
        const byEvent = groupByTrigger(journeys);
        if (startedGeneration === generation) snapshot = { loadedAt: startedAt, byEvent };
        return byEvent;
      })
      .finally(() => {
        if (loading?.promise === promise) loading = null;
      });
    loading = { generation: startedGeneration, promise };
    return promise;
  }

  return {
    async activeFor(eventName) {
      const fresh = snapshot !== null && options.now() - snapshot.loadedAt < options.refreshMs;
      const byEvent = fresh && snapshot !== null ? snapshot.byEvent : await load();
      return byEvent.get(eventName) ?? [];
    },
    invalidate() {
      generation += 1;
      snapshot = null;
    },
  };
}

function groupByTrigger(journeys: readonly Journey[]): Map<string, Journey[]> {
  const byEvent = new Map<string, Journey[]>();
  for (const journey of journeys) {
    const list = byEvent.get(journey.trigger.event) ?? [];
    list.push(journey);
    byEvent.set(journey.trigger.event, list);
  }
  return byEvent;
}
