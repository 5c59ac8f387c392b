-- What the back offices push (the webhook inbox) and the registrations whose secrets verify it, as the SQLite
-- file keeps them.
CREATE TABLE webhook_inbox (
    seq BIGSERIAL PRIMARY KEY, system TEXT NOT NULL, event_id TEXT COLLATE "C" NOT NULL, type TEXT NOT NULL,
    created_us BIGINT NOT NULL, received_us BIGINT NOT NULL, body BYTEA NOT NULL, delivered BOOLEAN NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, processed_us BIGINT, due_us BIGINT NOT NULL, UNIQUE (system, event_id));
CREATE INDEX webhook_inbox_due ON webhook_inbox (due_us, seq) WHERE processed_us IS NULL;
CREATE INDEX webhook_inbox_newest ON webhook_inbox (system, created_us);
CREATE TABLE webhook_registrations (
    system TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, notification_url TEXT NOT NULL, secret TEXT NOT NULL,
    registered_us BIGINT NOT NULL, previous_secret TEXT, previous_until_us BIGINT);
