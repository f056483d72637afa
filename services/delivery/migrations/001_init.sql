-- One row per delivery, written before the webhook is called, so a redelivered
-- decision can tell whether the receiver already has it.
CREATE TABLE deliveries (
  delivery_id text PRIMARY KEY,
  decision_id text NOT NULL,
  journey_id text NOT NULL,
  profile_id text NOT NULL,
  channel text NOT NULL,
  destination text,
  status text NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  http_status integer,
  error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
