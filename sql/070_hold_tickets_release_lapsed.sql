-- 070_hold_tickets_release_lapsed.sql - the tickets of a hold that ran out
-- are released by whoever writes its seat's next tickets, so that
-- select_seat can take such a seat over as it takes a free one (in 072,
-- which re-creates select_seat once for 070-072).
--
-- A hold that ran out leaves its seat row held, with a past held_until,
-- until the minute's sweep (api.expire_holds) or another sale takes it.
-- Until now select_seat took such a seat by the lock path: the one-seat
-- update refused it, the lock read it again, and a ticket update per seat
-- released the tickets the old hold had written (it had chosen ticket
-- types). Counted with callgrind, that was 1.28 million instructions
-- against 0.85 for a free seat, and in `make bench`'s spread run a third
-- of the calls land on a seat whose 0.6 s hold has run out.
-- * From 072 the one-seat update takes a seat that is available or held by
--   a hold that has run out (statement_timestamp(), the database clock, as
--   everywhere). The update locks the row; if another transaction has just
--   changed it, PostgreSQL reads the new row and checks it again, so a hold
--   taken meanwhile is not taken twice.
-- * From 072 neither path touches the old hold's tickets. A ticket of an
--   order whose hold ran out stays 'held' until that order is swept or
--   refused (core.expire_order releases it), exactly as when nobody takes
--   its seat. The unique live-ticket index still allows one held or sold
--   ticket per seat, so core.write_hold_tickets (here), which writes the
--   next tickets of the seat, first releases the held tickets of other
--   orders on the seats whose rows carry its own order (under the share
--   lock it already takes). Those orders no longer hold the seats: their
--   tickets could not be paid (payment reads the seat rows) and are dead.
--   Until 072 select_seat still releases them itself, and this finds none.

CREATE OR REPLACE FUNCTION core.write_hold_tickets(p_order core.orders) RETURNS void
LANGUAGE sql VOLATILE AS $$
    SELECT 1 FROM core.showtime_seat ss
     WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
       AND ss.order_id = p_order.order_id AND ss.state = 'held'
     ORDER BY ss.seat_id FOR SHARE;
    -- Held tickets of an earlier hold on these seats, whose rows carry this
    -- order now: dead, and in the way of the unique live-ticket index. One
    -- probe of that index a seat (OFFSET 0 keeps it so), so the showtime's
    -- other live tickets and the seat's past ones are not read.
    UPDATE core.ticket t SET state = 'released'
     WHERE t.ticket_id IN (
           SELECT x.ticket_id
             FROM core.showtime_seat ss
            CROSS JOIN LATERAL (SELECT o.ticket_id FROM core.ticket o
                                 WHERE o.showtime_id = ss.showtime_id AND o.seat_id = ss.seat_id
                                   AND (CASE WHEN o.state IN ('held', 'sold') THEN 0 ELSE o.ticket_id END) = 0
                                   AND o.state = 'held' AND o.order_id <> p_order.order_id
                                OFFSET 0) x
            WHERE ss.showtime_id = p_order.showtime_id AND ss.seat_id = ANY (p_order.hold_seats)
              AND ss.order_id = p_order.order_id AND ss.state = 'held');
    INSERT INTO core.ticket (order_id, showtime_id, seat_id, type_code, price_cents, state)
    SELECT p_order.order_id, p_order.showtime_id, l.seat_id, l.type_code, l.price_cents, l.state
      FROM core.order_lines_of(p_order.order_id) l
     WHERE l.ticket_id IS NULL;
$$;
