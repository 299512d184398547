-- Least privilege on partman's own objects: PUBLIC reads partman.part_config
-- and partman.maintenance_log, may UPDATE only the settings columns of
-- part_config (and the guard trigger lets only a parent's owner change its
-- row), and may not call partman's trigger functions.  Rows are added and
-- removed, and maintenance's outcome recorded, only by partman's functions.
-- (15_security: what a role that does not own a set may do through the API.)
SET client_min_messages = warning;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = 'ISO, YMD';

CREATE ROLE regress_priv_owner;
CREATE ROLE regress_priv_other;
CREATE SCHEMA priv_own AUTHORIZATION regress_priv_owner;
CREATE SCHEMA priv_other AUTHORIZATION regress_priv_other;
GRANT USAGE ON SCHEMA priv_own TO regress_priv_other;

-------------------------------------------------------------------------------
-- 1. The grants, as any role has them through PUBLIC
-------------------------------------------------------------------------------
SELECT privilege,
       has_table_privilege('regress_priv_other', 'partman.part_config', privilege) AS part_config,
       has_table_privilege('regress_priv_other', 'partman.maintenance_log', privilege) AS maintenance_log
  FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) privilege;
-- UPDATE: the settings, not the set's identity nor maintenance's own columns
SELECT attname, has_column_privilege('regress_priv_other', 'partman.part_config', attname, 'UPDATE') AS may_update
  FROM pg_attribute
 WHERE attrelid = 'partman.part_config'::regclass AND attnum > 0 AND NOT attisdropped
 ORDER BY attnum;
-- partman's internal functions (named _...) and trigger functions: none is
-- PUBLIC's
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns,
       has_function_privilege('regress_priv_other', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'partman'
 WHERE p.proname LIKE '\_%' OR p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)
 ORDER BY 1::text;

-------------------------------------------------------------------------------
-- 2. Two roles, a set each: neither may write the other's row, by any
-- statement, nor insert or delete rows, nor write maintenance's columns
-------------------------------------------------------------------------------
SET ROLE regress_priv_owner;
CREATE TABLE priv_own.mine (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('priv_own.mine', '1 day', premake => 1, start_partition => '2024-06-14');
SET ROLE regress_priv_other;
CREATE TABLE priv_other.theirs (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
SELECT partman.create_parent('priv_other.theirs', '1 day', premake => 1, start_partition => '2024-06-14');
CREATE TABLE priv_other.more (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
RESET ROLE;

CREATE TEMP TABLE config_before AS SELECT * FROM partman.part_config;
GRANT SELECT ON config_before TO PUBLIC;

SET ROLE regress_priv_other;
-- the owner's row
UPDATE partman.part_config SET premake = 9 WHERE parent = 'priv_own.mine'::regclass;
UPDATE partman.part_config SET maintenance_enabled = false WHERE parent = 'priv_own.mine'::regclass;
UPDATE partman.part_config SET last_error = 'forged' WHERE parent = 'priv_own.mine'::regclass;
DELETE FROM partman.part_config WHERE parent = 'priv_own.mine'::regclass;
-- its own row: no delete, no identity change, no forged outcome
UPDATE partman.part_config SET parent = 'priv_other.more'::regclass WHERE parent = 'priv_other.theirs'::regclass;
UPDATE partman.part_config SET last_error = NULL, last_maintenance = now() WHERE parent = 'priv_other.theirs'::regclass;
DELETE FROM partman.part_config WHERE parent = 'priv_other.theirs'::regclass;
INSERT INTO partman.part_config (parent, strategy, key, "interval") VALUES ('priv_other.more', 'range', 'ts', '1 day');
TRUNCATE partman.part_config;
INSERT INTO partman.maintenance_log (action, outcome) VALUES ('drop', 'done');
DELETE FROM partman.maintenance_log;
-- the trigger functions
SELECT partman._config_guard();
SELECT partman._forget_dropped();
RESET ROLE;
SELECT count(*) AS config_rows_changed FROM (
  (SELECT * FROM partman.part_config EXCEPT SELECT * FROM config_before)
  UNION ALL
  (SELECT * FROM config_before EXCEPT SELECT * FROM partman.part_config)) d;

-------------------------------------------------------------------------------
-- 3. What an owner still does: set_config and UPDATE of its own settings
-- (the guard trigger fires for it, though it may not call the function),
-- maintenance recording its outcome, undo_parent, and DROP TABLE forgetting
-- the set (the event trigger fires for it too)
-------------------------------------------------------------------------------
SET ROLE regress_priv_other;
SELECT partman.set_config('priv_other.theirs', 'premake', '2');
UPDATE partman.part_config SET premake = 3 WHERE parent = 'priv_other.theirs'::regclass;
UPDATE partman.part_config SET premake = -1 WHERE parent = 'priv_other.theirs'::regclass;
CALL partman.run_maintenance('priv_other.theirs');
SELECT parent, premake, last_maintenance, last_error FROM partman.part_config
 WHERE parent = 'priv_other.theirs'::regclass;
SELECT action, partition, outcome FROM partman.maintenance_log
 WHERE parent = 'priv_other.theirs'::regclass ORDER BY id;
SELECT partman.create_parent('priv_other.more', '1 day', premake => 1, start_partition => '2024-06-14');
SELECT partman.undo_parent('priv_other.more');
DROP TABLE priv_other.theirs;
RESET ROLE;
SELECT parent FROM partman.part_config WHERE parent::text LIKE 'priv%' ORDER BY 1;

-------------------------------------------------------------------------------
-- 4. The views: PostgreSQL checks the functions a view calls against the
-- user who reads the view, so the views read API functions (set_health,
-- workers(), pruning_stats()) that PUBLIC may call; without them nobody but a
-- superuser could read partman.sets.  uuid_min/uuid_max are API too; their
-- transition functions are not, and PostgreSQL checks those against the
-- aggregate's owner
-------------------------------------------------------------------------------
SELECT p.oid::regprocedure AS function,
       has_function_privilege('regress_priv_other', p.oid, 'EXECUTE') AS public_may_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'partman'::regnamespace
   AND p.proname IN ('set_health', 'workers', 'pruning_stats', 'uuid_min', 'uuid_max')
 ORDER BY 1::text;
BEGIN;
REVOKE EXECUTE ON FUNCTION partman.set_health(regclass) FROM PUBLIC;
SET LOCAL ROLE regress_priv_owner;
SELECT count(*) FROM partman.sets;
ROLLBACK;
SET ROLE regress_priv_owner;
SELECT parent, status FROM partman.sets WHERE parent::text LIKE 'priv%';
SELECT count(*) >= 0 AS workers_readable FROM partman.workers;
SELECT partman.uuid_min(u) AS uuid_min, partman.uuid_max(u) AS uuid_max
  FROM (VALUES ('018e9197-5d80-7000-8000-000000000002'::uuid),
               ('018e9197-5d80-7000-8000-000000000001'::uuid)) v(u);
SELECT partman._uuid_smaller('018e9197-5d80-7000-8000-000000000002', '018e9197-5d80-7000-8000-000000000001');
RESET ROLE;

-- clean up
DROP SCHEMA priv_own CASCADE;
DROP SCHEMA priv_other CASCADE;
DROP ROLE regress_priv_owner;
DROP ROLE regress_priv_other;
