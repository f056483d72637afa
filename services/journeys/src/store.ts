import type { Db } from '@cjo/db';
import type { Journey, JourneyDefinition, JourneyInstance, JourneyStatus } from './journey';

interface JourneyRow {
  id: string;
  name: string;
  status: JourneyStatus;
  definition: JourneyDefinition;
  created_at: Date;
}

interface InstanceRow {
  id: string;
  journey_id: string;
  profile_id: string;
  trigger_message_id: string;
  state: string;
  created_at: Date;
}

export interface NewInstance {
  id: string;
  journeyId: string;
  profileId: string;
  triggerMessageId: string;
  createdAt: Date;
}

export interface JourneyStore {
  createJourney(journey: Journey): Promise<Journey>;
  listJourneys(): Promise<Journey[]>;
  getJourney(id: string): Promise<Journey | null>;
  listActiveJourneys(): Promise<Journey[]>;
  /** Inserts the instance, or returns the one this trigger already started. */
  startInstance(instance: NewInstance): Promise<JourneyInstance>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JOURNEY_COLUMNS = 'id, name, status, definition, created_at';
const INSTANCE_COLUMNS = 'id, journey_id, profile_id, trigger_message_id, state, created_at';

export function createJourneyStore(db: Db): JourneyStore {
  return {
    async createJourney(journey) {
      const definition: JourneyDefinition = { trigger: journey.trigger, action: journey.action };
      const { rows } = await db.query<JourneyRow>(
        `INSERT INTO journeys (id, name, status, definition, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${JOURNEY_COLUMNS}`,
        [journey.id, journey.name, journey.status, JSON.stringify(definition), journey.createdAt],
      );
      return toJourney(single(rows));
    },

    async listJourneys() {
      const { rows } = await db.query<JourneyRow>(`SELECT ${JOURNEY_COLUMNS} FROM journeys ORDER BY created_at, id`);
      return rows.map(toJourney);
    },

    async getJourney(id) {
      // Any other text is no journey's id, and Postgres would reject it as a uuid.
      if (!UUID.test(id)) return null;
      const { rows } = await db.query<JourneyRow>(`SELECT ${JOURNEY_COLUMNS} FROM journeys WHERE id = $1`, [id]);
      return rows[0] === undefined ? null : toJourney(rows[0]);
    },

    async listActiveJourneys() {
      const { rows } = await db.query<JourneyRow>(
        `SELECT ${JOURNEY_COLUMNS} FROM journeys WHERE status = 'active' ORDER BY created_at, id`,
      );
      return rows.map(toJourney);
    },

    async startInstance(instance) {
      const inserted = await db.query<InstanceRow>(
        `INSERT INTO journey_instances (id, journey_id, profile_id, trigger_message_id, state, created_at)
         VALUES ($1, $2, $3, $4, 'started', $5)
         ON CONFLICT (journey_id, trigger_message_id) DO NOTHING
         RETURNING ${INSTANCE_COLUMNS}`,
        [instance.id, instance.journeyId, instance.profileId, instance.triggerMessageId, instance.createdAt],
      );
      if (inserted.rows[0] !== undefined) return toInstance(inserted.rows[0]);
      const existing = await db.query<InstanceRow>(
        `SELECT ${INSTANCE_COLUMNS} FROM journey_instances WHERE journey_id = $1 AND trigger_message_id = $2`,
        [instance.journeyId, instance.triggerMessageId],
      );
      return toInstance(single(existing.rows));
    },
  };
}

function single<R>(rows: R[]): R {
  const row = rows[0];
  if (row === undefined) throw new Error('expected one row, got none');
  return row;
}

function toJourney(row: JourneyRow): Journey {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    trigger: row.definition.trigger,
    action: row.definition.action,
    createdAt: new Date(row.created_at),
  };
}

function toInstance(row: InstanceRow): JourneyInstance {
  return {
    id: row.id,
    journeyId: row.journey_id,
    profileId: row.profile_id,
    triggerMessageId: row.trigger_message_id,
    state: row.state,
    createdAt: new Date(row.created_at),
  };
}
