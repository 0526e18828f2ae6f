-- 066_hold_tickets_from_lines.sql - write_hold_tickets writes the lines
-- core.order_lines_of gives a hold, rather than working them out again
-- beside it: one definition of what a hold keeps (its seats whose rows
-- still carry it, adult, at the held price).
--
-- The seat rows are share-locked first, in seat order, by a statement of
-- their own; the insert that follows reads with a new snapshot, so a seat
-- that a select_seat took over while this waited is not written (as in 065).

CREATE OR REPLACE FUNCTION core.write_hold_tickets(p_order core.orders) RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT 1 FROM core.showtime_seat ss
     WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
       AND ss.order_id = p_order.order_id AND ss.state = 'held'
     ORDER BY ss.seat_id FOR SHARE;
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT p_order.order_id, p_order.showtime_id, l.seat_id, l.type_code, l.price_cents, l.state
      FROM core.order_lines_of(p_order.order_id) l
     WHERE l.ticket_id IS NULL;
$$;
