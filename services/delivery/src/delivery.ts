export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** A row of `deliveries`: what we know about handing one decision to its channel. */
export interface DeliveryRecord {
  deliveryId: string;
  decisionId: string;
  journeyId: string;
  profileId: string;
  channel: string;
  destination: string | null;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
  updatedAt: number;
}

/** What one attempt came to: done for good (delivered or failed) or worth another try. */
export type Verdict =
  | { status: 'delivered'; httpStatus: number; error: null }
  | { status: 'failed'; httpStatus: number | null; error: string }
  | { status: 'retriable'; httpStatus: number | null; error: string };

export function isFinal(status: DeliveryStatus): boolean {
  return status === 'delivered' || status === 'failed';
}
