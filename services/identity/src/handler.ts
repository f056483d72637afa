import { publishRecords, toHandlerResult, type Bus, type DecodedRecord, type HandlerResult, type TopicCodec } from '@cjo/bus';
import type { RawEvent, ResolvedEvent } from '@cjo/contract';
import type { ChangePublisher } from './changes/change-publisher';
import type { PlannedEvent } from './graph/plan';
import type { Resolver } from './graph/resolve-batch';
import type { IdentityMetrics } from './metrics';
import type { IdentityRules } from './rules/identity-rules';
import { extractIdentifiers } from './steps/extract-identifiers';
import { toResolvedEvent } from './steps/to-resolved-event';

export interface RawEventHandlerDeps {
  bus: Bus;
  codec: TopicCodec<ResolvedEvent>;
  rules: () => IdentityRules;
  resolve: Resolver;
  changes: Pick<ChangePublisher, 'publishMerges'>;
  metrics: () => IdentityMetrics;
}

/**
 * A batch of raw events -> identifiers -> profiles -> resolved events, keyed by profile id.
 * Merges go out before the resolved events that already use their survivor, so a consumer of both
 * topics learns of a merge before it sees the survivor's id on an event of the merged visitor.
 * Infrastructure failures are thrown: a retriable one retries the batch, anything else makes the
 * runner take the records one at a time.
 */
export function createRawEventHandler(deps: RawEventHandlerDeps): (records: Array<DecodedRecord<RawEvent>>) => Promise<HandlerResult[]> {
  return async (records) => {
    const rules = deps.rules();
    const metrics = deps.metrics();
    const extracted = records.map((record) => extractIdentifiers(record.value, rules));
    const events: Array<{ raw: RawEvent; planned: PlannedEvent }> = [];
    extracted.forEach((result, index) => {
      const raw = records[index]!.value;
      if (result.type !== 'ok') return;
      for (const ignored of result.value.ignored) metrics.ignored(ignored.type, ignored.reason);
      events.push({ raw, planned: { messageId: raw.messageId, callType: raw.type, identifiers: result.value.identifiers } });
    });
    if (events.length > 0) {
      const resolution = await deps.resolve(events.map((event) => event.planned));
      await deps.changes.publishMerges(resolution.merges);
      await publishRecords(
        deps.bus,
        deps.codec,
        events.map((event, index) => {
          const profileId = resolution.profileIds[index]!;
          return { key: profileId, value: toResolvedEvent(event.raw, profileId) };
        }),
      );
      metrics.resolved(events.length, resolution.merges.length);
    }
    return extracted.map(toHandlerResult);
  };
}
