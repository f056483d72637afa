-- Exact conversions between ms since epoch (what the code and the records use) and timestamptz (what people read).
CREATE FUNCTION ms_to_ts(ms bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT timestamptz 'epoch' + ms * interval '1 millisecond' $$;
CREATE FUNCTION ts_to_ms(ts timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (extract(epoch FROM ts) * 1000)::bigint $$;

-- trait_times: event time of each trait's value (or of the $unset that removed it), so older events never win.
-- computed: aggregate states by aggregate id (bucketed for windows); a missing id is computed from history on first use.
-- identifiers: every identifier seen for the profile (also in profile_identifiers, for lookups).
-- timer_due_at: when the oldest windowed bucket leaves its window (the timer worker polls this).
-- version: goes up with every write of the profile or its memberships; cached views are keyed by it.
ALTER TABLE profiles
  ADD COLUMN version bigint NOT NULL DEFAULT 1,
  ADD COLUMN trait_times jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN computed jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN identifiers jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN group_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN timer_due_at timestamptz NULL,
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX profiles_timer_due ON profiles (timer_due_at) WHERE timer_due_at IS NOT NULL;
-- Every batch rewrites its profiles' rows: free room on each page lets most of them be HOT updates.
ALTER TABLE profiles SET (fillfactor = 80);

-- Events move between profiles on merges and splits and are written before their profile row in a batch.
ALTER TABLE profile_events DROP CONSTRAINT IF EXISTS profile_events_profile_id_fkey;
-- properties: of track/page/screen calls, or the traits of identify/group calls (what filters and history read).
ALTER TABLE profile_events
  ADD COLUMN name text NULL,
  ADD COLUMN properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN user_id text NULL,
  ADD COLUMN anonymous_id text NULL,
  ADD COLUMN group_id text NULL,
  ADD COLUMN received_at timestamptz NULL;
CREATE INDEX profile_events_timeline ON profile_events (profile_id, occurred_at DESC, message_id DESC);
-- Retention pruning scans by time; events arrive roughly in time order, which is what BRIN is for.
CREATE INDEX profile_events_occurred_brin ON profile_events USING brin (occurred_at);

-- A merged-away profile id points at its survivor, so late events for it land on the survivor. Chains are kept flat.
CREATE TABLE profile_redirects (
  merged_id   uuid PRIMARY KEY,
  survivor_id uuid NOT NULL,
  merge_id    text NOT NULL,
  merged_at   timestamptz NOT NULL
);
CREATE INDEX profile_redirects_survivor ON profile_redirects (survivor_id);

-- Merges and splits applied, by mergeId / splitId: a redelivered IdentityChanged record is a no-op.
CREATE TABLE identity_changes_applied (
  change_id  text PRIMARY KEY,
  kind       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Identifier -> profiles, for GET /v1/profiles/lookup. An email (from traits) may be on several profiles.
CREATE TABLE profile_identifiers (
  type       text NOT NULL,
  value      text NOT NULL,
  profile_id uuid NOT NULL,
  PRIMARY KEY (type, value, profile_id)
);
CREATE INDEX profile_identifiers_profile ON profile_identifiers (profile_id);

-- Groups (accounts) from group calls: the second entity, with traits of their own.
CREATE TABLE groups (
  id          text PRIMARY KEY,
  traits      jsonb NOT NULL DEFAULT '{}'::jsonb,
  trait_times jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_seen  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL
);
CREATE TABLE profile_groups (
  profile_id uuid NOT NULL,
  group_id   text NOT NULL,
  joined_at  timestamptz NOT NULL,
  PRIMARY KEY (profile_id, group_id)
);
CREATE INDEX profile_groups_group ON profile_groups (group_id, profile_id);

-- Definitions. catalog_generation goes up with every change, so each instance reloads them within one batch.
CREATE TABLE catalog_generation (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation bigint NOT NULL
);
INSERT INTO catalog_generation (singleton, generation) VALUES (true, 1);

CREATE TABLE computed_traits (
  id           uuid PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  description  text NULL,
  definition   jsonb NOT NULL,
  aggregate_id text NOT NULL,
  version      integer NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);

CREATE TABLE segments (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text NULL,
  rule        jsonb NOT NULL,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  deleted_at  timestamptz NULL
);
CREATE UNIQUE INDEX segments_live_name ON segments (name) WHERE deleted_at IS NULL;

CREATE TABLE segment_members (
  segment_id      uuid NOT NULL,
  profile_id      uuid NOT NULL,
  segment_version integer NOT NULL,
  entered_at      timestamptz NOT NULL,
  PRIMARY KEY (segment_id, profile_id)
);
CREATE INDEX segment_members_profile ON segment_members (profile_id);

-- Background (re)evaluation of a segment over every profile: new, changed or deleted segments.
-- cursor: the last profile id done, so a restart (or another instance, once the lease ran out) resumes there.
CREATE TABLE segment_jobs (
  id              uuid PRIMARY KEY,
  -- Creation order, also between jobs created in the same millisecond.
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  segment_id      uuid NOT NULL,
  segment_version integer NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('backfill', 'changed', 'deleted')),
  status          text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'superseded')),
  cursor          uuid NULL,
  total           bigint NOT NULL DEFAULT 0,
  processed       bigint NOT NULL DEFAULT 0,
  entered         bigint NOT NULL DEFAULT 0,
  exited          bigint NOT NULL DEFAULT 0,
  lease_owner     text NULL,
  lease_until     timestamptz NULL,
  created_at      timestamptz NOT NULL,
  started_at      timestamptz NULL,
  updated_at      timestamptz NOT NULL,
  finished_at     timestamptz NULL
);
CREATE INDEX segment_jobs_open ON segment_jobs (seq) WHERE status IN ('pending', 'running');
CREATE INDEX segment_jobs_segment ON segment_jobs (segment_id, seq DESC);

-- Profiles to evaluate again outside the event path (a group's traits changed), drained by the timer worker.
CREATE TABLE pending_evaluations (
  profile_id  uuid PRIMARY KEY,
  cause       text NOT NULL,
  message_id  text NULL,
  enqueued_at timestamptz NOT NULL
);

-- What the data looks like, for rule validation: trait names and event properties with the types seen.
CREATE TABLE observed_traits (
  entity text NOT NULL CHECK (entity IN ('profile', 'group')),
  name   text NOT NULL,
  type   text NOT NULL,
  PRIMARY KEY (entity, name, type)
);
-- property '' marks the event itself as seen.
CREATE TABLE observed_properties (
  event    text NOT NULL,
  property text NOT NULL,
  type     text NOT NULL,
  PRIMARY KEY (event, property, type)
);

-- Erasure: hashes (never values) of the identifiers of deleted profiles; events carrying one are dropped.
CREATE TABLE suppressed_identifiers (
  hash          text PRIMARY KEY,
  type          text NOT NULL,
  deletion_id   uuid NULL,
  suppressed_at timestamptz NOT NULL
);
CREATE INDEX suppressed_identifiers_deletion ON suppressed_identifiers (deletion_id);
-- Deleted profile ids (and the ids merged into them): events still keyed by them are dropped.
-- Lifted once every identifier of the deletion is un-suppressed.
CREATE TABLE deleted_profiles (
  profile_id  uuid PRIMARY KEY,
  deletion_id uuid NOT NULL,
  deleted_at  timestamptz NOT NULL
);
CREATE INDEX deleted_profiles_deletion ON deleted_profiles (deletion_id);
