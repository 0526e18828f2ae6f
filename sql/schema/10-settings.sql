-- 10-settings.sql - the settings the database decides by (core.setting),
-- their readers, and core.hold_policy: the settings every hold reads, as one
-- typed row kept by a trigger on core.setting.

-- Settings the database decides by (hold length, cancellation window ...).
CREATE TABLE core.setting (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    description text NOT NULL DEFAULT ''
);

-- (plpgsql rather than sql here and below: called from plpgsql, a sql
-- function is parsed and planned again on every call; plpgsql keeps its plan.)
CREATE FUNCTION core.setting_int(p_name text, p_default int) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT value::int FROM core.setting WHERE name = p_name), p_default);
END $$;

-- A setting as text, or p_default when it is not set.
CREATE FUNCTION core.setting_text(p_name text, p_default text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT value FROM core.setting WHERE name = p_name), p_default);
END $$;

-- The settings every hold reads (node_id, hold_minutes, hold_commit, the
-- hold limits, and session_idle_minutes, which core.session_who reads for
-- every call made through a session), as one typed row: one row read instead
-- of an aggregate over the settings, and a value that is not a number is
-- refused when it is set. Written only by the trigger below. The relay's
-- lease (90-seat-changes.sql) lives here too, in the row a hold reads
-- anyway: 21 000 instructions less a hold than a table of its own
-- (bench/count.sh).
CREATE TABLE core.hold_policy (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),
    node         int NOT NULL,       -- node_id: the snowflake node of this database
    hold_max     int NOT NULL,       -- hold_minutes: the longest hold
    fast         boolean NOT NULL,   -- hold_commit = 'fast': holds commit without waiting for the disk
    max_seats    int NOT NULL,       -- max_seats_per_hold
    per_session  int NOT NULL,       -- holds_per_minute: a session's holds a minute (0: no limit)
    per_device   int NOT NULL,       -- holds_per_minute_device: a database login's (0: no limit)
    session_idle int NOT NULL,       -- session_idle_minutes: a session unused this long has ended
    relay_holder int NOT NULL DEFAULT 0,                    -- the relaying session (backend pid)
    relay_until  timestamptz NOT NULL DEFAULT '-infinity'   -- its lease runs until then
);

-- Writes core.hold_policy again from core.setting after every change to it.
CREATE FUNCTION core.hold_policy_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.hold_policy AS h (node, hold_max, fast, max_seats, per_session, per_device, session_idle)
    SELECT coalesce(max(value) FILTER (WHERE name = 'node_id'), '1')::int,
           coalesce(max(value) FILTER (WHERE name = 'hold_minutes'), '8')::int,
           coalesce(max(value) FILTER (WHERE name = 'hold_commit'), 'fast') = 'fast',
           coalesce(max(value) FILTER (WHERE name = 'max_seats_per_hold'), '10')::int,
           coalesce(max(value) FILTER (WHERE name = 'holds_per_minute'), '20')::int,
           coalesce(max(value) FILTER (WHERE name = 'holds_per_minute_device'), '600')::int,
           coalesce(max(value) FILTER (WHERE name = 'session_idle_minutes'), '30')::int
      FROM core.setting
     WHERE name IN ('node_id', 'hold_minutes', 'hold_commit', 'max_seats_per_hold', 'holds_per_minute',
                    'holds_per_minute_device', 'session_idle_minutes')
    ON CONFLICT (one) DO UPDATE SET node = excluded.node, hold_max = excluded.hold_max, fast = excluded.fast,
                                    max_seats = excluded.max_seats, per_session = excluded.per_session,
                                    per_device = excluded.per_device, session_idle = excluded.session_idle;
    RETURN NULL;
END $$;

CREATE TRIGGER setting_hold_policy AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core.setting
    FOR EACH STATEMENT EXECUTE FUNCTION core.hold_policy_refresh();

