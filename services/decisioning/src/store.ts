import type { Decision } from '@cjo/contract';
import type { Db } from '@cjo/db';

interface DecisionRow {
  decision_id: string;
  request_id: string;
  journey_id: string;
  instance_id: string;
  profile_id: string;
  channel: string;
  content_id: string;
  destination: string | null;
  template: string;
  context_json: string;
  decided_at: Date;
}

export interface DecisionStore {
  /** Stores the decision unless one with its id exists; returns the stored one either way. */
  recordDecision(decision: Decision): Promise<Decision>;
  getDecision(decisionId: string): Promise<Decision | null>;
}

const COLUMNS =
  'decision_id, request_id, journey_id, instance_id, profile_id, channel, content_id, destination, template, context_json, decided_at';

export function createDecisionStore(db: Db): DecisionStore {
  async function getDecision(decisionId: string): Promise<Decision | null> {
    const { rows } = await db.query<DecisionRow>(`SELECT ${COLUMNS} FROM decisions WHERE decision_id = $1`, [decisionId]);
    return rows[0] === undefined ? null : toDecision(rows[0]);
  }

  return {
    async recordDecision(decision) {
      const inserted = await db.query<DecisionRow>(
        `INSERT INTO decisions (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (decision_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          decision.decisionId,
          decision.requestId,
          decision.journeyId,
          decision.instanceId,
          decision.profileId,
          decision.channel,
          decision.contentId,
          decision.destination,
          decision.template,
          decision.contextJson,
          new Date(decision.decidedAt),
        ],
      );
      if (inserted.rows[0] !== undefined) return toDecision(inserted.rows[0]);
      const existing = await getDecision(decision.decisionId);
      if (existing === null) throw new Error(`decision ${decision.decisionId} conflicted but cannot be read`);
      return existing;
    },
    getDecision,
  };
}

function toDecision(row: DecisionRow): Decision {
  return {
    decisionId: row.decision_id,
    requestId: row.request_id,
    journeyId: row.journey_id,
    instanceId: row.instance_id,
    profileId: row.profile_id,
    channel: row.channel,
    contentId: row.content_id,
    destination: row.destination,
    template: row.template,
    contextJson: row.context_json,
    decidedAt: new Date(row.decided_at).getTime(),
  };
}
