-- 069_hold_policy_guard.sql - core.hold_policy is written only through
-- core.setting. A hold reads its one row (067); without it every hold would
-- answer 'unknown_showtime', and a row edited by hand would disagree with
-- core.setting until its next change. So a write that does not come from
-- core.setting's trigger is refused, with a hint at what to change instead.

CREATE FUNCTION core.hold_policy_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Depth 1: this trigger fired for a statement on core.hold_policy
    -- itself, not for core.hold_policy_refresh (depth 2).
    IF pg_trigger_depth() = 1 THEN
        RAISE EXCEPTION 'core.hold_policy is kept by core.setting'
              USING ERRCODE = 'object_not_in_prerequisite_state',
                    HINT = 'Change node_id, hold_minutes or hold_commit in core.setting instead.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER hold_policy_guard BEFORE INSERT OR UPDATE OR DELETE ON core.hold_policy
    FOR EACH ROW EXECUTE FUNCTION core.hold_policy_guard();
CREATE TRIGGER hold_policy_guard_truncate BEFORE TRUNCATE ON core.hold_policy
    FOR EACH STATEMENT EXECUTE FUNCTION core.hold_policy_guard();

REVOKE ALL ON FUNCTION core.hold_policy_guard() FROM PUBLIC;
