-- One row per resolved profile; traits are the merged identify traits.
CREATE TABLE profiles (
  id          uuid PRIMARY KEY,
  traits      jsonb NOT NULL DEFAULT '{}'::jsonb,
  event_count bigint NOT NULL DEFAULT 0,
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL
);

-- Each event applied to a profile, once: the primary key makes redelivered events no-ops.
CREATE TABLE profile_events (
  profile_id  uuid NOT NULL REFERENCES profiles (id),
  message_id  text NOT NULL,
  type        text NOT NULL,
  event       text NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (profile_id, message_id)
);
