-- 50-seats.sql - the seats of each showtime (core.showtime_seat: the row a
-- hold locks) with the checks that tie its state to its order and expiry,
-- and the seat map and hall layout a terminal draws.

CREATE DOMAIN core.seat_state AS text CHECK (VALUE IN ('available', 'held', 'sold'));

-- When a seat row is free: available, or held by a hold that has run out
-- (by the database clock, even before a sweeper resets it). The one rule
-- the seat map, the listing and every hold apply. Inlined where it is called.
CREATE FUNCTION core.seat_free(p_state core.seat_state, p_held_until timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_state = 'available' OR (p_state = 'held' AND p_held_until <= statement_timestamp())
$$;

-- What a terminal shows of a seat row: sold, available (core.seat_free) or
-- pending. Inlined.
CREATE FUNCTION core.seat_status(p_state core.seat_state, p_held_until timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_state = 'sold' THEN 'sold'
                WHEN core.seat_free(p_state, p_held_until) THEN 'available'
                ELSE 'pending' END
$$;

-- One row per sellable seat per showtime: the row every hold locks.
-- state: available | held | sold. A held row whose held_until has passed is
-- available to anyone, even before a sweeper resets it. There is no index
-- on state: a hold changes state, and such an index would make every seat
-- update write index entries instead of staying on its page; the listing
-- counts a showtime's taken seats through the primary key.
CREATE TABLE core.showtime_seat (
    showtime_id bigint NOT NULL REFERENCES core.showtime ON DELETE CASCADE,
    seat_id     bigint NOT NULL REFERENCES core.seat,
    state       core.seat_state NOT NULL DEFAULT 'available',
    order_id    bigint,
    held_until  timestamptz,
    -- the showtime's seat version (core.seat_version) of this row's last
    -- change of state or order: api.seat_changes answers from it
    changed     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (showtime_id, seat_id),
    -- available <=> no order; held <=> an expiry (so sold: an order, no expiry)
    CONSTRAINT showtime_seat_order_check CHECK ((state = 'available') = (order_id IS NULL)),
    CONSTRAINT showtime_seat_expiry_check CHECK ((state = 'held') = (held_until IS NOT NULL))
) WITH (fillfactor = 70);

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

-- The seats of a showtime and their state: available, pending (held by a
-- live order) or sold, each row with the showtime's seat version these
-- states are as of (api.seat_changes brings a map on from there). Blocked
-- places are not seats for sale: seat_layout.
-- (plpgsql, so the query is planned once per session: a sql function
-- with SET options cannot be inlined and is planned again on every call.)
CREATE FUNCTION api.seat_map(showtime_id bigint)
RETURNS TABLE (seat text, status text, kind text, row_no int, col_no int, version bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp
    SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v bigint := core.seat_version_of(seat_map.showtime_id);
BEGIN
    RETURN QUERY
    SELECT s.label, core.seat_status(ss.state, ss.held_until), s.kind, s.row_no, s.col_no, v
      FROM core.showtime_seat ss JOIN core.seat s ON s.seat_id = ss.seat_id
     WHERE ss.showtime_id = seat_map.showtime_id
     ORDER BY s.row_no, s.col_no;
END $$;

-- The hall of a showtime, for drawing: its grid size and every place that
-- holds a seat, blocked ones too. Cells not listed are aisles.
CREATE FUNCTION api.seat_layout(showtime_id bigint)
RETURNS TABLE (seat text, kind text, row_no int, col_no int, rows int, cols int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT s.label, s.kind, s.row_no, s.col_no, a.rows, a.cols
      FROM core.showtime st
      JOIN core.auditorium a USING (auditorium_id)
      JOIN core.seat s ON s.auditorium_id = a.auditorium_id
     WHERE st.showtime_id = $1
     ORDER BY s.row_no, s.col_no
$$;
