import type { Decision } from '@cjo/contract';
import type { Db } from '@cjo/db';
import type { DeliveryRecord, DeliveryStatus } from './delivery';

interface DeliveryRow {
  delivery_id: string;
  decision_id: string;
  journey_id: string;
  profile_id: string;
  channel: string;
  destination: string | null;
  status: DeliveryStatus;
  attempts: number;
  http_status: number | null;
  error: string | null;
  updated_at: Date;
}

export interface AttemptResult {
  status: DeliveryStatus;
  httpStatus: number | null;
  error: string | null;
}

export interface DeliveryStore {
  /** Records the delivery as pending unless it is known; returns the stored row either way. */
  begin(deliveryId: string, decision: Decision, at: Date): Promise<DeliveryRecord>;
  /** Counts an attempt before the call goes out, so a crash during the call is still counted. */
  countAttempt(deliveryId: string, at: Date): Promise<DeliveryRecord>;
  record(deliveryId: string, result: AttemptResult, at: Date): Promise<DeliveryRecord>;
  get(deliveryId: string): Promise<DeliveryRecord | null>;
}

const COLUMNS =
  'delivery_id, decision_id, journey_id, profile_id, channel, destination, status, attempts, http_status, error, updated_at';

export function createDeliveryStore(db: Db): DeliveryStore {
  async function get(deliveryId: string): Promise<DeliveryRecord | null> {
    const { rows } = await db.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE delivery_id = $1`, [deliveryId]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  async function mustGet(deliveryId: string): Promise<DeliveryRecord> {
    const record = await get(deliveryId);
    if (record === null) throw new Error(`delivery ${deliveryId} is not recorded`);
    return record;
  }

  return {
    async begin(deliveryId, decision, at) {
      await db.query(
        `INSERT INTO deliveries (delivery_id, decision_id, journey_id, profile_id, channel, destination, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
         ON CONFLICT (delivery_id) DO NOTHING`,
        [deliveryId, decision.decisionId, decision.journeyId, decision.profileId, decision.channel, decision.destination, at],
      );
      return mustGet(deliveryId);
    },

    async countAttempt(deliveryId, at) {
      const { rows } = await db.query<DeliveryRow>(
        `UPDATE deliveries SET attempts = attempts + 1, updated_at = $2 WHERE delivery_id = $1 RETURNING ${COLUMNS}`,
        [deliveryId, at],
      );
      return rows[0] === undefined ? mustGet(deliveryId) : toRecord(rows[0]);
    },

    async record(deliveryId, result, at) {
      const { rows } = await db.query<DeliveryRow>(
        `UPDATE deliveries SET status = $2, http_status = $3, error = $4, updated_at = $5
         WHERE delivery_id = $1 RETURNING ${COLUMNS}`,
        [deliveryId, result.status, result.httpStatus, result.error, at],
      );
      return rows[0] === undefined ? mustGet(deliveryId) : toRecord(rows[0]);
    },

    get,
  };
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    deliveryId: row.delivery_id,
    decisionId: row.decision_id,
    journeyId: row.journey_id,
    profileId: row.profile_id,
    channel: row.channel,
    destination: row.destination,
    status: row.status,
    attempts: row.attempts,
    httpStatus: row.http_status,
    error: row.error,
    updatedAt: new Date(row.updated_at).getTime(),
  };
}
