-- 97-cash-up.sql - the cash drawer of each till: a drawer session opened
-- with a float by the staff member signed in at a counter terminal, the
-- drops (cash taken to the safe) and paid-outs made during it, the X report
-- (what the drawer should hold now) at any time, and the close: a count by
-- denomination, the over/short against what it should hold, and the Z
-- report kept with it; and the manager's close of a business day, refused
-- while any drawer is open.
--
-- A drawer belongs to a terminal (the session's terminal name): one open at
-- a time. The cash it should hold is its float, plus the cash payments of
-- orders sold at that terminal while it was open, less the cash refunds of
-- those payments made while it was open, less drops and paid-outs.
-- Everything is in the minor unit (cents). Every opening, drop, paid-out
-- and close is written to core.audit_log.

CREATE TABLE core.drawer (
    drawer_id      bigserial PRIMARY KEY,
    terminal       text NOT NULL CHECK (terminal <> ''),
    opened_by      bigint NOT NULL REFERENCES core.app_user,
    opened_at      timestamptz NOT NULL DEFAULT statement_timestamp(),
    float_cents    bigint NOT NULL CHECK (float_cents >= 0),
    closed_by      bigint REFERENCES core.app_user,
    closed_at      timestamptz,
    counts         jsonb,          -- {"2000": 3, "500": 1, ...}: denomination in cents -> how many
    counted_cents  bigint,
    expected_cents bigint,
    CHECK ((closed_at IS NULL) = (counted_cents IS NULL))
);
CREATE UNIQUE INDEX drawer_open_idx ON core.drawer (terminal) WHERE closed_at IS NULL;

CREATE TABLE core.drawer_move (
    move_id      bigserial PRIMARY KEY,
    drawer_id    bigint NOT NULL REFERENCES core.drawer,
    kind         text NOT NULL CHECK (kind IN ('drop', 'paid_out')),
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reason       text NOT NULL DEFAULT '',
    made_by      bigint NOT NULL REFERENCES core.app_user,
    at           timestamptz NOT NULL DEFAULT statement_timestamp()
);

-- What drawer p_drawer_id holds by the book: its float, cash sales, cash
-- refunds, drops, paid-outs and the expected cash (the sum with signs),
-- and its card sales for the report. Up to now, or to its close.
CREATE FUNCTION core.drawer_book(p_drawer_id bigint,
                                 OUT float_cents bigint, OUT cash_sales_cents bigint, OUT cash_refunds_cents bigint,
                                 OUT drops_cents bigint, OUT paid_outs_cents bigint, OUT expected_cents bigint,
                                 OUT card_sales_cents bigint)
LANGUAGE sql STABLE AS $$
    WITH d AS (SELECT x.*, coalesce(x.closed_at, 'infinity') AS until FROM core.drawer x WHERE x.drawer_id = p_drawer_id),
    pay AS (
        SELECT p.payment_id, p.method, p.amount_cents, p.created_at
          FROM d JOIN core.orders o ON o.terminal = d.terminal
          JOIN core.payment p ON p.order_id = o.order_id
         WHERE o.order_id >= ((floor(extract(epoch FROM d.opened_at - interval '1 day') * 1000)::bigint
                               - 1704067200000) << 22)
    ), m AS (
        SELECT coalesce(sum(CASE WHEN pay.method = 'cash' THEN pay.amount_cents END), 0) AS cash,
               coalesce(sum(CASE WHEN pay.method = 'card' THEN pay.amount_cents END), 0) AS card
          FROM pay, d WHERE pay.created_at >= d.opened_at AND pay.created_at < d.until
    ), r AS (
        SELECT coalesce(sum(rf.amount_cents), 0) AS back
          FROM pay JOIN core.refund rf ON rf.payment_id = pay.payment_id, d
         WHERE pay.method = 'cash' AND rf.created_at >= d.opened_at AND rf.created_at < d.until
    ), mv AS (
        SELECT coalesce(sum(CASE WHEN v.kind = 'drop' THEN v.amount_cents END), 0) AS drops,
               coalesce(sum(CASE WHEN v.kind = 'paid_out' THEN v.amount_cents END), 0) AS outs
          FROM core.drawer_move v WHERE v.drawer_id = p_drawer_id
    )
    SELECT d.float_cents, m.cash::bigint, r.back::bigint, mv.drops::bigint, mv.outs::bigint,
           (d.float_cents + m.cash - r.back - mv.drops - mv.outs)::bigint, m.card::bigint
      FROM d, m, r, mv
$$;

-- The open drawer of w's terminal, or NULL.
CREATE FUNCTION core.drawer_open_of(w core.who) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT d.drawer_id FROM core.drawer d WHERE d.terminal = w.terminal AND d.closed_at IS NULL
$$;

CREATE TYPE api.drawer_result AS (
    drawer_status  text,    -- opened | moved | closed | not_staff | open_already | no_drawer | invalid
    drawer_id      bigint,
    expected_cents bigint,
    counted_cents  bigint,
    over_short_cents bigint,  -- counted less expected: over when positive, short when negative
    message        text
);

-- Opens the drawer of the session's terminal with a float (cents).
CREATE FUNCTION api.drawer_open(session text, float_cents bigint, request_id uuid DEFAULT NULL)
RETURNS api.drawer_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.drawer_result;
    w core.who := core.session_who(session);
BEGIN
    res := core.staff_call(request_id, 'drawer_open', w, '{cashier,supervisor,manager}', 'not_staff',
                           'only staff signed in at a till open its drawer', res);
    IF res.drawer_status IS NOT NULL THEN RETURN res; END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('drawer:' || coalesce(w.terminal, ''), 13));
    IF coalesce(w.terminal, '') = '' THEN
        res := ROW('not_staff', NULL, NULL, NULL, NULL, 'only staff signed in at a till open its drawer');
    ELSIF float_cents IS NULL OR float_cents < 0 OR float_cents > 10000000 THEN
        res := ROW('invalid', NULL, NULL, NULL, NULL, 'a float of 0 to 100000.00, please');
    ELSIF core.drawer_open_of(w) IS NOT NULL THEN
        res := ROW('open_already', core.drawer_open_of(w), NULL, NULL, NULL,
                   'this till''s drawer is open already: close it first');
    ELSE
        INSERT INTO core.drawer AS d (terminal, opened_by, float_cents)
        VALUES (w.terminal, w.user_id, float_cents) RETURNING d.drawer_id INTO res.drawer_id;
        res.drawer_status := 'opened'; res.expected_cents := float_cents;
        res.message := 'drawer opened';
        PERFORM core.audit(w, 'drawer_open', jsonb_build_object('drawer_id', res.drawer_id, 'float_cents', float_cents));
    END IF;
    PERFORM core.remember(request_id, 'drawer_open', to_jsonb(res));
    RETURN res;
