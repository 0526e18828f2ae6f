-- 96-back-office.sql - the manager's back office: staff accounts (add with
-- a one-time password, list, deactivate and reactivate), the audit trail
-- every staff action writes (core.audit) and its reader, seat blocks (a
-- seat taken out of sale for one show, a date range or for good), and the
-- reports read on screen (occupancy per show, takings by film, cashier,
-- terminal, tender or day, the day's sales by hour).
--
-- Each function takes the session token first and learns who acts from it
-- (core.session_who); core.staff_refusal and core.staff_call (95-admin.sql)
-- refuse the wrong roles:
--   manager     everything here: staff, blocks, reports, the audit trail
--   supervisor  unlock (api.admin_unlock), blocks, reports, the audit trail,
--               the staff list (to see who is locked out)
--   cashier     none of it

-- True when p_session may read the back office (the audit trail, the
-- staff list, seat blocks, reports): a live manager's or supervisor's.
CREATE FUNCTION core.office_reader(p_session text) RETURNS boolean
LANGUAGE sql VOLATILE AS $$
    SELECT core.staff_refusal(core.session_who(p_session), '{manager,supervisor}') IS NULL
$$;

-- Every refund of seats (core.refund_action, 82-after-sales.sql) is in the
-- audit trail, written in the refund's own transaction: 'refund' for the
-- staff member who made it and 'refund_override' for the manager who
-- approved it outside the policy (a manager refunding alone after the
-- cut-off is both). A customer's own refund at a kiosk is no staff action.
CREATE FUNCTION core.audit_refund() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d jsonb := jsonb_build_object(
        'order_id', NEW.order_id, 'seats', array_to_string(NEW.seats, ' '), 'amount_cents', NEW.amount_cents,
        'fee_cents', NEW.fee_cents, 'reason', nullif(NEW.reason, ''),
        'booking', (SELECT o.booking_code FROM core.orders o WHERE o.order_id = NEW.order_id),
        'terminal', (SELECT s.terminal FROM core.session s WHERE s.session_id = NEW.session_id));
BEGIN
    INSERT INTO core.audit_log (staff_id, action, detail)
    SELECT NEW.staff_id, 'refund', d WHERE NEW.staff_id IS NOT NULL
    UNION ALL
    SELECT NEW.approver_id, 'refund_override',
           d || jsonb_build_object('for', (SELECT u.username FROM core.app_user u WHERE u.user_id = NEW.staff_id))
     WHERE NEW.approver_id IS NOT NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER refund_action_audit AFTER INSERT ON core.refund_action
    FOR EACH ROW EXECUTE FUNCTION core.audit_refund();

-- The audit trail, newest first (at most 500 rows): who (a user name, or
-- part of one; NULL: anyone), what (an action, or part of one) and from/to
-- (inclusive days in the database's time zone; NULL: open); detail as
-- "key=value" words, in key order, without empty values. Managers and
-- supervisors; anyone else gets no rows.
CREATE FUNCTION api.audit_log(session text, who text DEFAULT NULL, what text DEFAULT NULL,
                              from_day date DEFAULT NULL, to_day date DEFAULT NULL)
RETURNS TABLE (audit_id bigint, at timestamptz, username text, full_name text, action text, detail text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT a.audit_id, a.at, u.username, u.full_name, a.action,
           (SELECT string_agg(d.key || '=' || d.value, ' ' ORDER BY d.key)
              FROM jsonb_each_text(jsonb_strip_nulls(a.detail)) d)
      FROM core.audit_log a JOIN core.app_user u ON u.user_id = a.staff_id
     WHERE (nullif(btrim(audit_log.who), '') IS NULL OR strpos(u.username, core.login_norm(audit_log.who)) > 0)
       AND (nullif(btrim(what), '') IS NULL OR strpos(a.action, lower(btrim(what))) > 0)
       AND (from_day IS NULL OR a.at >= from_day::timestamptz)
       AND (to_day IS NULL OR a.at < (to_day + 1)::timestamptz)
     ORDER BY a.audit_id DESC
     LIMIT 500;
END $$;

-- ---------------------------------------------------------------- staff

-- Whether a sign-in must change its password first (a one-time password
-- from api.staff_add or api.admin_password_reset): asked right after
-- api.sign_in with its session.
CREATE FUNCTION api.sign_in_must_change(session text, OUT must_change boolean)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT coalesce((SELECT u.must_change FROM core.app_user u WHERE u.user_id = (core.session_who($1)).user_id),
                    false)
$$;

CREATE TYPE api.staff_result AS (
    staff_status text,   -- added | activated | deactivated | not_manager | invalid | taken | not_found | refused
    user_id      bigint,
    message      text
);

-- A manager adds a staff member (role cashier, supervisor or manager) with
-- the salt, limits and proof the terminal made of a one-time password; the
-- first sign-in must change it.
CREATE FUNCTION api.staff_add(session text, username text, full_name text, role text, salt text,
                              opslimit bigint, memlimit bigint, proof text, request_id uuid DEFAULT NULL)
RETURNS api.staff_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.staff_result;
    w core.who := core.session_who(session);
    login text := core.login_norm(username);
BEGIN
    res := core.staff_call(request_id, 'staff_add', w, '{manager}', 'not_manager',
                           'only a manager may add staff', res);
    IF res.staff_status IS NOT NULL THEN RETURN res; END IF;
    IF login !~ '^[a-z0-9._-]{2,32}$' THEN
        res := ROW('invalid', NULL, 'a user name is 2 to 32 letters, digits, dots, dashes or underscores');
    ELSIF coalesce(role, '') NOT IN ('cashier', 'supervisor', 'manager') THEN
        res := ROW('invalid', NULL, 'the role is cashier, supervisor or manager');
    ELSIF coalesce(btrim(full_name), '') = '' OR length(full_name) > 100 THEN
        res := ROW('invalid', NULL, 'a full name of at most 100 characters, please');
    ELSIF NOT core.pw_params_ok(salt, opslimit, memlimit) OR core.proof_digest(proof) IS NULL THEN
        res := ROW('invalid', NULL, 'the password proof is not well-formed');
    ELSIF EXISTS (SELECT 1 FROM core.app_user u WHERE u.username = login) THEN
        res := ROW('taken', NULL, 'that user name is taken');
    ELSE
        INSERT INTO core.app_user AS u (username, full_name, role, pw_salt, pw_opslimit, pw_memlimit, pw_digest,
                                        must_change)
        VALUES (login, btrim(full_name), role, salt, opslimit, memlimit, core.proof_digest(proof), true)
        RETURNING u.user_id INTO res.user_id;
        res.staff_status := 'added';
        res.message := format('%s added as %s; the one-time password must be changed at the first sign-in',
                              login, role);
        PERFORM core.audit(w, 'staff_add', jsonb_build_object('login', login, 'role', role));
    END IF;
    PERFORM core.remember(request_id, 'staff_add', to_jsonb(res));
    RETURN res;
END $$;

-- The staff, by user name, with whether each is active, must change the
-- password, and is locked out now. Managers and supervisors.
CREATE FUNCTION api.staff_list(session text)
RETURNS TABLE (user_id bigint, username text, full_name text, role text, active boolean, must_change boolean,
               locked boolean, created_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT u.user_id, u.username, u.full_name, u.role, u.active, u.must_change,
           (core.login_failures(core.login_bucket(u.username))).failures >= core.setting_int('login_max_failures', 3),
           u.created_at
      FROM core.app_user u
     WHERE u.role <> 'customer'
     ORDER BY u.username;
END $$;

-- A manager deactivates (active false) or reactivates a staff account by
-- user name. Not one's own account, and never the last active manager;
-- a deactivated account's sessions end.
CREATE FUNCTION api.staff_set_active(session text, username text, active boolean, request_id uuid DEFAULT NULL)
RETURNS api.staff_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.staff_result;
    w core.who := core.session_who(session);
    u core.app_user;
BEGIN
    res := core.staff_call(request_id, 'staff_set_active', w, '{manager}', 'not_manager',
                           'only a manager may change staff', res);
    IF res.staff_status IS NOT NULL THEN RETURN res; END IF;
    -- Managers are locked first, so two managers deactivating each other
    -- at once cannot leave none.
    PERFORM 1 FROM core.app_user x WHERE x.role = 'manager' AND x.active ORDER BY x.user_id FOR UPDATE;
    SELECT * INTO u FROM core.app_user x
     WHERE x.username = core.login_norm(staff_set_active.username) AND x.role <> 'customer' FOR UPDATE;
    IF active IS NULL THEN
        res := ROW('invalid', NULL, 'say whether the account is to be active');
    ELSIF u.user_id IS NULL THEN
        res := ROW('not_found', NULL, 'there is no such staff member');
    ELSIF NOT active AND u.role = 'manager' AND u.active
          AND NOT EXISTS (SELECT 1 FROM core.app_user x WHERE x.role = 'manager' AND x.active
                             AND x.user_id <> u.user_id) THEN
        res := ROW('refused', u.user_id, 'the last active manager cannot be deactivated');
    ELSIF u.user_id = w.user_id AND NOT active THEN
        res := ROW('refused', u.user_id, 'you cannot deactivate yourself');
    ELSE
        -- (deactivated, its sessions end: core.user_deactivated)
        UPDATE core.app_user x SET active = staff_set_active.active WHERE x.user_id = u.user_id;
        res := ROW(CASE WHEN active THEN 'activated' ELSE 'deactivated' END, u.user_id,
                   format('%s %s', u.username, CASE WHEN active THEN 'may sign in again' ELSE 'is deactivated' END));
        PERFORM core.audit(w, CASE WHEN active THEN 'staff_activate' ELSE 'staff_deactivate' END,
                           jsonb_build_object('login', u.username, 'role', u.role));
    END IF;
    PERFORM core.remember(request_id, 'staff_set_active', to_jsonb(res));
    RETURN res;
END $$;

-- ----------------------------------------------------------- seat blocks
--
-- A block takes a seat out of sale without touching the sale: each show it
-- covers gets one house order (core.house_order: status initiated, held
-- until infinity, no tickets, no payments, total 0, so the hold sweeper,
-- the reports and the takings never see it), and a blocked seat's row
-- becomes state 'sold' for that order. api.select_seat then refuses it as
-- it refuses any seat that is not free, the seat map shows it taken, and
-- the listing does not count it as available; the sale's statements and
-- plans are unchanged. Only core.block_apply and core.block_release write
-- these rows. A seat that is held or sold when it becomes blocked keeps its
-- order and is listed for a move (api.seat_blocks); once it is free (the
-- order refunded or moved) the next core.block_apply takes it.

-- A block: one seat for one show (showtime_id), or for every show of the
-- seat's hall starting from_day to to_day (days in the cinema's time zone;
-- NULL to_day: for good). ended_at when unblocked.
CREATE TABLE core.seat_block (
    block_id    bigserial PRIMARY KEY,
    seat_id     bigint NOT NULL REFERENCES core.seat,
    showtime_id bigint REFERENCES core.showtime,
    from_day    date,
    to_day      date,
    reason      text NOT NULL CHECK (btrim(reason) <> ''),
    created_by  bigint NOT NULL REFERENCES core.app_user,
    created_at  timestamptz NOT NULL DEFAULT now(),
    ended_by    bigint REFERENCES core.app_user,
    ended_at    timestamptz,
    CHECK ((showtime_id IS NULL) = (from_day IS NOT NULL)),
    CHECK (to_day IS NULL OR to_day >= from_day)
);
CREATE INDEX seat_block_live_idx ON core.seat_block (seat_id) WHERE ended_at IS NULL;

-- The house order of each showtime that has blocked seats.
CREATE TABLE core.house_order (
    showtime_id bigint PRIMARY KEY REFERENCES core.showtime,
    order_id    bigint NOT NULL UNIQUE REFERENCES core.orders
);

-- The house order of a showtime, made on first use by p_staff_id.
CREATE FUNCTION core.house_order_of(p_showtime_id bigint, p_staff_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    id bigint;
BEGIN
    SELECT h.order_id INTO id FROM core.house_order h WHERE h.showtime_id = p_showtime_id;
    IF id IS NULL THEN
        INSERT INTO core.orders (order_id, booking_code, showtime_id, status, terminal, staff_id, currency,
                                 total_cents, held_until)
        SELECT core.next_order_id(), core.new_booking_code(), st.showtime_id, 'initiated', 'house', p_staff_id,
               pp.currency, 0, 'infinity'
          FROM core.showtime st JOIN core.price_plan pp USING (price_plan_id)
         WHERE st.showtime_id = p_showtime_id
        RETURNING order_id INTO id;
        INSERT INTO core.house_order (showtime_id, order_id) VALUES (p_showtime_id, id);
    END IF;
    RETURN id;
END $$;

-- The showtimes (not cancelled, not over) a block covers. Inlined.
CREATE FUNCTION core.block_shows(b core.seat_block) RETURNS TABLE (showtime_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT st.showtime_id
      FROM core.showtime st
      JOIN core.seat s ON s.seat_id = b.seat_id AND s.auditorium_id = st.auditorium_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE NOT st.cancelled AND st.ends_at > statement_timestamp() AND b.ended_at IS NULL
       AND (st.showtime_id = b.showtime_id
            OR (b.showtime_id IS NULL AND (st.starts_at AT TIME ZONE l.timezone)::date >= b.from_day
                AND (b.to_day IS NULL OR (st.starts_at AT TIME ZONE l.timezone)::date <= b.to_day)))
$$;

-- Takes the seat of block p_block_id out of sale in every show it covers
-- where the seat is free. Returns how many seat rows it took.
CREATE FUNCTION core.block_apply(p_block_id bigint) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    b core.seat_block;
    sid bigint;
    n int := 0;
BEGIN
    SELECT * INTO b FROM core.seat_block x WHERE x.block_id = p_block_id;
    FOR sid IN SELECT x.showtime_id FROM core.block_shows(b) x ORDER BY 1 LOOP
        UPDATE core.showtime_seat ss
           SET state = 'sold', order_id = core.house_order_of(sid, b.created_by), held_until = NULL
         WHERE ss.showtime_id = sid AND ss.seat_id = b.seat_id AND core.seat_free(ss.state, ss.held_until);
        n := n + CASE WHEN FOUND THEN 1 ELSE 0 END;
    END LOOP;
    RETURN n;
END $$;

-- Gives the seat of block p_block_id (now ended) back to sale in every
-- show where no other live block keeps it. Returns how many seat rows.
CREATE FUNCTION core.block_release(p_block_id bigint) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n int;
BEGIN
    UPDATE core.showtime_seat ss SET state = 'available', order_id = NULL, held_until = NULL
      FROM core.seat_block b, core.house_order h
     WHERE b.block_id = p_block_id AND ss.seat_id = b.seat_id
       AND h.showtime_id = ss.showtime_id AND ss.order_id = h.order_id
       AND NOT EXISTS (SELECT 1 FROM core.seat_block o
                        WHERE o.seat_id = b.seat_id AND o.block_id <> b.block_id AND o.ended_at IS NULL
                          AND ss.showtime_id IN (SELECT x.showtime_id FROM core.block_shows(o) x));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- A new showtime: every live block that covers it takes its seat.
CREATE FUNCTION core.showtime_apply_blocks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM core.block_apply(b.block_id)
       FROM core.seat_block b JOIN core.seat s ON s.seat_id = b.seat_id
      WHERE b.ended_at IS NULL AND b.showtime_id IS NULL AND s.auditorium_id = NEW.auditorium_id;
    RETURN NULL;
END $$;

-- (After showtime_fill, which makes the seat rows: triggers fire by name.)
CREATE TRIGGER showtime_seat_blocks AFTER INSERT ON core.showtime
    FOR EACH ROW EXECUTE FUNCTION core.showtime_apply_blocks();

-- Live orders (not the house's) that hold or bought a blocked seat: what
-- is to be moved, one row per seat and show.
CREATE FUNCTION core.block_moves(p_block_id bigint)
RETURNS TABLE (showtime_id bigint, booking_code text, status text)
LANGUAGE sql STABLE AS $$
    SELECT ss.showtime_id, o.booking_code, ss.state::text
      FROM core.seat_block b
     CROSS JOIN LATERAL core.block_shows(b) x
      JOIN core.showtime_seat ss ON ss.showtime_id = x.showtime_id AND ss.seat_id = b.seat_id
      JOIN core.orders o ON o.order_id = ss.order_id
     WHERE b.block_id = p_block_id AND NOT core.seat_free(ss.state, ss.held_until)
       AND NOT EXISTS (SELECT 1 FROM core.house_order h WHERE h.order_id = o.order_id)
$$;

CREATE TYPE api.block_result AS (
    block_status text,   -- blocked | unblocked | confirm | not_allowed | invalid | not_found
    block_id     bigint,
    blocked      int,     -- shows whose seat was taken out of sale (or given back)
    to_move      int,     -- shows where the seat is sold or held: listed for a move
    message      text
);

-- Blocks a seat (its label) of hall auditorium_id, or of showtime_id's
-- hall, with a reason: for that one show when from_day is NULL, else for
-- every show of the hall from from_day to to_day (NULL: for good). When the
-- seat is already sold or held in a show it covers, the block is refused
-- with 'confirm' unless confirm repeats the seat's label; then it is made
-- and those orders are listed for a move. Managers and supervisors.
CREATE FUNCTION api.seat_block(session text, seat text, showtime_id bigint, auditorium_id bigint,
                               from_day date, to_day date, reason text, confirm text DEFAULT NULL,
                               request_id uuid DEFAULT NULL)
RETURNS api.block_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.block_result;
    w core.who := core.session_who(session);
    hall bigint := auditorium_id;
    s core.seat;
    b core.seat_block;
    moves int;
BEGIN
    res := core.staff_call(request_id, 'seat_block', w, '{manager,supervisor}', 'not_allowed',
                           'only a manager or a supervisor may block seats', res);
    IF res.block_status IS NOT NULL THEN RETURN res; END IF;
    IF showtime_id IS NOT NULL THEN
        SELECT st.auditorium_id INTO hall FROM core.showtime st WHERE st.showtime_id = seat_block.showtime_id;
    END IF;
    SELECT * INTO s FROM core.seat x WHERE x.auditorium_id = hall AND x.label = upper(btrim(seat));
    IF s.seat_id IS NULL THEN
        res := ROW('not_found', NULL, 0, 0, 'no such seat in that hall or show');
    ELSIF coalesce(btrim(reason), '') = '' OR length(reason) > 200 THEN
        res := ROW('invalid', NULL, 0, 0, 'say why the seat is blocked (at most 200 characters)');
    ELSIF showtime_id IS NULL AND from_day IS NULL THEN
        res := ROW('invalid', NULL, 0, 0, 'a block is for a show, or from a day');
    ELSIF to_day < from_day THEN
        res := ROW('invalid', NULL, 0, 0, 'the block ends before it starts');
    ELSE
        INSERT INTO core.seat_block AS x (seat_id, showtime_id, from_day, to_day, reason, created_by)
        VALUES (s.seat_id, CASE WHEN from_day IS NULL THEN showtime_id END, from_day,
                CASE WHEN from_day IS NOT NULL THEN to_day END, btrim(reason), w.user_id)
        RETURNING * INTO b;
        SELECT count(*) INTO moves FROM core.block_moves(b.block_id);
        IF moves > 0 AND upper(btrim(coalesce(confirm, ''))) <> s.label THEN
            DELETE FROM core.seat_block x WHERE x.block_id = b.block_id;
            res := ROW('confirm', NULL, 0, moves,
                       format('%s is sold or held in %s show(s): type %s to block it anyway; those bookings are listed for a move',
                              s.label, moves, s.label));
        ELSE
            res := ROW('blocked', b.block_id, core.block_apply(b.block_id), moves,
                       format('%s blocked', s.label)
                       || CASE WHEN moves > 0 THEN format('; %s booking(s) to move', moves) ELSE '' END);
            PERFORM core.audit(w, 'seat_block', jsonb_build_object('block_id', b.block_id, 'seat', s.label,
                               'auditorium_id', hall, 'showtime_id', showtime_id, 'from', from_day, 'to', to_day,
                               'reason', b.reason, 'to_move', moves));
        END IF;
    END IF;
    PERFORM core.remember(request_id, 'seat_block', to_jsonb(res));
    RETURN res;
END $$;

-- Ends a block: its seat is for sale again wherever no other block keeps
-- it. Managers and supervisors.
CREATE FUNCTION api.seat_unblock(session text, block_id bigint, request_id uuid DEFAULT NULL)
RETURNS api.block_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.block_result;
    w core.who := core.session_who(session);
    b core.seat_block;
BEGIN
    res := core.staff_call(request_id, 'seat_unblock', w, '{manager,supervisor}', 'not_allowed',
                           'only a manager or a supervisor may unblock seats', res);
    IF res.block_status IS NOT NULL THEN RETURN res; END IF;
    UPDATE core.seat_block x SET ended_at = statement_timestamp(), ended_by = w.user_id
     WHERE x.block_id = seat_unblock.block_id AND x.ended_at IS NULL
    RETURNING * INTO b;
    IF b.block_id IS NULL THEN
        res := ROW('not_found', NULL, 0, 0, 'no such block, or it has ended');
    ELSE
        res := ROW('unblocked', b.block_id, core.block_release(b.block_id), 0, 'the seat is for sale again');
        PERFORM core.audit(w, 'seat_unblock', jsonb_build_object('block_id', b.block_id,
                           'seat', (SELECT x.label FROM core.seat x WHERE x.seat_id = b.seat_id)));
    END IF;
    PERFORM core.remember(request_id, 'seat_unblock', to_jsonb(res));
    RETURN res;
END $$;

-- The live blocks, each with what it covers (in words), its reason, who
-- made it, how many shows it takes now and the bookings to move ("Sat 05
-- Dec 18:00 ABCD1234X ..."). Takes seats that have become free meanwhile
-- (core.block_apply) first. Managers and supervisors.
CREATE FUNCTION api.seat_blocks(session text)
RETURNS TABLE (block_id bigint, location text, auditorium text, seat text, scope text, reason text,
               made_by text, shows int, moves text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    PERFORM core.block_apply(b.block_id) FROM core.seat_block b WHERE b.ended_at IS NULL ORDER BY b.block_id;
    RETURN QUERY
    SELECT b.block_id, l.name, a.name, s.label,
           CASE WHEN b.showtime_id IS NOT NULL
                THEN 'show ' || to_char(st.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI')
                WHEN b.to_day IS NULL THEN 'for good from ' || to_char(b.from_day, 'DD Mon YY')
                ELSE to_char(b.from_day, 'DD Mon') || ' - ' || to_char(b.to_day, 'DD Mon YY') END,
           b.reason, u.username,
           (SELECT count(*)::int FROM core.showtime_seat ss JOIN core.house_order h
                ON h.showtime_id = ss.showtime_id AND h.order_id = ss.order_id
             WHERE ss.seat_id = b.seat_id AND ss.showtime_id IN (SELECT x.showtime_id FROM core.block_shows(b) x)),
           coalesce((SELECT string_agg(to_char(mst.starts_at AT TIME ZONE l.timezone, 'Dy DD Mon HH24:MI')
                                       || ' ' || m.booking_code, ', ' ORDER BY mst.starts_at)
                       FROM core.block_moves(b.block_id) m JOIN core.showtime mst USING (showtime_id)), '')
      FROM core.seat_block b
      JOIN core.seat s ON s.seat_id = b.seat_id
      JOIN core.auditorium a ON a.auditorium_id = s.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
      JOIN core.app_user u ON u.user_id = b.created_by
      LEFT JOIN core.showtime st ON st.showtime_id = b.showtime_id
     WHERE b.ended_at IS NULL
     ORDER BY l.name, a.name, s.row_no, s.col_no, b.block_id;
END $$;

-- --------------------------------------------------------------- reports
--
-- Money as the payments and refunds tables hold it: a payment counts on
-- the day it was made (basis 'sale') or on its show's day (basis 'show');
-- a refund likewise on its own day or its show's. Days are in each
-- cinema's time zone. House orders have no payments, so blocks never count.

-- Every payment (positive) and refund (negative) with what it is reported
-- by: its sale day and show day, film, cashier (user name, or 'self' for
-- a kiosk or online sale), terminal and tender, and the cinema's time
-- zone. Inlined.
CREATE FUNCTION core.money_lines()
RETURNS TABLE (sale_day date, show_day date, sale_at timestamptz, title text, cashier text, terminal text,
               tender text, cents bigint, tz text)
LANGUAGE sql STABLE AS $$
    SELECT (p.created_at AT TIME ZONE l.timezone)::date, (st.starts_at AT TIME ZONE l.timezone)::date,
           p.created_at, m.title, coalesce(u.username, 'self'), o.terminal, p.method, p.amount_cents,
           l.timezone
      FROM core.payment p
      JOIN core.orders o ON o.order_id = p.order_id
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
      LEFT JOIN core.app_user u ON u.user_id = o.staff_id
    UNION ALL
    SELECT (r.created_at AT TIME ZONE l.timezone)::date, (st.starts_at AT TIME ZONE l.timezone)::date,
           r.created_at, m.title, coalesce(u.username, 'self'), o.terminal, p.method, -r.amount_cents,
           l.timezone
      FROM core.refund r
      JOIN core.payment p ON p.payment_id = r.payment_id
      JOIN core.orders o ON o.order_id = r.order_id
      JOIN core.showtime st ON st.showtime_id = o.showtime_id
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
      LEFT JOIN core.app_user u ON u.user_id = o.staff_id
$$;

-- Takings from from_day to to_day (inclusive) grouped by: 'film',
-- 'cashier', 'terminal', 'tender' or 'day'; basis 'sale' (the day money
-- moved) or 'show' (the show's day). Each row: the group's key, payments
-- (gross), refunds and net, in cents. Managers and supervisors.
CREATE FUNCTION api.report_takings(session text, by_what text, from_day date, to_day date,
                                   basis text DEFAULT 'sale')
RETURNS TABLE (key text, payments int, gross_cents bigint, refunded_cents bigint, net_cents bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT k, count(*) FILTER (WHERE x.cents > 0)::int,
           coalesce(sum(x.cents) FILTER (WHERE x.cents > 0), 0)::bigint,
           coalesce(-sum(x.cents) FILTER (WHERE x.cents < 0), 0)::bigint,
           sum(x.cents)::bigint
      FROM core.money_lines() x
     CROSS JOIN LATERAL (SELECT CASE by_what WHEN 'film' THEN x.title WHEN 'cashier' THEN x.cashier
                                             WHEN 'terminal' THEN x.terminal WHEN 'tender' THEN x.tender
                                             ELSE to_char(CASE WHEN basis = 'show' THEN x.show_day
                                                               ELSE x.sale_day END, 'YYYY-MM-DD') END) g(k)
     WHERE CASE WHEN basis = 'show' THEN x.show_day ELSE x.sale_day END BETWEEN from_day AND to_day
     GROUP BY k
     ORDER BY k;
END $$;

-- The sales of one day by hour of the day (sale basis, 0..23, every hour
-- listed): payments, net cents. For the takings screen's bar chart.
-- Managers and supervisors.
CREATE FUNCTION api.report_hourly(session text, day date)
RETURNS TABLE (hour int, payments int, net_cents bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT h, count(x.cents) FILTER (WHERE x.cents > 0)::int, coalesce(sum(x.cents), 0)::bigint
      FROM generate_series(0, 23) h
      LEFT JOIN core.money_lines() x
        ON x.sale_day = report_hourly.day
       AND extract(hour FROM x.sale_at AT TIME ZONE x.tz)::int = h
     GROUP BY h
     ORDER BY h;
END $$;

-- Occupancy of the shows from from_day to to_day (the show's day): seats
-- for sale, admissions (tickets sold), occupancy % of the seats, and
-- revenue (payments less refunds of the show's orders). Blocked seats are
-- not seats for sale. Managers and supervisors.
CREATE FUNCTION api.report_occupancy(session text, from_day date, to_day date)
RETURNS TABLE (showtime_id bigint, starts_at timestamptz, location text, auditorium text, title text,
               seats int, admissions int, occupancy_pct numeric, revenue_cents bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT st.showtime_id, st.starts_at, l.name, a.name, m.title, k.seats, k.admissions,
           round(100.0 * k.admissions / nullif(k.seats, 0), 1),
           (coalesce((SELECT sum(p.amount_cents) FROM core.payment p JOIN core.orders o USING (order_id)
                       WHERE o.showtime_id = st.showtime_id), 0)
            - coalesce((SELECT sum(r.amount_cents) FROM core.refund r JOIN core.orders o USING (order_id)
                         WHERE o.showtime_id = st.showtime_id), 0))::bigint
      FROM core.showtime st
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     CROSS JOIN LATERAL (
           SELECT (st.seats_total - (SELECT count(*) FROM core.showtime_seat ss JOIN core.house_order h
                                        ON h.showtime_id = ss.showtime_id AND h.order_id = ss.order_id
                                      WHERE ss.showtime_id = st.showtime_id))::int AS seats,
                  (SELECT count(*) FROM core.ticket t
                    WHERE t.showtime_id = st.showtime_id AND t.state = 'sold')::int AS admissions) k
     WHERE NOT st.cancelled
       AND (st.starts_at AT TIME ZONE l.timezone)::date BETWEEN from_day AND to_day
     ORDER BY st.starts_at, l.name, a.name;
END $$;

-- The first day of the film week that holds p_day: film weeks start on the
-- day of the week of the setting film_week_start (ISO: 1 Monday .. 7
-- Sunday; 5, Friday, when films open, unless set). Inlined.
CREATE FUNCTION core.film_week(p_day date) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT p_day - ((extract(isodow FROM p_day)::int - core.setting_int('film_week_start', 5) + 14) % 7)
$$;

-- The distributor report: for each film week (core.film_week of the show's
-- day) from the one that holds from_day to the one that holds to_day (whole
-- weeks, however the days fall), cinema and film with shows (not cancelled):
-- the shows played, admissions (tickets sold; refunded ones are not) and
-- box office (the payments less the refunds of those shows' orders, gross
-- and refunds apart), in cents. Managers and supervisors.
CREATE FUNCTION api.report_distributor(session text, from_day date, to_day date)
RETURNS TABLE (week_start date, location text, title text, shows int, admissions int, gross_cents bigint,
               refunded_cents bigint, box_office_cents bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT core.film_week((st.starts_at AT TIME ZONE l.timezone)::date), l.name, m.title, count(*)::int,
           sum(k.admissions)::int, sum(k.gross)::bigint, sum(k.refunded)::bigint,
           (sum(k.gross) - sum(k.refunded))::bigint
      FROM core.showtime st
      JOIN core.movie m ON m.movie_id = st.movie_id
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     CROSS JOIN LATERAL (
           SELECT (SELECT count(*) FROM core.ticket t WHERE t.showtime_id = st.showtime_id AND t.state = 'sold')
                      AS admissions,
                  coalesce((SELECT sum(p.amount_cents) FROM core.payment p JOIN core.orders o USING (order_id)
                             WHERE o.showtime_id = st.showtime_id), 0) AS gross,
                  coalesce((SELECT sum(r.amount_cents) FROM core.refund r JOIN core.orders o USING (order_id)
                             WHERE o.showtime_id = st.showtime_id), 0) AS refunded) k
     WHERE NOT st.cancelled
       AND core.film_week((st.starts_at AT TIME ZONE l.timezone)::date)
           BETWEEN core.film_week(from_day) AND core.film_week(to_day)
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3;
END $$;

-- Card money by day and terminal, for matching against the acquirer's
-- settlement: every card payment (kind 'sale': its terminal reference and
-- authorisation code) and every refund of one (kind 'refund', a negative
-- amount: the reference the card terminal gave the refund once done, and
-- its state: pending, done, failed, or 'owed' when no terminal has taken it
-- yet), from from_day to to_day (the day the money moved, in the cinema's
-- time zone), with the terminal the booking was sold at. By day, terminal
-- and time. Managers and supervisors.
CREATE FUNCTION api.report_cards(session text, from_day date, to_day date)
RETURNS TABLE (day date, terminal text, at timestamptz, kind text, booking_code text, card_brand text,
               card_last4 text, terminal_ref text, auth_code text, amount_cents bigint, state text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT x.d, x.terminal, x.at, x.kind, x.booking_code, x.card_brand, x.card_last4, x.terminal_ref, x.auth_code,
           x.cents, x.state
      FROM (SELECT (p.created_at AT TIME ZONE l.timezone)::date AS d, o.terminal, p.created_at AS at,
                   'sale'::text AS kind, o.booking_code, coalesce(p.card_brand, '') AS card_brand,
                   coalesce(p.card_last4, '') AS card_last4, coalesce(p.terminal_ref, '') AS terminal_ref,
                   coalesce(p.auth_code, '') AS auth_code, p.amount_cents AS cents, 'paid'::text AS state
              FROM core.payment p
              JOIN core.orders o ON o.order_id = p.order_id
              JOIN core.showtime st ON st.showtime_id = o.showtime_id
              JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
              JOIN core.location l ON l.location_id = a.location_id
             WHERE p.method = 'card'
            UNION ALL
            SELECT (r.created_at AT TIME ZONE l.timezone)::date, o.terminal, r.created_at, 'refund', o.booking_code,
                   coalesce(p.card_brand, ''), coalesce(p.card_last4, ''), coalesce(rc.terminal_ref, ''), '',
                   -r.amount_cents, coalesce(rc.state, 'owed')
              FROM core.refund r
              JOIN core.payment p ON p.payment_id = r.payment_id
              LEFT JOIN core.refund_card rc ON rc.refund_id = r.refund_id
              JOIN core.orders o ON o.order_id = r.order_id
              JOIN core.showtime st ON st.showtime_id = o.showtime_id
              JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
              JOIN core.location l ON l.location_id = a.location_id
             WHERE p.method = 'card') x
     WHERE x.d BETWEEN from_day AND to_day
     ORDER BY x.d, x.terminal, x.at, x.kind DESC;
END $$;

-- ----------------------------------------------------------------- halls
--
-- A hall's layout comes from a text file (marquee hall import, the C
-- parser in src/hall-layout.c): the grid's size and each seat's label,
-- place and kind. The database keeps it in core.auditorium and core.seat.

-- The hall named p_hall of the cinema named p_cinema (NULL or '': the one
-- hall of that name in any cinema, when there is just one), or NULL.
CREATE FUNCTION core.hall_named(p_cinema text, p_hall text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN count(*) = 1 THEN min(a.auditorium_id) END
      FROM core.auditorium a JOIN core.location l USING (location_id)
     WHERE a.name = btrim(p_hall) AND (coalesce(btrim(p_cinema), '') = '' OR l.name = btrim(p_cinema))
$$;

-- A manager makes a hall, or gives one its layout anew: the grid of rows x
-- cols and its seats (labels, row and column numbers, kinds: the arrays
-- side by side). The cinema must exist. A hall that has showtimes keeps
-- the layout it has: the same layout again answers 'unchanged', another
-- is refused ('in_use'). Audited. id: the hall.
CREATE FUNCTION api.hall_import(session text, cinema text, hall text, rows int, cols int, labels text[],
                                row_nos int[], col_nos int[], kinds text[], request_id uuid DEFAULT NULL)
RETURNS api.admin_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.admin_result;
    w core.who := core.session_who(session);
    loc bigint := (SELECT l.location_id FROM core.location l WHERE l.name = btrim(cinema));
    id bigint;
    n int := coalesce(cardinality(labels), 0);
    same boolean;
BEGIN
    res := core.staff_call(request_id, 'hall_import', w, '{manager}', 'not_manager',
                           'only a manager may change halls', res);
    IF res.admin_status IS NOT NULL THEN RETURN res; END IF;
    SELECT a.auditorium_id INTO id FROM core.auditorium a WHERE a.location_id = loc AND a.name = btrim(hall)
       FOR NO KEY UPDATE;
    SELECT coalesce((SELECT x.rows = rows AND x.cols = cols FROM core.auditorium x WHERE x.auditorium_id = id), false)
           AND NOT EXISTS (
               (SELECT s.label, s.row_no, s.col_no, s.kind FROM core.seat s WHERE s.auditorium_id = id
                EXCEPT SELECT * FROM unnest(labels, row_nos, col_nos, kinds))
               UNION ALL
               (SELECT * FROM unnest(labels, row_nos, col_nos, kinds)
                EXCEPT SELECT s.label, s.row_no, s.col_no, s.kind FROM core.seat s WHERE s.auditorium_id = id))
      INTO same;
    IF loc IS NULL THEN
        res := ROW('not_found', NULL, format('there is no cinema named %s', cinema));
    ELSIF coalesce(btrim(hall), '') = '' OR length(hall) > 100 THEN
        res := ROW('invalid', NULL, 'a hall needs a name of at most 100 characters');
    ELSIF rows IS NULL OR cols IS NULL OR rows NOT BETWEEN 1 AND 100 OR cols NOT BETWEEN 1 AND 200 THEN
        res := ROW('invalid', NULL, 'a hall is 1 to 100 rows of 1 to 200 places');
    ELSIF n = 0 OR n <> coalesce(cardinality(row_nos), -1) OR n <> coalesce(cardinality(col_nos), -1)
          OR n <> coalesce(cardinality(kinds), -1) THEN
        res := ROW('invalid', NULL, 'a hall has seats, each with a label, a place and a kind');
    ELSIF EXISTS (SELECT 1 FROM unnest(labels, row_nos, col_nos, kinds) x(l, r, c, k)
                   WHERE l IS NULL OR l !~ '^[A-Z]{1,2}[0-9]{1,3}$' OR r NOT BETWEEN 1 AND rows
                      OR c NOT BETWEEN 1 AND cols OR NOT EXISTS (SELECT 1 FROM core.seat_kind sk WHERE sk.kind = k)) THEN
        res := ROW('invalid', NULL, 'a seat''s label, place or kind is not one a hall can have');
    ELSIF (SELECT count(DISTINCT l) <> n OR count(DISTINCT (r, c)) <> n
             FROM unnest(labels, row_nos, col_nos) x(l, r, c)) THEN
        res := ROW('invalid', NULL, 'two seats share a label or a place');
    ELSIF same THEN
        res := ROW('unchanged', id, format('%s already has this layout', hall));
    ELSIF EXISTS (SELECT 1 FROM core.showtime st WHERE st.auditorium_id = id) THEN
        res := ROW('in_use', id, format('%s has showtimes: its layout stays; a new layout is a new hall', hall));
    ELSE
        IF id IS NULL THEN
            INSERT INTO core.auditorium AS a (location_id, name, rows, cols)
            VALUES (loc, btrim(hall), rows, cols) RETURNING a.auditorium_id INTO id;
        ELSE
            DELETE FROM core.seat_block b USING core.seat s WHERE s.seat_id = b.seat_id AND s.auditorium_id = id;
            DELETE FROM core.seat s WHERE s.auditorium_id = id;
            UPDATE core.auditorium a SET rows = hall_import.rows, cols = hall_import.cols WHERE a.auditorium_id = id;
        END IF;
        INSERT INTO core.seat (auditorium_id, label, row_no, col_no, kind)
        SELECT id, x.l, x.r, x.c, x.k FROM unnest(labels, row_nos, col_nos, kinds) x(l, r, c, k);
        res := ROW('ok', id, format('%s saved: %s seats on %s rows', hall, n, rows));
        PERFORM core.audit(w, 'hall_import', jsonb_build_object('auditorium_id', id, 'cinema', cinema, 'hall', hall,
                                                                'seats', n));
    END IF;
    PERFORM core.remember(request_id, 'hall_import', to_jsonb(res));
    RETURN res;
END $$;

-- The layout of a hall (core.hall_named), one row a seat in row and column
-- order, each with the hall's cinema, name and grid size; no rows for an
-- unknown hall. Managers and supervisors.
CREATE FUNCTION api.hall_layout(session text, cinema text, hall text)
RETURNS TABLE (location text, auditorium text, rows int, cols int, seat text, kind text, row_no int, col_no int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT l.name, a.name, a.rows, a.cols, s.label, s.kind, s.row_no, s.col_no
      FROM core.auditorium a
      JOIN core.location l ON l.location_id = a.location_id
      JOIN core.seat s ON s.auditorium_id = a.auditorium_id
     WHERE a.auditorium_id = core.hall_named(cinema, hall)
     ORDER BY s.row_no, s.col_no;
END $$;

-- Every hall, for choosing one: cinema, name, seats. Managers and
-- supervisors.
CREATE FUNCTION api.hall_list(session text)
RETURNS TABLE (location text, auditorium text, seats int)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT core.office_reader(session) THEN RETURN; END IF;
    RETURN QUERY
    SELECT l.name, a.name, (SELECT count(*)::int FROM core.seat s WHERE s.auditorium_id = a.auditorium_id)
      FROM core.auditorium a JOIN core.location l ON l.location_id = a.location_id
     ORDER BY l.name, a.name;
END $$;
