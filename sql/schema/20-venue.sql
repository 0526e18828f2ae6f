-- 20-venue.sql - the cinemas (core.location), their halls (core.auditorium)
-- and each hall's seats on its grid (core.seat, with core.seat_kind).

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
