-- 001_core.sql - Marquee's data model: cinemas, halls, films, showtimes, seats,
-- orders, tickets, payments, refunds, users. Schema core is private: terminals
-- reach it only through the functions of schema api (002_api.sql).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA core;

-- Settings the database decides by (hold length, cancellation window ...).
CREATE TABLE core.setting (
    name        text PRIMARY KEY,
    value       text NOT NULL,
    description text NOT NULL DEFAULT ''
);
INSERT INTO core.setting (name, value, description) VALUES
  ('hold_minutes', '8', 'how long a seat selection is held before it expires'),
  ('payment_extend_minutes', '3', 'extra minutes a hold gets once payment has started'),
  ('cancel_cutoff_minutes', '60', 'paid orders may be refunded until this many minutes before the show'),
  ('node_id', '1', 'snowflake node number of this database (0..1023)'),
  ('currency', 'USD', 'ISO 4217 currency of all prices'),
  ('hold_commit', 'durable', 'durable: a hold, and the release of an unpaid hold, is on disk before '
   'the api answers. fast: they commit asynchronously (payments and refunds never do), which '
   'lifts the commit-order lock NOTIFY takes off the disk flush; a crash may forget holds '
   'made in its last second (their payment then answers unknown_order)');

-- (plpgsql rather than sql here and below: called from plpgsql, a sql
-- function is parsed and planned again on every call; plpgsql keeps its plan.)
CREATE FUNCTION core.setting_int(p_name text, p_default int) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT value::int FROM core.setting WHERE name = p_name), p_default);
END $$;

CREATE FUNCTION core.setting_text(p_name text, p_default text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT value FROM core.setting WHERE name = p_name), p_default);
END $$;

CREATE TABLE core.location (
    location_id bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    address     text NOT NULL DEFAULT '',
    timezone    text NOT NULL DEFAULT 'UTC'
);

CREATE TABLE core.auditorium (
    auditorium_id bigserial PRIMARY KEY,
    location_id   bigint NOT NULL REFERENCES core.location,
    name          text NOT NULL CHECK (name <> ''),
    rows          int NOT NULL CHECK (rows BETWEEN 1 AND 100),
    cols          int NOT NULL CHECK (cols BETWEEN 1 AND 200),
    UNIQUE (location_id, name)
);

CREATE TABLE core.seat_kind (
    kind           text PRIMARY KEY,
    surcharge_cents bigint NOT NULL DEFAULT 0 CHECK (surcharge_cents >= 0),
    sellable       boolean NOT NULL DEFAULT true
);
INSERT INTO core.seat_kind VALUES
  ('standard', 0, true), ('wheelchair', 0, true), ('companion', 0, true),
  ('premium', 300, true), ('blocked', 0, false);

-- The auditorium's layout: one row per place on the grid that is a seat.
-- Grid cells with no seat are aisles. row_no/col_no place it on screen.
CREATE TABLE core.seat (
    seat_id       bigserial PRIMARY KEY,
    auditorium_id bigint NOT NULL REFERENCES core.auditorium ON DELETE CASCADE,
    label         text NOT NULL CHECK (label ~ '^[A-Z]{1,2}[0-9]{1,3}$'),
    row_no        int NOT NULL CHECK (row_no >= 1),
    col_no        int NOT NULL CHECK (col_no >= 1),
    kind          text NOT NULL DEFAULT 'standard' REFERENCES core.seat_kind,
    UNIQUE (auditorium_id, label),
    UNIQUE (auditorium_id, row_no, col_no)
);

CREATE TABLE core.movie (
    movie_id      bigserial PRIMARY KEY,
    title         text NOT NULL UNIQUE CHECK (title <> ''),
    synopsis      text NOT NULL DEFAULT '',
    runtime_min   int NOT NULL CHECK (runtime_min BETWEEN 1 AND 600),
    rating        text NOT NULL DEFAULT 'NR',
    genre         text NOT NULL DEFAULT '',
    thumbnail_url text NOT NULL DEFAULT '',
    trailer_url   text NOT NULL DEFAULT '',
    memo          text NOT NULL DEFAULT '',
    search        tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', synopsis), 'B') ||
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', genre), 'C')) STORED
);
CREATE INDEX movie_search_idx ON core.movie USING gin (search);

CREATE TABLE core.ticket_type (
    type_code text PRIMARY KEY CHECK (type_code ~ '^[a-z_]+$'),
    name      text NOT NULL,
    sort      int NOT NULL DEFAULT 0
);

