-- 99-privileges.sql - applied last: who may run which function. Every api
-- function is decided here by name (all its argument lists alike): the kinds
-- of terminal that may EXECUTE it. A function not listed is run by its owner
-- alone, and tests/sql/00-roles.sql fails until it is decided. PostgreSQL
-- gives PUBLIC EXECUTE on every new function; that grant is taken back
-- first. A migration that makes or replaces a function ends with the same
-- two steps for its functions.

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core, api, notifier FROM PUBLIC;

DO $$
DECLARE
    d record;
    f regprocedure;
    n int;
BEGIN
    FOR d IN SELECT * FROM (VALUES
        -- Sign-in, sessions, accounts. The device's kind decides which
        -- accounts may sign in there (core.device_kind).
        ('sign_in_salt',          '{kiosk,counter}'),
        ('sign_in',               '{kiosk,counter}'),
        ('sign_in_guest',         '{kiosk}'),
        ('sign_out',              '{kiosk,counter}'),
        ('session_whoami',        '{kiosk,counter}'),
        ('change_password',       '{kiosk,counter}'),
        ('customer_register',     '{kiosk}'),
        ('admin_password_reset',  '{counter}'),
        ('admin_unlock',          '{counter}'),
        -- What is on, and the seats.
        ('listing',               '{kiosk,counter}'),
        ('listing_filtered',      '{kiosk,counter}'),
        ('seats_left',            '{kiosk,counter}'),
        ('search',                '{kiosk,counter}'),
        ('locations',             '{kiosk,counter}'),
        ('ticket_types',          '{kiosk,counter}'),
        ('seat_map',              '{kiosk,counter}'),
        ('seat_layout',           '{kiosk,counter}'),
        ('seat_changes',          '{kiosk,counter}'),
        ('seat_relay',            '{kiosk,counter}'),
        ('seat_relay_stop',       '{kiosk,counter}'),
        -- Selling, for the session's own orders (staff: any order).
        ('select_seat',           '{kiosk,counter}'),
        ('select_accessible',     '{kiosk,counter}'),
        ('set_ticket_types',      '{kiosk,counter}'),
        ('payment_start',         '{kiosk,counter}'),
        ('payment',               '{kiosk,counter}'),
        ('cancel',                '{kiosk,counter}'),
        ('order_status',          '{kiosk,counter}'),
        ('order_lines',           '{kiosk,counter}'),
        ('my_bookings',           '{kiosk}'),
        ('email_receipt',         '{kiosk,counter}'),
        ('training',              '{kiosk,counter}'),
        -- Tickets: printed by kiosks and counters, admitted at the door.
        ('order_tickets',         '{kiosk,counter}'),
        ('order_payments',        '{kiosk,counter}'),
        ('print_claim',           '{kiosk,counter}'),
        ('print_release',         '{kiosk,counter}'),
        ('reprint',               '{kiosk,counter}'),
        ('admit',                 '{door}'),
        ('ticket_key_register',   '{kiosk,counter}'),
        ('ticket_keys',           '{counter,door}'),
        -- After the sale: staff find any booking; a customer cancels (refunds)
        -- their own at a kiosk, to the card that paid.
        ('find_booking',          '{kiosk,counter}'),
        ('refund',                '{kiosk,counter}'),
        ('refund_card_done',      '{kiosk,counter}'),
        ('refund_cards_owed',     '{kiosk,counter}'),
        ('booking_tickets',       '{counter}'),
        ('booking_history',       '{counter}'),
        ('booking_note',          '{counter}'),
        ('exchange',              '{counter}'),
        ('exchange_shows',        '{counter}'),
        -- The back office: staff sessions of the right role, at a counter.
        ('admin_movie_save',      '{counter}'),
        ('admin_showtime_add',    '{counter}'),
        ('admin_showtime_cancel', '{counter}'),
        ('admin_price_set',       '{counter}'),
        ('admin_prices',          '{counter}'),
        ('admin_halls',           '{counter}'),
        ('sales_report',          '{counter}'),
        -- The back office (96-back-office.sql): staff, the audit trail,
        -- seat blocks, reports; the must-change check after sign-in.
        ('sign_in_must_change',   '{counter}'),
        ('staff_add',             '{counter}'),
        ('staff_list',            '{counter}'),
        ('staff_set_active',      '{counter}'),
        ('audit_log',             '{counter}'),
        ('seat_block',            '{counter}'),
        ('seat_unblock',          '{counter}'),
        ('seat_blocks',           '{counter}'),
        ('report_takings',        '{counter}'),
        ('report_hourly',         '{counter}'),
        ('report_occupancy',      '{counter}'),
        ('report_distributor',    '{counter}'),
        ('report_cards',          '{counter}'),
        ('hall_import',           '{counter}'),
        ('hall_layout',           '{counter}'),
        ('hall_list',             '{counter}'),
        -- Cash-up (97-cash-up.sql): the drawer of the session's till.
        ('drawer_open',           '{counter}'),
        ('drawer_move',           '{counter}'),
        ('drawer_report',         '{counter}'),
        ('drawer_close',          '{counter}'),
        ('day_close',             '{counter}'),
        -- The sweeper runs in marquee notify (notifier.expire_holds).
        ('expire_holds',          '{}')
    ) AS t(name, kinds) LOOP
        n := 0;
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                  WHERE p.pronamespace = 'api'::regnamespace AND p.proname = d.name LOOP
            EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM marquee_kiosk, marquee_counter, marquee_door', f);
            IF cardinality(d.kinds::text[]) > 0 THEN
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f,
                               (SELECT string_agg(quote_ident('marquee_' || k), ', ') FROM unnest(d.kinds::text[]) k));
            END IF;
            n := n + 1;
        END LOOP;
        IF n = 0 THEN
            RAISE EXCEPTION '99-privileges.sql decides api.% but there is no such function', d.name;
        END IF;
    END LOOP;
END $$;
