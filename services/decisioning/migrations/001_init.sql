CREATE TABLE decisions (
  decision_id text PRIMARY KEY,
  request_id text NOT NULL,
  journey_id text NOT NULL,
  instance_id text NOT NULL,
  profile_id text NOT NULL,
  channel text NOT NULL,
  content_id text NOT NULL,
  destination text,
  template text NOT NULL,
  -- Kept as the exact text that was published, so a republished decision is byte-for-byte the same.
  context_json text NOT NULL,
  decided_at timestamptz NOT NULL
);

CREATE INDEX decisions_profile_idx ON decisions (profile_id, decided_at);
