-- Push (issue 20, docs/DESIGN.md §14.2): subscriptions to webhooks, the deliveries made for them, every attempt of
-- each, and the per-webhook send counters of the rate limit. Owned by monitor-service's push verticle.

CREATE TABLE push_subscriptions (
  id             text PRIMARY KEY,
  -- The user who made it; a 'group' subscription is HQ's and any hq user manages it.
  owner          text NOT NULL,
  scope          text NOT NULL CHECK (scope IN ('user', 'group')),
  name           text NOT NULL,
  platform       text NOT NULL CHECK (platform IN ('wecom', 'dingtalk', 'feishu', 'generic')),
  format         text NOT NULL,
  -- Shown to the user; the URL itself holds the robot's key or token and is only stored sealed (AES-GCM).
  webhook_host   text NOT NULL,
  webhook        text NOT NULL,
  secret         text,
  -- SHA-256 of the URL: the key of the per-webhook rate limit, shared by subscriptions to the same robot.
  webhook_key    text NOT NULL,
  stores         text[] NOT NULL,
  lang           text NOT NULL CHECK (lang IN ('zh', 'en')),
  digest_time    time,
  timezone       text NOT NULL,
  next_digest_at timestamptz,
  alerts         jsonb NOT NULL DEFAULT '[]',
  created_at     timestamptz NOT NULL
);
CREATE INDEX push_subscriptions_due ON push_subscriptions (next_digest_at) WHERE next_digest_at IS NOT NULL;
CREATE INDEX push_subscriptions_owner ON push_subscriptions (owner);
CREATE INDEX push_subscriptions_alerting ON push_subscriptions (id) WHERE alerts <> '[]';

CREATE TABLE push_deliveries (
  id              bigserial PRIMARY KEY,
  subscription_id text NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  -- One delivery per subscription and digest day, alert or test window: whoever inserts it first sends it.
  dedup_key       text NOT NULL UNIQUE,
  kind            text NOT NULL CHECK (kind IN ('digest', 'alert', 'test')),
  subject         jsonb NOT NULL,
  payload         jsonb,
  status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  max_attempts    integer NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  -- An instance sending it holds it until then; another may take it over after (the first one died).
  lease_until     timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz
);
CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX push_deliveries_subscription ON push_deliveries (subscription_id, id DESC);

CREATE TABLE push_attempts (
  id          bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES push_deliveries (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  result      text NOT NULL CHECK (result IN ('sent', 'failed', 'rate_limited')),
  http_status integer,
  detail      text,
  duration_ms integer
);
CREATE INDEX push_attempts_delivery ON push_attempts (delivery_id, id);

CREATE TABLE push_rate (
  webhook_key text NOT NULL,
  minute      bigint NOT NULL,
  sent        integer NOT NULL,
  PRIMARY KEY (webhook_key, minute)
);
