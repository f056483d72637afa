-- Event sources (one per website/app/server). Only the SHA-256 of a write key is kept.
CREATE TABLE sources (
  id             uuid PRIMARY KEY,
  name           text NOT NULL,
  write_key_hash text NOT NULL UNIQUE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  disabled_at    timestamptz NULL
);