CREATE TABLE core.price_plan (
    price_plan_id bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    currency      char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE TABLE core.price (
    price_plan_id bigint NOT NULL REFERENCES core.price_plan ON DELETE CASCADE,
    type_code     text NOT NULL REFERENCES core.ticket_type,
    amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (price_plan_id, type_code)
);

-- The design's MovieAvailability. Two showtimes never overlap in one hall
-- (including a cleaning gap, kept in ends_at).
CREATE TABLE core.showtime (
    showtime_id   bigserial PRIMARY KEY,
    movie_id      bigint NOT NULL REFERENCES core.movie,
    auditorium_id bigint NOT NULL REFERENCES core.auditorium,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    price_plan_id bigint NOT NULL REFERENCES core.price_plan,
    seats_total   int NOT NULL DEFAULT 0,
    cancelled     boolean NOT NULL DEFAULT false,
    CHECK (ends_at > starts_at),
    EXCLUDE USING gist (auditorium_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (NOT cancelled)
);
CREATE INDEX showtime_starts_idx ON core.showtime (starts_at);
CREATE INDEX showtime_movie_idx ON core.showtime (movie_id, starts_at);

-- One row per sellable seat per showtime: the row every hold locks.
-- state: available | held | sold. A held row whose held_until has passed is
-- available to anyone, even before a sweeper resets it.
CREATE TABLE core.showtime_seat (
    showtime_id bigint NOT NULL REFERENCES core.showtime ON DELETE CASCADE,
    seat_id     bigint NOT NULL REFERENCES core.seat,
    state       text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'held', 'sold')),
    order_id    bigint,
    held_until  timestamptz,
    PRIMARY KEY (showtime_id, seat_id),
    CHECK ((state = 'available') = (order_id IS NULL)),
    CHECK ((state = 'held') = (held_until IS NOT NULL))
) WITH (fillfactor = 70);
CREATE INDEX showtime_seat_taken_idx ON core.showtime_seat (showtime_id) WHERE state <> 'available';

CREATE TABLE core.app_user (
    user_id    bigserial PRIMARY KEY,
    username   text UNIQUE CHECK (username ~ '^[a-z0-9._-]{2,32}$'),
    email      text,
    full_name  text NOT NULL DEFAULT '',
    role       text NOT NULL CHECK (role IN ('customer', 'cashier', 'manager')),
    pw_hash    text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'customer' OR username IS NOT NULL),
    CHECK (role <> 'customer' OR email IS NOT NULL)
);
CREATE UNIQUE INDEX app_user_email_idx ON core.app_user (lower(email));

