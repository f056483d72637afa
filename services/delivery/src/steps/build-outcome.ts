import type { DeliveryOutcome } from '@cjo/contract';
import type { DeliveryRecord } from '../delivery';

/** The public outcome of a finished delivery, built from its stored row so a republish is identical. */
export function buildOutcome(record: DeliveryRecord): DeliveryOutcome {
  return {
    deliveryId: record.deliveryId,
    decisionId: record.decisionId,
    journeyId: record.journeyId,
    profileId: record.profileId,
    channel: record.channel,
    destination: record.destination,
    status: record.status,
    attempts: record.attempts,
    httpStatus: record.httpStatus,
    error: record.error,
    completedAt: record.updatedAt,
  };
}
