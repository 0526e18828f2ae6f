-- 071_seat_row_check.sql - the two checks that tie a seat row's state to
-- its order and its expiry are one check, a call of core.seat_row_ok.
--
-- PostgreSQL reads a table's CHECK constraints back from their stored text
-- and prepares them again for every statement that writes the table: for
-- core.showtime_seat's two (fourteen expression nodes, 1 600 characters)
-- 55 000 instructions of every hold, payment and release, counted with
-- callgrind (bench/count.sh). The same rule as one call of a plpgsql
-- function is four nodes to read, and the function's body stays planned in
-- the session: 25 000 instructions less a hold (854 000 -> 829 000 for one
-- seat). The rule is unchanged:
--   available  <=>  no order
--   held       <=>  an expiry
-- (so a sold seat has an order and no expiry). Adding the check reads
-- every seat row once, under the table's lock: 30 ms for the demo's 50 736
-- rows, so about 0.6 s a million (docs/operations.md).

CREATE FUNCTION core.seat_row_ok(p_state core.seat_state, p_order_id bigint, p_held_until timestamptz)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (p_state = 'available') = (p_order_id IS NULL)
       AND (p_state = 'held') = (p_held_until IS NOT NULL);
END $$;

ALTER TABLE core.showtime_seat
    DROP CONSTRAINT showtime_seat_check,
    DROP CONSTRAINT showtime_seat_check1,
    ADD CONSTRAINT showtime_seat_row_check CHECK (core.seat_row_ok(state, order_id, held_until));