-- Orders. order_id is a snowflake (ms since 2024-01-01 << 22 | node << 12 | seq).
-- status: initiated (held) -> pending (payment in progress) -> success | fail;
-- cancelled (released before payment), refunded (paid, then cancelled), expired.
CREATE TABLE core.orders (
    order_id      bigint PRIMARY KEY,
    booking_code  text NOT NULL UNIQUE,
    user_id       bigint REFERENCES core.app_user,
    showtime_id   bigint NOT NULL REFERENCES core.showtime,
    status        text NOT NULL CHECK (status IN ('initiated', 'pending', 'success', 'fail',
                                                  'cancelled', 'refunded', 'expired')),
    terminal      text NOT NULL DEFAULT '',
    staff_id      bigint REFERENCES core.app_user,
    currency      char(3) NOT NULL,
    total_cents   bigint NOT NULL CHECK (total_cents >= 0),
    held_until    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    paid_at       timestamptz,
    closed_at     timestamptz
);
CREATE INDEX orders_user_idx ON core.orders (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX orders_showtime_idx ON core.orders (showtime_id);

-- A ticket is one seat of one order. The partial unique index is the last
-- line of defence: one live (held or sold) ticket per seat per showtime.
CREATE TABLE core.ticket (
    ticket_id    bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES core.orders,
    showtime_id  bigint NOT NULL,
    seat_id      bigint NOT NULL,
    type_code    text NOT NULL REFERENCES core.ticket_type,
    price_cents  bigint NOT NULL CHECK (price_cents >= 0),
    state        text NOT NULL CHECK (state IN ('held', 'sold', 'released', 'refunded')),
    issue        int NOT NULL DEFAULT 0,
    admitted_at  timestamptz,
    FOREIGN KEY (showtime_id, seat_id) REFERENCES core.showtime_seat
);
CREATE UNIQUE INDEX ticket_live_seat_idx ON core.ticket (showtime_id, seat_id)
    WHERE state IN ('held', 'sold');
CREATE INDEX ticket_order_idx ON core.ticket (order_id);

CREATE TABLE core.payment (
    payment_id    bigserial PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES core.orders,
    method        text NOT NULL CHECK (method IN ('cash', 'card')),
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    currency      char(3) NOT NULL,
    tendered_cents bigint,
    card_last4    text CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_brand    text,
    terminal_ref  text,
    auth_code     text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_order_idx ON core.payment (order_id);

CREATE TABLE core.refund (
    refund_id    bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES core.orders,
    payment_id   bigint NOT NULL REFERENCES core.payment,
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    reason       text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- Answers of writing api calls by request_id, so a retried call changes nothing.
CREATE TABLE core.request_log (
    request_id uuid PRIMARY KEY,
    fn         text NOT NULL,
    answer     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Notification outbox, filled in the same transaction as the event.
CREATE TABLE core.outbox (
    outbox_id    bigserial PRIMARY KEY,
    kind         text NOT NULL,
    recipient    text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     int NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX outbox_unsent_idx ON core.outbox (outbox_id) WHERE sent_at IS NULL;

-- Sliding-window rate limits shared by all terminals (logins, ...).
CREATE TABLE core.rate_event (
    bucket text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now(),
    ok     boolean NOT NULL
);
CREATE INDEX rate_event_idx ON core.rate_event (bucket, at);

-- Every seat change wakes listening terminals: one NOTIFY per showtime per
-- statement, on channel seat_change, payload the showtime_id.
CREATE FUNCTION core.notify_seat_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('seat_change', s.showtime_id::text)
       FROM (SELECT DISTINCT showtime_id FROM changed) s;
    RETURN NULL;
END $$;
CREATE TRIGGER showtime_seat_notify AFTER UPDATE ON core.showtime_seat
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT
    EXECUTE FUNCTION core.notify_seat_change();

-- A new showtime gets its seat rows from the hall's sellable seats.
CREATE FUNCTION core.showtime_fill_seats() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO core.showtime_seat (showtime_id, seat_id)
    SELECT NEW.showtime_id, s.seat_id
      FROM core.seat s JOIN core.seat_kind k USING (kind)
     WHERE s.auditorium_id = NEW.auditorium_id AND k.sellable;
    UPDATE core.showtime SET seats_total = (SELECT count(*) FROM core.showtime_seat
                                             WHERE showtime_id = NEW.showtime_id)
     WHERE showtime_id = NEW.showtime_id;
    RETURN NULL;
END $$;
CREATE TRIGGER showtime_fill AFTER INSERT ON core.showtime
    FOR EACH ROW EXECUTE FUNCTION core.showtime_fill_seats();

-- Snowflake order ids: 41 bits of milliseconds since 2024-01-01 UTC, 10 bits
-- of node (p_node, else the node_id setting), 12 bits of sequence.
CREATE SEQUENCE core.order_seq CYCLE MAXVALUE 4095 MINVALUE 0 START 0;
CREATE FUNCTION core.next_order_id(p_node int DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN ((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - 1704067200000) << 22)
         | ((coalesce(p_node, core.setting_int('node_id', 1))::bigint & 1023) << 12)
         | nextval('core.order_seq');
END $$;

-- Crockford base32 with its mod-37 check symbol.
CREATE FUNCTION core.crockford(p_value bigint, p_digits int) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U';
    v bigint := p_value;
    out text := '';
BEGIN
    FOR i IN 1..p_digits LOOP
        out := substr(alphabet, (v & 31)::int + 1, 1) || out;
        v := v >> 5;
    END LOOP;
    RETURN out || substr(alphabet, (p_value % 37)::int + 1, 1);
END $$;

-- A new booking code: 40 random bits as 8 symbols plus a check symbol.
CREATE FUNCTION core.new_booking_code() RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN core.crockford(('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 10))::bit(40)::bigint, 8);
END $$;

-- Normalise what a person typed (lower case, I/L for 1, O for 0, dashes,
-- spaces) and check the check symbol. NULL when it is not a valid code.
CREATE FUNCTION core.parse_booking_code(p_text text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U';
    t text := translate(upper(coalesce(p_text, '')), 'ILO- ', '110');
    v bigint := 0;
    p int;
BEGIN
    IF length(t) <> 9 THEN RETURN NULL; END IF;
    FOR i IN 1..8 LOOP
        p := strpos(substr(alphabet, 1, 32), substr(t, i, 1));
        IF p = 0 THEN RETURN NULL; END IF;
        v := (v << 5) | (p - 1);
    END LOOP;
    IF strpos(alphabet, substr(t, 9, 1)) - 1 <> v % 37 THEN RETURN NULL; END IF;
    RETURN t;
END $$;

-- Price of one seat of a showtime for a ticket type: plan price + seat surcharge.
CREATE FUNCTION core.seat_price(p_showtime_id bigint, p_seat_id bigint, p_type text)
RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT p.amount_cents + k.surcharge_cents
      FROM core.showtime st
      JOIN core.price p ON p.price_plan_id = st.price_plan_id AND p.type_code = p_type
      JOIN core.seat s ON s.seat_id = p_seat_id
      JOIN core.seat_kind k ON k.kind = s.kind
     WHERE st.showtime_id = p_showtime_id
$$;
