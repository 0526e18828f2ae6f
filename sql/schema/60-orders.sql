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

-- The Crockford symbols of every 10-bit value, two bytes each: 2048 bytes
-- ("00", "01", ... "ZZ"). Immutable, so a plan holds it as a constant:
-- reading 10 bits at a time from it is half the expression of 5 at a time.
CREATE FUNCTION core.crockford_pairs() RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(string_agg(substr(a, i / 32 + 1, 1) || substr(a, i % 32 + 1, 1), '' ORDER BY i), 'UTF8')
      FROM generate_series(0, 1023) i, (VALUES ('0123456789ABCDEFGHJKMNPQRSTVWXYZ')) x(a)
$$;

-- What each 10 bits of a 40-bit value add to its check (core.crockford),
-- one byte each: the first 1024 bytes for bits 39..30 (symbols 1 and 2),
-- then bits 29..20, 19..10 and 9..0; byte x of part g is
-- gf32_mul(x >> 5, a^(2g+1)) # gf32_mul(x & 31, a^(2g+2)). Written out, not
-- computed: a plan folds it when it is made, and every connection's first
-- hold and every plan remade after an ANALYZE would otherwise compute the
-- 4096 products again (a third of a second). pgTAP 60-orders checks every
-- byte against core.crockford.
CREATE FUNCTION core.crockford_checks() RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT '\x0004080c1014181c05010d0915111d190a0e02061a1e12160f0b07031f1b171302060a0e12161a1e07030f0b17131f1b080c0004181c10140d0905011d191511'
           '04000c0814101c180105090d1115191d0e0a06021e1a16120b0f03071b1f131706020e0a16121e1a03070b0f13171b1f0c0804001c181410090d0105191d1115'
           '080c0004181c10140d0905011d19151102060a0e12161a1e07030f0b17131f1b0a0e02061a1e12160f0b07031f1b17130004080c1014181c05010d0915111d19'
           '0c0804001c181410090d0105191d111506020e0a16121e1a03070b0f13171b1f0e0a06021e1a16120b0f03071b1f131704000c0814101c180105090d1115191d'
           '1014181c0004080c15111d1905010d091a1e12160a0e02061f1b17130f0b070312161a1e02060a0e17131f1b07030f0b181c1014080c00041d1915110d090501'
           '14101c1804000c081115191d0105090d1e1a16120e0a06021b1f13170b0f030716121e1a06020e0a13171b1f03070b0f1c1814100c080400191d1115090d0105'
           '181c1014080c00041d1915110d09050112161a1e02060a0e17131f1b07030f0b1a1e12160a0e02061f1b17130f0b07031014181c0004080c15111d1905010d09'
           '1c1814100c080400191d1115090d010516121e1a06020e0a13171b1f03070b0f1e1a16120e0a06021b1f13170b0f030714101c1804000c081115191d0105090d'
           '05010d0915111d190004080c1014181c0f0b07031f1b17130a0e02061a1e121607030f0b17131f1b02060a0e12161a1e0d0905011d191511080c0004181c1014'
           '0105090d1115191d04000c0814101c180b0f03071b1f13170e0a06021e1a161203070b0f13171b1f06020e0a16121e1a090d0105191d11150c0804001c181410'
           '0d0905011d191511080c0004181c101407030f0b17131f1b02060a0e12161a1e0f0b07031f1b17130a0e02061a1e121605010d0915111d190004080c1014181c'
           '090d0105191d11150c0804001c18141003070b0f13171b1f06020e0a16121e1a0b0f03071b1f13170e0a06021e1a16120105090d1115191d04000c0814101c18'
           '15111d1905010d091014181c0004080c1f1b17130f0b07031a1e12160a0e020617131f1b07030f0b12161a1e02060a0e1d1915110d090501181c1014080c0004'
           '1115191d0105090d14101c1804000c081b1f13170b0f03071e1a16120e0a060213171b1f03070b0f16121e1a06020e0a191d1115090d01051c1814100c080400'
           '1d1915110d090501181c1014080c000417131f1b07030f0b12161a1e02060a0e1f1b17130f0b07031a1e12160a0e020615111d1905010d091014181c0004080c'
           '191d1115090d01051c1814100c08040013171b1f03070b0f16121e1a06020e0a1b1f13170b0f03071e1a16120e0a06021115191d0105090d14101c1804000c08'
           '001005150a1a0f1f140411011e0e1b0b0d1d08180717021219091c0c1303160608180d1d021207171c0c190916061303051500100f1f0a1a110114041b0b1e0e'
           '100015051a0a1f0f041401110e1e0b1b1d0d18081707120209190c1c0313061618081d0d120217070c1c091906160313150510001f0f1a0a011104140b1b0e1e'
           '051500100f1f0a1a110114041b0b1e0e08180d1d021207171c0c1909160613030d1d08180717021219091c0c13031606001005150a1a0f1f140411011e0e1b0b'
           '150510001f0f1a0a011104140b1b0e1e18081d0d120217070c1c0919061603131d0d18081707120209190c1c03130616100015051a0a1f0f041401110e1e0b1b'
           '0a1a0f1f001005151e0e1b0b14041101071702120d1d08181303160619091c0c0212071708180d1d160613031c0c19090f1f0a1a051500101b0b1e0e11011404'
           '1a0a1f0f100015050e1e0b1b04140111170712021d0d18080313061609190c1c1202170718081d0d061603130c1c09191f0f1a0a150510000b1b0e1e01110414'
           '0f1f0a1a051500101b0b1e0e110114040212071708180d1d160613031c0c1909071702120d1d08181303160619091c0c0a1a0f1f001005151e0e1b0b14041101'
           '1f0f1a0a150510000b1b0e1e011104141202170718081d0d061603130c1c0919170712021d0d18080313061609190c1c1a0a1f0f100015050e1e0b1b04140111'
           '140411011e0e1b0b001005150a1a0f1f19091c0c130316060d1d0818071702121c0c19091606130308180d1d02120717110114041b0b1e0e051500100f1f0a1a'
           '041401110e1e0b1b100015051a0a1f0f09190c1c031306161d0d1808170712020c1c09190616031318081d0d12021707011104140b1b0e1e150510001f0f1a0a'
           '110114041b0b1e0e051500100f1f0a1a1c0c19091606130308180d1d0212071719091c0c130316060d1d081807170212140411011e0e1b0b001005150a1a0f1f'
           '011104140b1b0e1e150510001f0f1a0a0c1c09190616031318081d0d1202170709190c1c031306161d0d180817071202041401110e1e0b1b100015051a0a1f0f'
           '1e0e1b0b140411010a1a0f1f001005151303160619091c0c071702120d1d0818160613031c0c19090212071708180d1d1b0b1e0e110114040f1f0a1a05150010'
           '0e1e0b1b041401111a0a1f0f100015050313061609190c1c170712021d0d1808061603130c1c09191202170718081d0d0b1b0e1e011104141f0f1a0a15051000'
           '1b0b1e0e110114040f1f0a1a05150010160613031c0c19090212071708180d1d1303160619091c0c071702120d1d08181e0e1b0b140411010a1a0f1f00100515'
           '0b1b0e1e011104141f0f1a0a15051000061603130c1c09191202170718081d0d0313061609190c1c170712021d0d18080e1e0b1b041401111a0a1f0f10001505'
           '000a141e0d0719131a100e04171d0309111b050f1c1608020b011f15060c1218050f111b08021c161f150b011218060c141e000a19130d070e041a100309171d'
           '0a001e14070d1319101a040e1d1709031b110f05161c0208010b151f0c0618120f051b110208161c151f010b18120c061e140a001319070d040e101a09031d17'
           '141e000a19130d070e041a100309171d050f111b08021c161f150b011218060c111b050f1c1608020b011f15060c1218000a141e0d0719131a100e04171d0309'
           '1e140a001319070d040e101a09031d170f051b110208161c151f010b18120c061b110f05161c0208010b151f0c0618120a001e14070d1319101a040e1d170903'
           '0d071913000a141e171d03091a100e041c160802111b050f060c12180b011f1508021c16050f111b1218060c1f150b0119130d07141e000a0309171d0e041a10'
           '070d13190a001e141d170903101a040e161c02081b110f050c061812010b151f0208161c0f051b1118120c06151f010b1319070d1e140a0009031d17040e101a'
           '19130d07141e000a0309171d0e041a1008021c16050f111b1218060c1f150b011c160802111b050f060c12180b011f150d071913000a141e171d03091a100e04'
           '1319070d1e140a0009031d17040e101a0208161c0f051b1118120c06151f010b161c02081b110f050c061812010b151f070d13190a001e141d170903101a040e'
           '1a100e04171d0309000a141e0d0719130b011f15060c1218111b050f1c1608021f150b011218060c050f111b08021c160e041a100309171d141e000a19130d07'
           '101a040e1d1709030a001e14070d1319010b151f0c0618121b110f05161c0208151f010b18120c060f051b110208161c040e101a09031d171e140a001319070d'
           '0e041a100309171d141e000a19130d071f150b011218060c050f111b08021c160b011f15060c1218111b050f1c1608021a100e04171d0309000a141e0d071913'
           '040e101a09031d171e140a001319070d151f010b18120c060f051b110208161c010b151f0c0618121b110f05161c0208101a040e1d1709030a001e14070d1319'
           '171d03091a100e040d071913000a141e060c12180b011f151c160802111b050f1218060c1f150b0108021c16050f111b0309171d0e041a1019130d07141e000a'
           '1d170903101a040e070d13190a001e140c061812010b151f161c02081b110f0518120c06151f010b0208161c0f051b1109031d17040e101a1319070d1e140a00'
           '0309171d0e041a1019130d07141e000a1218060c1f150b0108021c16050f111b060c12180b011f151c160802111b050f171d03091a100e040d071913000a141e'
           '09031d17040e101a1319070d1e140a0018120c06151f010b0208161c0f051b110c061812010b151f161c02081b110f051d170903101a040e070d13190a001e14'
           '000d1a17111c0b06070a1d10161b0c010e0314191f1205080904131e1815020f14190e0305081f12131e0904020f18151a17000d0b06111c1d10070a0c01161b'
           '0d00171a1c11060b0a07101d1b16010c030e1914121f080504091e1315180f021914030e0805121f1e1304090f021518171a0d00060b1c11101d0a07010c1b16'
           '1a17000d0b06111c1d10070a0c01161b14190e0305081f12131e0904020f18150e0314191f1205080904131e1815020f000d1a17111c0b06070a1d10161b0c01'
           '171a0d00060b1c11101d0a07010c1b161914030e0805121f1e1304090f021518030e1914121f080504091e1315180f020d00171a1c11060b0a07101d1b16010c'
           '111c0b06000d1a17161b0c01070a1d101f1205080e0314191815020f0904131e05081f1214190e03020f1815131e09040b06111c1a17000d0c01161b1d10070a'
           '1c11060b0d00171a1b16010c0a07101d121f0805030e191415180f0204091e130805121f1914030e0f0215181e130409060b1c11171a0d00010c1b16101d0a07'
           '0b06111c1a17000d0c01161b1d10070a05081f1214190e03020f1815131e09041f1205080e0314191815020f0904131e111c0b06000d1a17161b0c01070a1d10'
           '060b1c11171a0d00010c1b16101d0a070805121f1914030e0f0215181e130409121f0805030e191415180f0204091e131c11060b0d00171a1b16010c0a07101d'
           '070a1d10161b0c01000d1a17111c0b060904131e1815020f0e0314191f120508131e0904020f181514190e0305081f121d10070a0c01161b1a17000d0b06111c'
           '0a07101d1b16010c0d00171a1c11060b04091e1315180f02030e1914121f08051e1304090f0215181914030e0805121f101d0a07010c1b16171a0d00060b1c11'
           '1d10070a0c01161b1a17000d0b06111c131e0904020f181514190e0305081f120904131e1815020f0e0314191f120508070a1d10161b0c01000d1a17111c0b06'
           '101d0a07010c1b16171a0d00060b1c111e1304090f0215181914030e0805121f04091e1315180f02030e1914121f08050a07101d1b16010c0d00171a1c11060b'
           '161b0c01070a1d10111c0b06000d1a171815020f0904131e1f1205080e031419020f1815131e090405081f1214190e030c01161b1d10070a0b06111c1a17000d'
           '1b16010c0a07101d1c11060b0d00171a15180f0204091e13121f0805030e19140f0215181e1304090805121f1914030e010c1b16101d0a07060b1c11171a0d00'
           '0c01161b1d10070a0b06111c1a17000d020f1815131e090405081f1214190e031815020f0904131e1f1205080e031419161b0c01070a1d10111c0b06000d1a17'
           '010c1b16101d0a07060b1c11171a0d000f0215181e1304090805121f1914030e15180f0204091e13121f0805030e19141b16010c0a07101d1c11060b0d00171a'::bytea
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
