CREATE TABLE journeys (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused')),
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE INDEX journeys_status_idx ON journeys (status);

CREATE TABLE journey_instances (
  id uuid PRIMARY KEY,
  journey_id uuid NOT NULL REFERENCES journeys (id),
  profile_id text NOT NULL,
  trigger_message_id text NOT NULL,
  state text NOT NULL,
  created_at timestamptz NOT NULL,
  -- A redelivered trigger event must not start the journey a second time.
  UNIQUE (journey_id, trigger_message_id)
);
