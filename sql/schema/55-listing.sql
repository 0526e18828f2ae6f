-- 55-listing.sql - what the screens show of the catalogue: the listing
-- (with free seats and the adult price), the search, the listing narrowed by
-- what is typed, the cinemas, and the seats left of chosen showtimes (what
-- an open listing asks when it hears that seats changed).

-- The seats of a showtime of p_seats_total places that are free now: those
-- whose seat row is not taken (core.seat_free). One row; a set-returning
-- function so that the planner inlines it where it is joined (LATERAL).
CREATE FUNCTION core.seats_left(p_showtime_id bigint, p_seats_total int) RETURNS TABLE (seats_left int)
LANGUAGE sql STABLE AS $$
    SELECT p_seats_total - count(*)::int FROM core.showtime_seat ss
     WHERE ss.showtime_id = p_showtime_id AND NOT core.seat_free(ss.state, ss.held_until)
$$;

CREATE FUNCTION api.listing(p_from timestamptz DEFAULT NULL, p_days int DEFAULT 14,
                            p_location_id bigint DEFAULT NULL)
RETURNS TABLE (showtime_id bigint, movie_id bigint, title text, starts_at timestamptz,
               location text, auditorium text, seats_total int, seats_available int,
               ends_at timestamptz, runtime_min int, rating text, location_id bigint,
               auditorium_id bigint, price_cents bigint, currency text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT st.showtime_id, m.movie_id, m.title, st.starts_at, l.name, a.name,
           st.seats_total,
           sl.seats_left,
           st.starts_at + make_interval(mins => m.runtime_min), m.runtime_min, m.rating,
           l.location_id, a.auditorium_id,
           pp.adult_cents,
           pp.currency::text
      FROM core.showtime st
      JOIN core.movie m USING (movie_id)
      JOIN core.auditorium a USING (auditorium_id)
      JOIN core.location l ON l.location_id = a.location_id
      JOIN core.price_plan pp ON pp.price_plan_id = st.price_plan_id
      CROSS JOIN LATERAL core.seats_left(st.showtime_id, st.seats_total) sl
     WHERE NOT st.cancelled
       AND st.starts_at >= coalesce(p_from, statement_timestamp() - interval '20 minutes')
       AND st.starts_at < coalesce(p_from, statement_timestamp()) + make_interval(days => greatest(p_days, 1))
       AND (p_location_id IS NULL OR l.location_id = p_location_id)
     ORDER BY st.starts_at, l.name, a.name
$$;

-- Films matching any text a person may type: words (stemmed), prefixes of
-- words (search as you type), or a plain substring of the title. Never an
-- error, whatever the text. Filters: a day, a cinema, a time of day
-- (morning < 12:00 <= afternoon < 17:00 <= evening < 21:00 <= night), in the
-- cinema's own time zone; with a filter only films with such a showtime.
CREATE FUNCTION api.search(query text, p_day date DEFAULT NULL, p_location_id bigint DEFAULT NULL,
                           p_time_of_day text DEFAULT NULL)
RETURNS TABLE (movie_id bigint, title text, rank real, synopsis text, runtime_min int,
               rating text, genre text, next_showtime timestamptz, showtimes int)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp
    SET client_min_messages = warning AS $$
#variable_conflict use_column
DECLARE
    q text := left(coalesce(query, ''), 200);
    words tsquery;
    prefix tsquery;
    filtered boolean := p_day IS NOT NULL OR p_location_id IS NOT NULL OR p_time_of_day IS NOT NULL;
BEGIN
    words := websearch_to_tsquery('english', q);
    SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' & '))
      INTO prefix
      FROM regexp_split_to_table(lower(q), '[^[:alnum:]]+') AS w
     WHERE w <> '';
    RETURN QUERY
    WITH shows AS (
        SELECT st.movie_id, min(st.starts_at) AS next_at, count(*)::int AS n
          FROM core.showtime st
          JOIN core.auditorium a USING (auditorium_id)
          JOIN core.location l ON l.location_id = a.location_id
         WHERE NOT st.cancelled AND st.starts_at >= statement_timestamp() - interval '20 minutes'
           AND (p_location_id IS NULL OR l.location_id = p_location_id)
           AND (p_day IS NULL OR (st.starts_at AT TIME ZONE l.timezone)::date = p_day)
           AND (p_time_of_day IS NULL OR
                CASE WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 12 THEN 'morning'
                     WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 17 THEN 'afternoon'
                     WHEN extract(hour FROM st.starts_at AT TIME ZONE l.timezone) < 21 THEN 'evening'
                     ELSE 'night' END = lower(p_time_of_day))
         GROUP BY st.movie_id
    )
    SELECT m.movie_id, m.title,
           (CASE WHEN q = '' THEN 0 ELSE ts_rank(m.search, words) + ts_rank(m.search, coalesce(prefix, words)) END
            + CASE WHEN strpos(lower(m.title), lower(q)) > 0 AND q <> '' THEN 1 ELSE 0 END)::real AS rank,
           m.synopsis, m.runtime_min, m.rating, m.genre, s.next_at, coalesce(s.n, 0)
      FROM core.movie m
      LEFT JOIN shows s USING (movie_id)
     WHERE (NOT filtered OR s.movie_id IS NOT NULL)
       AND (btrim(q) = ''
            OR m.search @@ words
            OR (prefix IS NOT NULL AND m.search @@ prefix)
            OR strpos(lower(m.title), lower(q)) > 0)
     ORDER BY 3 DESC, s.next_at NULLS LAST, m.title;
