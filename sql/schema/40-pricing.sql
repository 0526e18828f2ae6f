-- 40-pricing.sql - what a seat costs: core.seat_price (plan price plus the
-- seat's surcharge), the ticket types on sale for a showtime, and the
-- triggers that keep core.price_plan.adult_cents, the price a hold starts at.

-- A plan's adult price in core.price, or NULL.
CREATE FUNCTION core.plan_adult_cents(p_plan bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT p.amount_cents FROM core.price p WHERE p.price_plan_id = p_plan AND p.type_code = 'adult'
$$;

-- Sets a plan row's adult_cents from core.price as it is written.
CREATE FUNCTION core.price_plan_adult() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.adult_cents := core.plan_adult_cents(NEW.price_plan_id);
    RETURN NEW;
END $$;

CREATE TRIGGER price_plan_adult BEFORE INSERT OR UPDATE ON core.price_plan
    FOR EACH ROW EXECUTE FUNCTION core.price_plan_adult();

-- After any change to core.price, writes again the plans whose adult price
-- changed (price_plan_adult then sets it).
CREATE FUNCTION core.price_adult_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core.price_plan pp SET adult_cents = NULL   -- set again by price_plan_adult
     WHERE pp.adult_cents IS DISTINCT FROM core.plan_adult_cents(pp.price_plan_id);
    RETURN NULL;
END $$;

CREATE TRIGGER price_adult_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON core.price
    FOR EACH STATEMENT EXECUTE FUNCTION core.price_adult_changed();

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

-- Ticket types on sale for a showtime and their base price (a premium seat
-- adds its surcharge: seat_surcharges).
CREATE FUNCTION api.ticket_types(showtime_id bigint)
RETURNS TABLE (type_code text, name text, price_cents bigint, currency text, sort int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT t.type_code, t.name, p.amount_cents, pp.currency::text, t.sort
      FROM core.showtime st
      JOIN core.price_plan pp USING (price_plan_id)
      JOIN core.price p ON p.price_plan_id = st.price_plan_id
      JOIN core.ticket_type t ON t.type_code = p.type_code
     WHERE st.showtime_id = $1
     ORDER BY t.sort, t.type_code
$$;
