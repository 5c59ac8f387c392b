-- The ledger as the SQLite file keeps it: times in whole microseconds since the epoch, ids compared bytewise
-- (COLLATE "C", as SQLite compares them), so both stores order and page holds alike.
CREATE TABLE holds (
    id TEXT COLLATE "C" PRIMARY KEY, sku TEXT NOT NULL, store_code TEXT NOT NULL, quantity INTEGER NOT NULL,
    customer_id TEXT, customer_card TEXT, created_us BIGINT NOT NULL, expires_us BIGINT NOT NULL,
    status TEXT NOT NULL);
CREATE INDEX holds_active ON holds (sku, store_code, status, expires_us);
CREATE INDEX holds_by_customer ON holds (customer_id, created_us, id);
CREATE INDEX holds_by_store ON holds (store_code, created_us, id);
CREATE TABLE hold_orders (hold_id TEXT COLLATE "C" PRIMARY KEY, order_id TEXT NOT NULL);
CREATE INDEX hold_orders_order ON hold_orders (order_id);
CREATE TABLE idempotency (
    scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, result TEXT, claimed_us BIGINT NOT NULL,
    expires_us BIGINT NOT NULL, PRIMARY KEY (scope, key));
CREATE TABLE undo_journal (
    id TEXT COLLATE "C" PRIMARY KEY, saga_id TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,
    args TEXT NOT NULL, due_us BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    created_us BIGINT NOT NULL);
CREATE INDEX undo_journal_due ON undo_journal (due_us);
CREATE INDEX undo_journal_saga ON undo_journal (saga_id);
CREATE TABLE appointment_answers (
    appointment_id TEXT COLLATE "C" PRIMARY KEY, channel TEXT, answer TEXT, answered_by TEXT, answered_us BIGINT);