END $$;

-- The listing, narrowed by what is typed (words, prefixes, parts of titles:
-- api.search; "#123" is showtime 123), a cinema, a time of day (morning | afternoon | evening |
-- night, in the cinema's time zone) and a day.
CREATE FUNCTION api.listing_filtered(query text DEFAULT '', p_location_id bigint DEFAULT NULL,
                                     p_time_of_day text DEFAULT NULL, p_day date DEFAULT NULL,
                                     p_days int DEFAULT 14)
RETURNS TABLE (showtime_id bigint, movie_id bigint, title text, starts_at timestamptz,
               location text, auditorium text, seats_total int, seats_available int,
               rating text, runtime_min int, price_cents bigint, currency text,
               location_id bigint, time_of_day text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT l.showtime_id, l.movie_id, l.title, l.starts_at, l.location, l.auditorium,
           l.seats_total, l.seats_available, l.rating, l.runtime_min, l.price_cents, l.currency,
           l.location_id, tod.t
      FROM api.listing(NULL, p_days, p_location_id) l
      JOIN core.location loc ON loc.location_id = l.location_id
      CROSS JOIN LATERAL (SELECT CASE
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 12 THEN 'morning'
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 17 THEN 'afternoon'
                   WHEN extract(hour FROM l.starts_at AT TIME ZONE loc.timezone) < 21 THEN 'evening'
                   ELSE 'night' END AS t) tod
     WHERE (coalesce(btrim(query), '') = ''
            OR (btrim(query) ~ '^#[0-9]{1,18}$' AND l.showtime_id = substr(btrim(query), 2)::bigint)
            OR (btrim(query) !~ '^#' AND l.movie_id IN (SELECT s.movie_id FROM api.search(query) s)))
       AND (p_time_of_day IS NULL OR p_time_of_day = '' OR tod.t = lower(p_time_of_day))
       AND (p_day IS NULL OR (l.starts_at AT TIME ZONE loc.timezone)::date = p_day)
     ORDER BY l.starts_at, l.location, l.auditorium
$$;

-- The cinemas, for picking one.
CREATE FUNCTION api.locations()
RETURNS TABLE (location_id bigint, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT location_id, name FROM core.location ORDER BY name
$$;

-- The seats left of the showtimes given (at most 200; NULL or none: no
-- rows; more: an error, SQLSTATE 22023), counted as api.listing counts them,
-- with each showtime's seat version (core.seat_version_of) in the same
-- snapshot: the count is exact as of that version. A listing that heard of
-- a seat change asks for the showtimes it names rather than for itself
-- whole. Showtimes that do not exist are left out.
CREATE FUNCTION api.seats_left(showtime_ids bigint[])
RETURNS TABLE (showtime_id bigint, seats_available int, version bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
BEGIN
    IF cardinality(showtime_ids) > 200 THEN
        RAISE EXCEPTION 'api.seats_left: at most 200 showtimes at once, not %', cardinality(showtime_ids)
            USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT st.showtime_id, sl.seats_left, core.seat_version_of(st.showtime_id)
      FROM core.showtime st
      CROSS JOIN LATERAL core.seats_left(st.showtime_id, st.seats_total) sl
     WHERE st.showtime_id = ANY (showtime_ids);
END $$;
