-- 84-ticket-keys.sql - the public keys that sign tickets: one key pair per
-- printing device, registered by the device's own database login
-- (`marquee keys init`), revoked by the owner (`marquee keys revoke`), and
-- the record of which key signed each issue of a ticket, so the door
-- refuses what a revoked key signed. The secret keys never come here.

-- Every registered key. key_id is the first 8 bytes of the SHA-256 of the
-- 32-byte Ed25519 public key, in hex: the same id the ticket's QR names.
CREATE TABLE core.ticket_key (
    key_id      text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
    public_key  bytea NOT NULL UNIQUE CHECK (length(public_key) = 32),
    device      text NOT NULL,          -- the database login that registered it
    terminal    text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_why text NOT NULL DEFAULT ''
);

-- Which keys signed which issue of a ticket (print_claim records it).
CREATE TABLE core.ticket_key_use (
    ticket_id   bigint NOT NULL REFERENCES core.ticket,
    issue       int NOT NULL,
    key_id      text NOT NULL REFERENCES core.ticket_key,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, issue, key_id)
);

-- The key id of a public key: hex of the first 8 bytes of its SHA-256.
CREATE FUNCTION core.ticket_key_id(p_public_key bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT encode(substr(sha256(p_public_key), 1, 8), 'hex')
$$;

-- True when the login of this connection is (a member of) the owner of
-- the schema: the owner is no device and may write every table anyway.
CREATE FUNCTION core.caller_is_owner() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(session_user, n.nspowner, 'MEMBER')
      FROM pg_namespace n WHERE n.nspname = 'core'
$$;

-- Why this connection may not sign tickets with key p_key_id, in words, or
-- NULL when it may: the key must be registered by this same database login
-- and not revoked. The owner may name any live key, or none.
CREATE FUNCTION core.ticket_key_refusal(p_key_id text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_key_id IS NULL THEN
            CASE WHEN core.caller_is_owner() THEN NULL
                 ELSE 'this terminal must name its ticket key (marquee keys init)' END
        WHEN k.key_id IS NULL THEN 'ticket key ' || p_key_id || ' is not registered (marquee keys register)'
        WHEN k.revoked_at IS NOT NULL THEN 'ticket key ' || p_key_id || ' was revoked: make a new one (marquee keys init --force)'
        WHEN k.device <> session_user AND NOT core.caller_is_owner() THEN
            'ticket key ' || p_key_id || ' belongs to another device'
    END
      FROM (SELECT 1) one
      LEFT JOIN core.ticket_key k ON k.key_id = p_key_id
$$;

-- Records that key p_key_id signs the current issue of every sold ticket
-- of an order (nothing when the key is NULL).
CREATE FUNCTION core.ticket_key_record(p_order_id bigint, p_key_id text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO core.ticket_key_use (ticket_id, issue, key_id)
    SELECT t.ticket_id, t.issue, p_key_id
      FROM core.ticket t
     WHERE t.order_id = p_order_id AND t.state = 'sold' AND p_key_id IS NOT NULL
    ON CONFLICT DO NOTHING
$$;

-- When the first revoked key that signed issue p_issue of a ticket was
-- revoked, or NULL when no revoked key signed it.
CREATE FUNCTION core.ticket_issue_revoked(p_ticket_id bigint, p_issue int) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT min(k.revoked_at)
      FROM core.ticket_key_use u
      JOIN core.ticket_key k ON k.key_id = u.key_id
     WHERE u.ticket_id = p_ticket_id AND u.issue = p_issue AND k.revoked_at IS NOT NULL
$$;

CREATE TYPE api.ticket_key_register_result AS (
    register_status text,    -- registered | malformed | taken | revoked | limit_reached
    key_id          text,
    message         text
);

-- Registers this device's ticket public key (64 hex digits) under the
-- database login of the connection. Registering the same key again from
-- the same login answers registered again; a new key does not revoke an
-- older one. A key another login registered, or one revoked, is refused,
-- and a device login registers at most ticket_keys_per_day (5) keys a day.
CREATE FUNCTION api.ticket_key_register(public_key text, terminal text, request_id uuid DEFAULT NULL)
RETURNS api.ticket_key_register_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = core, pg_temp AS $$
#variable_conflict use_column
DECLARE
    res api.ticket_key_register_result;
    pk bytea;
    k core.ticket_key;
BEGIN
    res := core.replay_as(request_id, 'ticket_key_register', res);
    IF res.register_status IS NOT NULL THEN RETURN res; END IF;
    IF ticket_key_register.public_key ~ '^[0-9a-fA-F]{64}$' THEN
        pk := decode(ticket_key_register.public_key, 'hex');
        res.key_id := core.ticket_key_id(pk);
    END IF;
    SELECT * INTO k FROM core.ticket_key x WHERE x.key_id = res.key_id;
    IF pk IS NULL THEN
        res.register_status := 'malformed';
        res.message := 'a public key is 64 hex digits';
    ELSIF k.key_id IS NOT NULL AND k.public_key <> pk THEN
        res.register_status := 'taken';
        res.message := 'another key has the same key id: make a new key pair';
    ELSIF k.key_id IS NOT NULL AND k.device <> session_user THEN
        res.register_status := 'taken';
        res.message := 'this key is registered to another device';
    ELSIF k.revoked_at IS NOT NULL THEN
        res.register_status := 'revoked';
        res.message := 'this key was revoked: make a new key pair (marquee keys init --force)';
    ELSIF k.key_id IS NOT NULL THEN
        res.register_status := 'registered';
        res.message := 'this key was already registered for this device';
    ELSIF NOT core.caller_is_owner() AND
          (SELECT count(*) FROM core.ticket_key x WHERE x.device = session_user
              AND x.created_at > now() - interval '1 day')
          >= core.setting_int('ticket_keys_per_day', 5) THEN
        res.register_status := 'limit_reached';
        res.message := 'this device registered too many ticket keys today';
    ELSE
        INSERT INTO core.ticket_key (key_id, public_key, device, terminal)
        VALUES (res.key_id, pk, session_user, left(coalesce(ticket_key_register.terminal, ''), 100));
        res.register_status := 'registered';
        res.message := 'tickets this device signs with this key now open the door';
    END IF;
    PERFORM core.remember(request_id, 'ticket_key_register', to_jsonb(res));
    RETURN res;
END $$;

-- Every registered key and whether it is revoked: what a door scanner
-- needs to check signatures (public keys only; nothing here is secret).
CREATE FUNCTION api.ticket_keys()
RETURNS TABLE (key_id text, public_key text, created_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = core, pg_temp AS $$
    SELECT k.key_id, encode(k.public_key, 'hex'), k.created_at, k.revoked_at
      FROM core.ticket_key k
     ORDER BY k.created_at, k.key_id
$$;

-- Every key with the device that registered it, for the owner
-- (`marquee keys list`).
CREATE FUNCTION core.ticket_key_list()
RETURNS TABLE (key_id text, device text, terminal text, created_at timestamptz,
               revoked_at timestamptz, revoked_why text)
LANGUAGE sql STABLE AS $$
    SELECT k.key_id, k.device, k.terminal, k.created_at, k.revoked_at, k.revoked_why
      FROM core.ticket_key k
     ORDER BY k.created_at, k.key_id
$$;

-- Revokes a key, for the owner alone (`marquee keys revoke`): from now on
-- door scanners refuse what it signed and no terminal prints with it.
-- Returns revoked, already_revoked or unknown_key.
CREATE FUNCTION core.ticket_key_revoke(p_key_id text, p_why text DEFAULT '') RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k core.ticket_key;
BEGIN
    SELECT * INTO k FROM core.ticket_key WHERE key_id = lower(p_key_id) FOR UPDATE;
    IF k.key_id IS NULL THEN
        RETURN 'unknown_key';
    ELSIF k.revoked_at IS NOT NULL THEN
        RETURN 'already_revoked';
    END IF;
    UPDATE core.ticket_key SET revoked_at = now(), revoked_why = left(coalesce(p_why, ''), 200)
     WHERE key_id = k.key_id;
    RETURN 'revoked';
END $$;
