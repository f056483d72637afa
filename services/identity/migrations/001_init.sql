-- Which profile an identifier (a userId, an anonymousId) belongs to. An identifier belongs to one profile.
CREATE TABLE identifiers (
  type       text NOT NULL,
  value      text NOT NULL,
  profile_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, value)
);

CREATE INDEX identifiers_profile_id ON identifiers (profile_id);