END $$;

-- A drop (cash to the safe) or a paid-out (cash paid from the till, with a
-- reason) from the open drawer of the session's terminal.
CREATE FUNCTION api.drawer_move(session text, kind text, amount_cents bigint, reason text DEFAULT '',
                                request_id uuid DEFAULT NULL)
RETURNS api.drawer_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.drawer_result;
    w core.who := core.session_who(session);
    id bigint;
BEGIN
    res := core.staff_call(request_id, 'drawer_move', w, '{cashier,supervisor,manager}', 'not_staff',
                           'only staff move cash', res);
    IF res.drawer_status IS NOT NULL THEN RETURN res; END IF;
    id := core.drawer_open_of(w);
    IF id IS NULL THEN
        res := ROW('no_drawer', NULL, NULL, NULL, NULL, 'this till has no open drawer');
    ELSIF coalesce(kind, '') NOT IN ('drop', 'paid_out') OR amount_cents IS NULL OR amount_cents <= 0
          OR amount_cents > 10000000 THEN
        res := ROW('invalid', id, NULL, NULL, NULL, 'a drop or a paid-out of a positive amount, please');
    ELSIF kind = 'paid_out' AND coalesce(btrim(reason), '') = '' THEN
        res := ROW('invalid', id, NULL, NULL, NULL, 'say what the paid-out was for');
    ELSE
        INSERT INTO core.drawer_move (drawer_id, kind, amount_cents, reason, made_by)
        VALUES (id, kind, amount_cents, coalesce(btrim(reason), ''), w.user_id);
        res := ROW('moved', id, (core.drawer_book(id)).expected_cents, NULL, NULL,
                   CASE kind WHEN 'drop' THEN 'drop recorded' ELSE 'paid-out recorded' END);
        PERFORM core.audit(w, 'drawer_' || kind, jsonb_build_object('drawer_id', id, 'amount_cents', amount_cents,
                                                                    'reason', reason));
    END IF;
    PERFORM core.remember(request_id, 'drawer_move', to_jsonb(res));
    RETURN res;
