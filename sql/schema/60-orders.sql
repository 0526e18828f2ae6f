-- 60-orders.sql - orders and their tickets: order ids (snowflakes),
-- booking codes (Crockford base32 with a check symbol), the replay of a
-- retried request (core.request_log) and an order's lines.

-- Domains rather than CHECKs on the columns a hold writes: PostgreSQL plans
-- a table's CHECK again for every statement that writes the table, and
-- keeps a domain's check planned in its type cache.
CREATE DOMAIN core.order_status AS text
    CHECK (VALUE IN ('initiated', 'pending', 'success', 'fail', 'cancelled', 'refunded', 'expired',
                     'exchanged'));
CREATE DOMAIN core.cents AS bigint CHECK (VALUE >= 0);

-- Orders. order_id is a snowflake (ms since 2024-01-01 << 22 | node << 12 | seq).
-- status: initiated (held) -> pending (payment in progress) -> success | fail;
-- cancelled (released before payment), refunded (paid, then cancelled), expired;
-- exchanged (paid, then every ticket moved to another order: 83-exchange.sql).
-- hold_seats and hold_prices are the seats a hold keeps and their prices, in
-- seat_id order, until its tickets are written.
-- session_id is the session that made the hold: a guest's orders are the
-- orders of its session. receipt_email is the address the first e-mailed
-- receipt of an order without an account went to; later ones go there only. A showtime that has orders is not deleted (its
-- foreign key): it is cancelled (core.showtime.cancelled).
CREATE TABLE core.orders (
    order_id      bigint PRIMARY KEY,
    booking_code  text NOT NULL UNIQUE,
    user_id       bigint REFERENCES core.app_user,
    session_id    bigint REFERENCES core.session,
    showtime_id   bigint NOT NULL REFERENCES core.showtime,
    status        core.order_status NOT NULL,
    terminal      text NOT NULL DEFAULT '',
    staff_id      bigint REFERENCES core.app_user,
    currency      char(3) NOT NULL,
    total_cents   core.cents NOT NULL,
    held_until    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    paid_at       timestamptz,
    closed_at     timestamptz,
    hold_seats    bigint[] NOT NULL DEFAULT '{}',
    hold_prices   bigint[] NOT NULL DEFAULT '{}',
    receipt_email text,                     -- where receipts of an order with no account go
    receipts_sent int NOT NULL DEFAULT 0    -- e-mailed receipts queued (api.email_receipt)
);
CREATE INDEX orders_user_idx ON core.orders (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX orders_showtime_idx ON core.orders (showtime_id);
CREATE INDEX orders_session_idx ON core.orders (session_id) WHERE session_id IS NOT NULL;

-- The order p_order_id when the session w may act on it, else NULL: a
-- staff session (cashier, manager) any order; a customer the orders of
-- their account and of their session; a guest the orders of its session.
-- An order that does not exist and one that is not the session's answer
-- the same, so order ids cannot be probed. With p_lock the row is locked
-- (FOR UPDATE), the first step of the lock order.
CREATE FUNCTION core.order_for(w core.who, p_order_id bigint, p_lock boolean DEFAULT true)
RETURNS core.orders
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    o core.orders;
BEGIN
    IF w.session_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_lock THEN
        SELECT * INTO o FROM core.orders x WHERE x.order_id = p_order_id FOR UPDATE;
    ELSE
        SELECT * INTO o FROM core.orders x WHERE x.order_id = p_order_id;
    END IF;
    IF NOT FOUND OR NOT coalesce(core.is_staff(w) OR o.session_id = w.session_id
                                 OR (w.role = 'customer' AND o.user_id = w.user_id), false) THEN
        RETURN NULL;
    END IF;
    RETURN o;
END $$;

-- Why session w may not act on the order o that core.order_for gave it:
-- no_session (w is not a live session), unknown_order (no such order, or
-- not the session's: both answer alike), else NULL.
CREATE FUNCTION core.order_refusal(w core.who, o core.orders) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN w.session_id IS NULL THEN 'no_session' WHEN o.order_id IS NULL THEN 'unknown_order' END
$$;

-- The words for a refusal of core.order_refusal (or another word as is).
CREATE FUNCTION core.refusal_words(p_status text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_status WHEN 'no_session' THEN 'the session has ended: sign in or start again'
                         WHEN 'unknown_order' THEN 'no such order'
                         WHEN 'unknown_code' THEN 'no booking with this code'
                         ELSE p_status END
$$;

-- Bookings a session proved with the last four digits of the card that
-- paid (api.reprint): that session may then print and read them, as a
-- customer without an account retrieving their booking.
CREATE TABLE core.booking_proof (
    session_id bigint NOT NULL REFERENCES core.session ON DELETE CASCADE,
    order_id   bigint NOT NULL REFERENCES core.orders,
    proved_at  timestamptz NOT NULL DEFAULT statement_timestamp(),
    PRIMARY KEY (session_id, order_id)
);

-- The order of booking code p_code (as a person typed it) when session w
-- may act on it (core.order_for), or proved it (core.booking_proof); else
-- NULL.
CREATE FUNCTION core.order_by_code(w core.who, p_code text, p_lock boolean DEFAULT true) RETURNS core.orders
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    id bigint := (SELECT x.order_id FROM core.orders x WHERE x.booking_code = core.parse_booking_code(p_code));
    o core.orders := core.order_for(w, id, p_lock);
BEGIN
    IF o.order_id IS NULL AND EXISTS (SELECT 1 FROM core.booking_proof p
                                       WHERE p.session_id = w.session_id AND p.order_id = id) THEN
        SELECT * INTO o FROM core.orders x WHERE x.order_id = id;
        IF p_lock THEN
            PERFORM 1 FROM core.orders x WHERE x.order_id = id FOR UPDATE;
        END IF;
    END IF;
    RETURN o;
END $$;

-- A ticket is one seat of one order. printed_at says the current issue went
-- to a printer (85-tickets.sql). An exchanged ticket was moved to another
-- order (a new ticket there): its copies no longer open the door.
CREATE TABLE core.ticket (
    ticket_id    bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES core.orders,
    showtime_id  bigint NOT NULL,
    seat_id      bigint NOT NULL,
    type_code    text NOT NULL REFERENCES core.ticket_type,
    price_cents  bigint NOT NULL CHECK (price_cents >= 0),
    state        text NOT NULL CHECK (state IN ('held', 'sold', 'released', 'refunded', 'exchanged')),
    issue        int NOT NULL DEFAULT 0,
    admitted_at  timestamptz,
    printed_at   timestamptz,
    FOREIGN KEY (showtime_id, seat_id) REFERENCES core.showtime_seat
);

-- The last line of defence, one live (held or sold) ticket per seat per
-- showtime, as a unique index over every ticket instead of a partial one:
-- live tickets key as 0, the others by their own id. A partial index that
-- was small at the last ANALYZE made generic plans scan the whole of it for
-- "order_id = $1 AND state = 'held'" instead of probing ticket_order_idx.
CREATE UNIQUE INDEX ticket_live_seat_idx ON core.ticket
    (showtime_id, seat_id, (CASE WHEN state IN ('held', 'sold') THEN 0 ELSE ticket_id END));

CREATE INDEX ticket_order_idx ON core.ticket (order_id);

-- Answers of writing api calls by request_id, so a retried call changes nothing.
CREATE TABLE core.request_log (
    request_id uuid PRIMARY KEY,
    fn         text NOT NULL,
    answer     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The answer a request_id already got, or NULL. Takes a transaction-scoped
-- lock on the request_id so two concurrent retries do the work once.
CREATE FUNCTION core.replay(p_request_id uuid, p_fn text) RETURNS jsonb
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    r core.request_log;
BEGIN
    IF p_request_id IS NULL THEN RETURN NULL; END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(p_request_id::text, 7));
    SELECT * INTO r FROM core.request_log WHERE request_id = p_request_id;
    IF NOT FOUND THEN RETURN NULL; END IF;
    IF r.fn <> p_fn THEN
        RAISE EXCEPTION 'request_id % was already used by %', p_request_id, r.fn
            USING ERRCODE = '22023';
    END IF;
    RETURN r.answer;
END $$;

-- Stores the answer a request_id got, for core.replay.
-- The answer a request_id already got as the caller's result type (p_as, a
-- value of that type, usually the caller's still empty result), or a row
-- of NULLs when it got none. Inlined where it is called.
CREATE FUNCTION core.replay_as(p_request_id uuid, p_fn text, p_as anyelement) RETURNS anyelement
LANGUAGE sql AS $$
    SELECT jsonb_populate_record(p_as, core.replay(p_request_id, p_fn))
$$;

CREATE FUNCTION core.remember(p_request_id uuid, p_fn text, p_answer jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_request_id IS NOT NULL THEN
        INSERT INTO core.request_log (request_id, fn, answer) VALUES (p_request_id, p_fn, p_answer);
    END IF;
END $$;

CREATE SEQUENCE core.order_seq CYCLE MAXVALUE 4095 MINVALUE 0 START 0;

-- Snowflake order id for a node: 41 bits of milliseconds since 2024-01-01
-- UTC, 10 bits of node, 12 bits of sequence. Inlined where it is called.
CREATE FUNCTION core.snowflake(p_node int) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
    SELECT ((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - 1704067200000) << 22)
         | ((p_node::bigint & 1023) << 12)
         | nextval('core.order_seq')
$$;

-- A new order id (core.snowflake) for p_node, else the node_id setting.
CREATE FUNCTION core.next_order_id(p_node int DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN core.snowflake(coalesce(p_node, core.setting_int('node_id', 1)));
END $$;

-- The product of a and b (0..31) in GF(32) modulo x^5 + x^2 + 1.
CREATE FUNCTION core.gf32_mul(a int, b int) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    p int := 0;
BEGIN
    WHILE b <> 0 LOOP
        IF b & 1 = 1 THEN p := p # a; END IF;
        b := b >> 1;
        a := a << 1;
        IF a & 32 <> 0 THEN a := a # 37; END IF;
    END LOOP;
    RETURN p;
END $$;

-- a^n in GF(32), a = x.
CREATE FUNCTION core.gf32_pow(n int) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    w int := 1;
BEGIN
    FOR i IN 1 .. n LOOP
        w := core.gf32_mul(w, 2);
    END LOOP;
    RETURN w;
END $$;

-- Crockford base32 with its check symbol, one of the same 32 symbols: the
-- sum over GF(32) of each symbol times a^(its position from the left + 1),
-- a = x. One wrong symbol, or two different symbols swapped, always changes
-- it (src/ids.c does the same arithmetic).
CREATE FUNCTION core.crockford(p_value bigint, p_digits int) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    out text := '';
    d int;
    w int := 1;
    c int := 0;
BEGIN
    FOR pos IN 0 .. p_digits - 1 LOOP
        d := ((p_value >> (5 * (p_digits - 1 - pos))) & 31)::int;
        out := out || substr(alphabet, d + 1, 1);
        w := core.gf32_mul(w, 2);
        c := c # core.gf32_mul(d, w);
    END LOOP;
    RETURN out || substr(alphabet, c + 1, 1);
END $$;

-- The Crockford symbols of every 10-bit value, two bytes each: 2048 bytes.
-- Immutable, so a plan holds it as a constant: reading 10 bits at a time
-- from it is half the expression of 5 at a time, 27 000 instructions less a
-- hold (bench/count.sh).
CREATE FUNCTION core.crockford_pairs() RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(string_agg(substr(a, i / 32 + 1, 1) || substr(a, i % 32 + 1, 1), '' ORDER BY i), 'UTF8')
      FROM generate_series(0, 1023) i, (VALUES ('0123456789ABCDEFGHJKMNPQRSTVWXYZ')) x(a)
$$;

-- What each 10 bits of a 40-bit value add to its check (core.crockford),
-- one byte each: the first 1024 bytes for bits 39..30 (symbols 1 and 2),
-- then bits 29..20, 19..10 and 9..0. A constant in a plan, as above.
CREATE FUNCTION core.crockford_checks() RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(set_byte('\x00'::bytea, 0,
                               core.gf32_mul(x >> 5, core.gf32_pow(2 * g + 1))
                               # core.gf32_mul(x & 31, core.gf32_pow(2 * g + 2))), '' ORDER BY g, x)
      FROM generate_series(0, 3) g, generate_series(0, 1023) x
$$;

-- The Crockford symbols of 40 bits and the check symbol, as
-- core.crockford(v, 8) gives them: four lookups and the check from four
-- more (inlined).
CREATE FUNCTION core.crockford8(v bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(substring(core.crockford_pairs() FROM ((v >> 30) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM ((v >> 20) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM ((v >> 10) & 1023)::int * 2 + 1 FOR 2)
               || substring(core.crockford_pairs() FROM (v & 1023)::int * 2 + 1 FOR 2)
               || substring('0123456789ABCDEFGHJKMNPQRSTVWXYZ'::bytea FROM
                            (get_byte(core.crockford_checks(), ((v >> 30) & 1023)::int)
                             # get_byte(core.crockford_checks(), 1024 + ((v >> 20) & 1023)::int)
                             # get_byte(core.crockford_checks(), 2048 + ((v >> 10) & 1023)::int)
                             # get_byte(core.crockford_checks(), 3072 + (v & 1023)::int)) + 1 FOR 1),
                  'escape')
$$;

-- A new booking code: 40 random bits as 8 symbols plus a check symbol.
-- (The bits go through a variable: crockford8 is inlined only when its
-- argument is not volatile, as it reads it nine times.)
CREATE FUNCTION core.new_booking_code() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v bigint := ('x' || left(replace(gen_random_uuid()::text, '-', ''), 10))::bit(40)::bigint;
BEGIN
    RETURN core.crockford8(v);
END $$;

-- Normalise what a person typed (lower case, I/L for 1, O for 0, dashes,
-- spaces) and check the check symbol. NULL when it is not a valid code.
CREATE FUNCTION core.parse_booking_code(p_text text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    t text := core.booking_code_typed(p_text);
    v bigint := 0;
BEGIN
    IF t IS NULL THEN RETURN NULL; END IF;
    FOR i IN 1..8 LOOP
        v := (v << 5) | (strpos('0123456789ABCDEFGHJKMNPQRSTVWXYZ', substr(t, i, 1)) - 1);
    END LOOP;
    IF core.crockford(v, 8) <> t THEN RETURN NULL; END IF;
    RETURN t;
END $$;

-- What a person typed, normalised as core.parse_booking_code does, when it
-- has the shape of a code (9 symbols of the alphabet) whatever its check
-- symbol; else NULL. A text with the shape that does not parse was mistyped.
CREATE FUNCTION core.booking_code_typed(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT t FROM (SELECT translate(upper(coalesce(p_text, '')), 'ILO- ', '110') AS t) x
     WHERE t ~ '^[0-9A-HJKMNP-TV-Z]{9}$'
$$;

-- A code as people see it everywhere (screens, tickets, e-mails): ABCD-EFGHJ.
CREATE FUNCTION core.booking_code_pretty(p_code text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN length(p_code) = 9 THEN substr(p_code, 1, 4) || '-' || substr(p_code, 5) ELSE p_code END
$$;

-- The live lines of an order: its held or sold tickets, or, before they are
-- written, the seats its hold still keeps (adult, at the held price, no
-- ticket id). Inlined where it is called.
CREATE FUNCTION core.order_lines_of(p_order_id bigint)
RETURNS TABLE (ticket_id bigint, seat_id bigint, type_code text, price_cents bigint, state text,
               issue int, printed_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT t.ticket_id, t.seat_id, t.type_code, t.price_cents, t.state, t.issue, t.printed_at
      FROM core.ticket t
     WHERE t.order_id = p_order_id AND t.state IN ('held', 'sold')
    UNION ALL
    SELECT NULL::bigint, x.seat_id, 'adult', x.price, 'held', 0, NULL::timestamptz
      FROM core.orders o
     CROSS JOIN unnest(o.hold_seats, o.hold_prices) AS x(seat_id, price)
      JOIN core.showtime_seat ss ON ss.showtime_id = o.showtime_id AND ss.seat_id = x.seat_id
     WHERE o.order_id = p_order_id AND ss.order_id = o.order_id AND ss.state = 'held'
       AND NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.order_id = p_order_id)
$$;

-- The live lines of an order (core.order_lines_of): seat, type, price; no
-- rows unless the session may see the order.
CREATE FUNCTION api.order_lines(session text, order_id bigint)
RETURNS TABLE(seat text, type_code text, price_cents bigint, kind text, state text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT s.label, t.type_code, t.price_cents, s.kind, t.state
      FROM core.order_for(core.session_who($1), $2, false) o
     CROSS JOIN core.order_lines_of(o.order_id) t JOIN core.seat s USING (seat_id)
     WHERE o.order_id IS NOT NULL
     ORDER BY s.row_no, s.col_no
$$;

-- The bookings of the customer signed in as session, newest show first,
-- with their seats; no rows for any other session.
CREATE FUNCTION api.my_bookings(session text)
RETURNS TABLE (order_id bigint, booking_code text, status text, title text,
               starts_at timestamptz, location text, auditorium text, seats text,
               total_cents bigint, currency text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT o.order_id, o.booking_code, o.status, m.title, st.starts_at, l.name, a.name,
           (SELECT string_agg(s.label, ' ' ORDER BY s.row_no, s.col_no)
              FROM core.ticket t JOIN core.seat s USING (seat_id)
             WHERE t.order_id = o.order_id AND t.state IN ('sold', 'held', 'refunded')),
           o.total_cents, o.currency::text
      FROM core.orders o
      JOIN core.showtime st USING (showtime_id)
      JOIN core.movie m USING (movie_id)
      JOIN core.auditorium a ON a.auditorium_id = st.auditorium_id
      JOIN core.location l ON l.location_id = a.location_id
     WHERE o.user_id = (SELECT core.who_customer(core.session_who($1))) AND o.status IN ('success', 'refunded')
     ORDER BY st.starts_at DESC
     LIMIT 50
$$;
