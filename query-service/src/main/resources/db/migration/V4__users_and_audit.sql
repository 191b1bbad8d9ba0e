-- StoreDash schema, version 4: who may sign in, their API tokens, and the audit log (sign-in, issue 16).
-- Additive: a release before this one runs on this schema, it just never reads these tables.
-- The gateway reads and writes them; query-service owns the schema, as for every other table.

-- A user: a role and the stores (by code) or cities (every store of the city) assigned. password_hash is null for a
-- user who signs in only through single sign-on. The hash is a self-describing string ($pbkdf2$it=...$salt$hash).
CREATE TABLE users (
  username            text PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9._@-]{1,64}$'),
  password_hash       text,
  role                text NOT NULL CHECK (role IN ('hq', 'manager', 'viewer', 'ops')),
  stores              text[] NOT NULL DEFAULT '{}',
  cities              text[] NOT NULL DEFAULT '{}',
  disabled            boolean NOT NULL DEFAULT false,
  source              text NOT NULL DEFAULT 'password' CHECK (source IN ('password', 'oidc')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz
);

-- An API token: only the SHA-256 of its secret is kept (the secret is 256 random bits, so a fast hash is enough and
-- lets each request find its token by an index). stores/cities null = the creator's scope, whatever it is then.
-- The foreign key is checked at commit, so a restore that copies the tables in name order (api_tokens before
-- users) in one transaction succeeds.
CREATE TABLE api_tokens (
  id           text PRIMARY KEY,
  token_hash   bytea NOT NULL UNIQUE,
  username     text NOT NULL REFERENCES users (username) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('hq', 'manager', 'viewer', 'ops')),
  stores       text[],
  cities       text[],
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz,
  expires_at   timestamptz
);
CREATE INDEX api_tokens_username ON api_tokens (username);

-- Who did what, newest first by id. actor is a user name (or admin-token); target what the action was about. The
-- actions are the gateway's (Audit.Action): no CHECK here, so that a new kind of action needs no migration.
CREATE TABLE audit_log (
  id      bigserial PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text,
  action  text NOT NULL,
  target  text,
  address text,
  detail  jsonb
);