-- core.hold_policy is written only through core.setting: a hold reads its
-- one row, and a row edited by hand would disagree with core.setting. A
-- write that does not come from core.hold_policy_refresh is refused, with a
-- hint at what to change instead; the relay's lease may move.
CREATE FUNCTION core.hold_policy_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Depth 1: this trigger fired for a statement on core.hold_policy
    -- itself, not for core.hold_policy_refresh (depth 2). Such a statement
    -- may move the relay's lease, nothing else.
    IF pg_trigger_depth() = 1 THEN
        IF TG_OP = 'UPDATE' THEN
            IF (NEW.one, NEW.node, NEW.hold_max, NEW.fast, NEW.max_seats, NEW.per_session, NEW.per_device,
                NEW.session_idle)
               IS NOT DISTINCT FROM
               (OLD.one, OLD.node, OLD.hold_max, OLD.fast, OLD.max_seats, OLD.per_session, OLD.per_device,
                OLD.session_idle) THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'core.hold_policy is kept by core.setting'
              USING ERRCODE = 'object_not_in_prerequisite_state',
                    HINT = 'Change node_id, hold_minutes, hold_commit, the hold limits or session_idle_minutes '
                           'in core.setting instead.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER hold_policy_guard BEFORE INSERT OR UPDATE OR DELETE ON core.hold_policy
    FOR EACH ROW EXECUTE FUNCTION core.hold_policy_guard();
CREATE TRIGGER hold_policy_guard_truncate BEFORE TRUNCATE ON core.hold_policy
    FOR EACH STATEMENT EXECUTE FUNCTION core.hold_policy_guard();

INSERT INTO core.setting (name, value, description) VALUES
  ('hold_minutes', '8', 'how long a seat selection is held before it expires'),
  ('payment_extend_minutes', '3', 'extra minutes a hold gets once payment has started'),
  ('cancel_cutoff_minutes', '60', 'paid orders may be refunded until this many minutes before the show'),
  ('node_id', '1', 'snowflake node number of this database (0..1023)'),
  ('currency', 'USD', 'ISO 4217 currency of all prices'),
  ('hold_commit', 'fast',
   'fast (the default): a hold, and the release of an unpaid hold, commits without '
   'waiting for the disk; payments and refunds always wait, and flush the hold they '
   'stand on. A crash may forget holds of its last fraction of a second (their '
   'payment then answers unknown_order). durable: every hold is on disk before the '
   'api answers'),
  ('login_max_failures', '3', 'failed sign-ins in the window before an account is locked'),
  ('login_window_minutes', '5', 'sliding window of the sign-in lock-out'),
  ('login_device_max_failures', '30', 'failed sign-ins in the window before a device (database login) may try no more'),
  ('session_idle_minutes', '30', 'a session unused this long has ended'),
  ('session_max_minutes', '720', 'a session ends this long after sign-in however busy'),
  ('pw_opslimit', '2', 'Argon2id opslimit of new passwords (libsodium interactive)'),
  ('pw_memlimit', '67108864', 'Argon2id memlimit in bytes of new passwords (libsodium interactive)'),
  ('reprint_limit', '3', 'reprints a customer may make alone (card digits or account); staff have no limit'),
  ('reprint_attempts', '5', 'wrong card digits allowed per booking code per hour before reprints lock'),
  ('admit_before_minutes', '90', 'how long before the show the door starts letting its tickets in'),
  ('training', 'false',
   'true on a training or demo database only: card payments from the test card driver are accepted, '
   'and a terminal configured with card_driver = test may start'),
  ('max_seats_per_hold', '10', 'seats one hold (one order) may take at most'),
  ('holds_per_minute', '20', 'holds one session may make in a minute (0: no limit)'),
  ('holds_per_minute_device', '600', 'holds one database login (device) may make in a minute (0: no limit)'),
  ('reprint_device_attempts', '20', 'wrong card digits allowed per device per hour before its reprints lock'),
  ('receipts_per_order', '5', 'e-mailed receipts one order may have sent');