END $$;

-- The X report of the session's terminal's drawer (open, or else the last
-- closed one: then it is that drawer's Z report): who opened it and when,
-- the book (core.drawer_book), and for a closed one the count and the
-- over/short. No row when the terminal never had a drawer or the session
-- is not staff.
CREATE FUNCTION api.drawer_report(session text)
RETURNS TABLE (drawer_id bigint, terminal text, opened_by text, opened_at timestamptz, closed_at timestamptz,
               float_cents bigint, cash_sales_cents bigint, cash_refunds_cents bigint, drops_cents bigint,
               paid_outs_cents bigint, expected_cents bigint, card_sales_cents bigint, counted_cents bigint,
               over_short_cents bigint, counts text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    w core.who := core.session_who(session);
BEGIN
    IF core.staff_refusal(w, '{cashier,supervisor,manager}') IS NOT NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT d.drawer_id, d.terminal, u.username, d.opened_at, d.closed_at, b.float_cents, b.cash_sales_cents,
           b.cash_refunds_cents, b.drops_cents, b.paid_outs_cents, b.expected_cents, b.card_sales_cents,
           d.counted_cents, d.counted_cents - b.expected_cents,
           (SELECT string_agg(c.key || 'x' || c.value, ' ' ORDER BY c.key::bigint DESC) FROM jsonb_each_text(d.counts) c)
      FROM core.drawer d JOIN core.app_user u ON u.user_id = d.opened_by
     CROSS JOIN LATERAL core.drawer_book(d.drawer_id) b
     WHERE d.terminal = w.terminal
     ORDER BY d.closed_at IS NULL DESC, d.drawer_id DESC
     LIMIT 1;
END $$;

-- Closes the drawer of the session's terminal with its count: counts maps
-- each denomination in cents (as text) to how many were counted. Keeps the
-- count, the total counted and the expected cash; answers the over/short.
CREATE FUNCTION api.drawer_close(session text, counts jsonb, request_id uuid DEFAULT NULL)
RETURNS api.drawer_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.drawer_result;
    w core.who := core.session_who(session);
    id bigint;
    total bigint;
    bad boolean;
BEGIN
    res := core.staff_call(request_id, 'drawer_close', w, '{cashier,supervisor,manager}', 'not_staff',
                           'only staff close a drawer', res);
    IF res.drawer_status IS NOT NULL THEN RETURN res; END IF;
    id := core.drawer_open_of(w);
    SELECT coalesce(bool_or(c.key !~ '^[1-9][0-9]{0,6}$' OR c.value !~ '^[0-9]{1,6}$'), false) INTO bad
      FROM jsonb_each_text(CASE WHEN jsonb_typeof(counts) = 'object' THEN counts ELSE '{}' END) c;
    IF NOT bad THEN
        SELECT coalesce(sum(c.key::bigint * c.value::bigint), 0) INTO total
          FROM jsonb_each_text(CASE WHEN jsonb_typeof(counts) = 'object' THEN counts ELSE '{}' END) c;
    END IF;
    IF id IS NULL THEN
        res := ROW('no_drawer', NULL, NULL, NULL, NULL, 'this till has no open drawer');
    ELSIF counts IS NULL OR jsonb_typeof(counts) <> 'object' OR bad THEN
        res := ROW('invalid', id, NULL, NULL, NULL, 'a count is a whole number of each denomination');
    ELSE
        UPDATE core.drawer d SET closed_at = statement_timestamp(), closed_by = w.user_id,
                                 counts = drawer_close.counts, counted_cents = total,
                                 expected_cents = (core.drawer_book(id)).expected_cents
         WHERE d.drawer_id = id
        RETURNING d.expected_cents INTO res.expected_cents;
        res.drawer_status := 'closed'; res.drawer_id := id; res.counted_cents := total;
        res.over_short_cents := total - res.expected_cents;
        res.message := CASE WHEN res.over_short_cents = 0 THEN 'drawer closed: it balances'
                            WHEN res.over_short_cents > 0 THEN 'drawer closed: over'
                            ELSE 'drawer closed: short' END;
        PERFORM core.audit(w, 'drawer_close', jsonb_build_object('drawer_id', id, 'counted_cents', total,
                           'expected_cents', res.expected_cents, 'over_short_cents', res.over_short_cents));
    END IF;
    PERFORM core.remember(request_id, 'drawer_close', to_jsonb(res));
    RETURN res;
END $$;

-- The close of a business day (the sale day, by core.money_lines): who
-- closed it and the day's totals by tender as they were then.
CREATE TABLE core.day_close (
    day        date PRIMARY KEY,
    closed_by  bigint NOT NULL REFERENCES core.app_user,
    closed_at  timestamptz NOT NULL DEFAULT statement_timestamp(),
    totals     jsonb NOT NULL
);

-- Cents as a person reads them: 1234 -> '12.34'. Inlined.
CREATE FUNCTION core.money_words(p_cents bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(p_cents / 100.0, 'FM999999999990.00')
$$;

CREATE TYPE api.day_close_result AS (
    close_status  text,     -- closed | confirm | not_manager | drawer_open | closed_already | invalid
    cash_cents    bigint,
    card_cents    bigint,
    refunds_cents bigint,
    net_cents     bigint,
    message       text
);

-- A manager closes day: refused while any till's drawer is open; answers
-- 'confirm' with the day's totals by tender (what will be kept) until
-- confirm repeats the day as YYYY-MM-DD; then keeps them. Audited.
CREATE FUNCTION api.day_close(session text, day date, confirm text DEFAULT NULL, request_id uuid DEFAULT NULL)
RETURNS api.day_close_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    res api.day_close_result;
    w core.who := core.session_who(session);
    open_tills text;
BEGIN
    res := core.staff_call(request_id, 'day_close', w, '{manager}', 'not_manager',
                           'only a manager closes the day', res);
    IF res.close_status IS NOT NULL THEN RETURN res; END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('day_close', 13));
    SELECT coalesce(sum(x.cents) FILTER (WHERE x.cents > 0 AND x.tender = 'cash'), 0),
           coalesce(sum(x.cents) FILTER (WHERE x.cents > 0 AND x.tender = 'card'), 0),
           coalesce(-sum(x.cents) FILTER (WHERE x.cents < 0), 0), coalesce(sum(x.cents), 0)
      INTO res.cash_cents, res.card_cents, res.refunds_cents, res.net_cents
      FROM core.money_lines() x WHERE x.sale_day = day_close.day;
    SELECT string_agg(d.terminal, ', ' ORDER BY d.terminal) INTO open_tills FROM core.drawer d WHERE d.closed_at IS NULL;
    IF day IS NULL OR day > current_date THEN
        res.close_status := 'invalid'; res.message := 'a day that has begun, please';
    ELSIF EXISTS (SELECT 1 FROM core.day_close c WHERE c.day = day_close.day) THEN
        res.close_status := 'closed_already'; res.message := format('%s is closed already', day);
    ELSIF open_tills IS NOT NULL THEN
        res.close_status := 'drawer_open';
        res.message := format('a drawer is open at %s: count and close it first', open_tills);
    ELSIF coalesce(btrim(confirm), '') <> to_char(day, 'YYYY-MM-DD') THEN
        res.close_status := 'confirm';
        res.message := format('closing %s keeps cash %s, card %s, refunds %s, net %s; type %s to close it',
                              to_char(day, 'YYYY-MM-DD'), core.money_words(res.cash_cents),
                              core.money_words(res.card_cents), core.money_words(res.refunds_cents),
                              core.money_words(res.net_cents), to_char(day, 'YYYY-MM-DD'));
    ELSE
        INSERT INTO core.day_close (day, closed_by, totals)
        VALUES (day, w.user_id, jsonb_build_object('cash_cents', res.cash_cents, 'card_cents', res.card_cents,
                                                    'refunds_cents', res.refunds_cents, 'net_cents', res.net_cents));
        res.close_status := 'closed';
        res.message := format('%s closed: net %s', to_char(day, 'YYYY-MM-DD'), core.money_words(res.net_cents));
        PERFORM core.audit(w, 'day_close', jsonb_build_object('day', day, 'net_cents', res.net_cents));
    END IF;
    PERFORM core.remember(request_id, 'day_close', to_jsonb(res));
    RETURN res;
END $$;
