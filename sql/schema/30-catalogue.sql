-- 30-catalogue.sql - what is on: films (core.movie), their price lists
-- (core.ticket_type, core.price_plan, core.price: the rules that price a
-- seat are in 40-pricing.sql) and showtimes (core.showtime). The listing
-- and the search, which count free seats, are in 55-listing.sql.

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
-- The companion of a wheelchair user, on the companion seat beside their
-- place (core.type_refusal): each cinema prices it in its plans (often 0).
INSERT INTO core.ticket_type (type_code, name, sort) VALUES ('companion', 'Companion', 90);

-- adult_cents is the plan's adult price in core.price, kept by the
-- triggers of 40-pricing.sql (NULL when the plan has none), so that a hold
-- reads it from the plan row it reads anyway: 125 000 instructions a hold
-- less than core.plan_adult_cents there (make bench-count).
CREATE TABLE core.price_plan (
    price_plan_id bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    currency      char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    adult_cents   bigint
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
