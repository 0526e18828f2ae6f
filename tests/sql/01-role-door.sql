-- 01-role-door.sql - what a door scanner (marquee_door) may run: admitting a
-- ticket and reading the public ticket keys, nothing else.
BEGIN;
\set day 413
\ir fixture.psql
SELECT plan(3);

-- Exactly these api functions, by name and argument types: a new function
-- fails here until it is listed (after 99-privileges.sql decides it).
SELECT set_eq('SELECT * FROM pg_temp.may_run(''marquee_door'')',
    ARRAY['api.admit(bigint,bigint,integer,bigint,text,uuid)',
          'api.ticket_keys()'],
    'a door scanner may EXECUTE exactly these: admitting, and the ticket keys it checks signatures with');

-- Acted out as the demo device. pgTAP itself is out of a device's reach, so
-- each attempt's SQLSTATE is kept in a psql variable and checked after.
SET LOCAL ROLE door1;
SELECT pg_temp.attempt(format('SELECT * FROM api.seat_map(%s)', :st)) AS map,
       pg_temp.attempt('SELECT * FROM api.order_tickets(''x'', ''ABCD-EFGH'')') AS tickets,
       pg_temp.attempt('SELECT * FROM api.print_claim(''x'', ''ABCD-EFGH'')') AS claim,
       pg_temp.attempt('SELECT * FROM api.sign_in_salt(''x'')') AS salt,
       current_user AS who \gset door_
RESET ROLE;
SELECT is(:'door_who'::text, 'door1', 'the attempts above ran as door1');
SELECT is(:'door_map' || '|' || :'door_tickets' || '|' || :'door_claim' || '|' || :'door_salt',
          '42501|42501|42501|42501', 'a door scanner cannot read seats or tickets, print, or sign in');

SELECT * FROM finish();
ROLLBACK;
