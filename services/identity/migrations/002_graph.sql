-- Every profile the graph has made. seq orders profiles by age: the older one survives a merge.
-- A merged-away profile keeps its row, pointing at the profile it was merged into, so its id still resolves.
CREATE TABLE profiles (
  profile_id  uuid PRIMARY KEY,
  seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  merged_into uuid,
  merged_at   timestamptz
);

CREATE INDEX profiles_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL;

-- Profiles of the links made before the graph had a profiles table, oldest first.
INSERT INTO profiles (profile_id, created_at)
SELECT profile_id, min(created_at) FROM identifiers GROUP BY profile_id ORDER BY min(created_at), profile_id;

-- The event that linked the identifier first (null for links older than this column).
ALTER TABLE identifiers ADD COLUMN message_id text;

-- Audit log of merges, and the outbox of their IdentityMerged records (published_at null until on the topic).
CREATE TABLE merges (
  merge_id            uuid PRIMARY KEY,
  survivor_profile_id uuid NOT NULL,
  merged_profile_id   uuid NOT NULL,
  identifiers         jsonb NOT NULL,
  linking_identifiers jsonb NOT NULL,
  message_id          text,
  reason              text NOT NULL,
  merged_at           timestamptz NOT NULL,
  undone_by_split_id  uuid,
  published_at        timestamptz
);

CREATE INDEX merges_survivor ON merges (survivor_profile_id);
CREATE INDEX merges_merged ON merges (merged_profile_id);
CREATE INDEX merges_unpublished ON merges (message_id) WHERE published_at IS NULL;

-- Audit log of splits, and the outbox of their IdentitySplit records.
CREATE TABLE splits (
  split_id        uuid PRIMARY KEY,
  from_profile_id uuid NOT NULL,
  new_profile_id  uuid NOT NULL,
  identifiers     jsonb NOT NULL,
  merge_id        uuid,
  reason          text NOT NULL,
  split_at        timestamptz NOT NULL,
  published_at    timestamptz
);

CREATE INDEX splits_from ON splits (from_profile_id);
CREATE INDEX splits_new ON splits (new_profile_id);
CREATE INDEX splits_unpublished ON splits (split_at) WHERE published_at IS NULL;

-- Merges the guardrails refused and links over a limit, one row per distinct case with how often it recurred.
-- kind: merge_protection (two different userIds) | limit_exceeded (too many identifiers of one type).
CREATE TABLE conflicts (
  conflict_id      uuid PRIMARY KEY,
  kind             text NOT NULL,
  profile_id       uuid NOT NULL,
  other_profile_id uuid,
  identifier_type  text NOT NULL,
  identifier_value text NOT NULL,
  reason           text NOT NULL,
  first_message_id text,
  last_message_id  text,
  occurrences      integer NOT NULL DEFAULT 1,
  first_at         timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  CONSTRAINT conflicts_case UNIQUE NULLS NOT DISTINCT (kind, profile_id, other_profile_id, identifier_type, identifier_value)
);

CREATE INDEX conflicts_profile ON conflicts (profile_id);
CREATE INDEX conflicts_other_profile ON conflicts (other_profile_id) WHERE other_profile_id IS NOT NULL;
CREATE INDEX conflicts_last_at ON conflicts (last_at);

-- Identifier types added through the admin API (built-in and configured ones are not stored).
CREATE TABLE identifier_types (
  type            text PRIMARY KEY,
  paths           text[] NOT NULL,
  normalisation   text NOT NULL,
  max_per_profile integer,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
