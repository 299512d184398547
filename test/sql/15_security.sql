-- Security: hostile object names, a search_path that shadows pg_catalog,
-- explain_pruning executes nothing, only the owner (or a member of the owner
-- role) manages a set, and no SECURITY DEFINER function lacks a fixed
-- search_path.  002_owner_privileges (TAP) has the owner cases over real
-- logins; 006_worker_owner that the worker's DDL runs as the set's owner.
SET client_min_messages = warning;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = 'ISO, YMD';

-------------------------------------------------------------------------------
-- 1. Hostile names: quotes, semicolons, newlines, backslashes in the schema,
-- the table, the key column and the archive schema.  Every path that
-- generates SQL runs on them; nothing is dropped that should not be.
-------------------------------------------------------------------------------
CREATE SCHEMA "sec'; DROP SCHEMA sec_victim CASCADE; --";
CREATE SCHEMA "sec arch"";
DROP TABLE x; --";
CREATE SCHEMA sec_victim;
CREATE TABLE sec_victim.x (id int);
CREATE TABLE sec_victim."Robert'); DROP TABLE x; --" (id int);
SET search_path = "sec'; DROP SCHEMA sec_victim CASCADE; --", sec_victim;
CREATE TABLE "Robert'); DROP TABLE x; --" (
    id bigint NOT NULL,
    "ts"";
DROP TABLE x;--" timestamptz NOT NULL,
    "v\" text) PARTITION BY RANGE ("ts"";
DROP TABLE x;--");
CREATE INDEX ON "Robert'); DROP TABLE x; --" (id);
SELECT partman.create_parent('"Robert''); DROP TABLE x; --"', '1 day', premake => 2,
    start_partition => '2024-06-10', retention => '3 days', retention_action => 'archive',
    retention_schema => E'sec arch";\nDROP TABLE x; --');
INSERT INTO "Robert'); DROP TABLE x; --"
SELECT g, timestamptz '2024-06-10' + g * interval '1 hour', E'it''s;\n"' FROM generate_series(0, 239) g;
CREATE TEMP TABLE hostile_before AS
SELECT count(*) AS n, sum(id) AS s FROM "Robert'); DROP TABLE x; --";
-- rows parked in the default partition, and a partition to split and to merge
SELECT partman.split_partition('"Robert''); DROP TABLE x; --_p20240611"', '2024-06-11 12:00');
SELECT partman.merge_partitions(ARRAY['"Robert''); DROP TABLE x; --_p20240611"',
                                      '"Robert''); DROP TABLE x; --_p20240611_1200"']::regclass[]);
SELECT count(*) AS in_default FROM ONLY "Robert'); DROP TABLE x; --_default";
CALL partman.partition_data('"Robert''); DROP TABLE x; --"', batch_rows => 50);
SELECT * FROM partman.maintenance_plan('"Robert''); DROP TABLE x; --"') WHERE false;
SELECT relation::text, partitions_total, partitions_scanned, pruning
  FROM partman.explain_pruning(E'SELECT * FROM "Robert''); DROP TABLE x; --" WHERE "ts"";\nDROP TABLE x;--" >= ''2024-06-19''');
-- a week later: premake adds partitions, retention archives the oldest days
SET partman.simulated_now = '2024-06-22 12:00+00';
CALL partman.run_maintenance('"Robert''); DROP TABLE x; --"');
SELECT last_error FROM partman.part_config WHERE parent = '"Robert''); DROP TABLE x; --"'::regclass;
SELECT replace(n.nspname, E'\n', '\n') AS schema, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname LIKE 'sec%' AND c.relkind IN ('r', 'p') ORDER BY 1, 2;
-- every row is still somewhere: in the set or in the archive schema
SELECT (SELECT count(*) FROM "Robert'); DROP TABLE x; --") +
       (SELECT sum((xpath('/row/n/text()',
                          query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                                       false, true, '')))[1]::text::bigint)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = E'sec arch";\nDROP TABLE x; --') AS all_rows, n FROM hostile_before;
SELECT partman.undo_parent('"Robert''); DROP TABLE x; --"');
SET partman.simulated_now = '2024-06-15 12:00+00';
-- a LIST set whose suffix and values are hostile
CREATE TABLE "l'ist" (r text NOT NULL) PARTITION BY LIST (r);
SELECT partman.create_parent('"l''ist"', list_values => E'{"a\\"; DROP TABLE x; --": ["it''s", "a\\"b", "\\n;"]}');
SELECT partition::text, replace(bound, E'\n', '\n') AS bound FROM partman.show_partitions('"l''ist"');
RESET search_path;
SELECT count(*) AS victims_left FROM pg_class WHERE relnamespace = 'sec_victim'::regnamespace;

-------------------------------------------------------------------------------
-- 2. A schema first in search_path that shadows pg_catalog's functions and
-- operators: partman works the same, and nothing of the schema runs.
-------------------------------------------------------------------------------
CREATE SCHEMA evil;
CREATE TABLE evil.calls (fn text);
CREATE FUNCTION evil.trap(fn text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN INSERT INTO evil.calls VALUES (fn); RAISE EXCEPTION 'evil.% was called', fn; END $$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('now') THEN pg_catalog.now() END $$;
CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('quote_ident') THEN $1 END $$;
CREATE FUNCTION evil.quote_literal(text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('quote_literal') THEN $1 END $$;
CREATE FUNCTION evil.format(text, VARIADIC text[]) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('format') THEN $1 END $$;
CREATE FUNCTION evil.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('count') THEN 0::bigint END $$;
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('lower') THEN $1 END $$;
CREATE FUNCTION evil.jsonb_each(jsonb, OUT key text, OUT value jsonb) RETURNS SETOF record LANGUAGE sql AS $$ SELECT 'x', $1 WHERE evil.trap('jsonb_each') $$;
CREATE FUNCTION evil.eq(date, date) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('= date') $$;
CREATE FUNCTION evil.eq(timestamptz, timestamptz) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('= timestamptz') $$;
CREATE FUNCTION evil.lt(timestamptz, timestamptz) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('< timestamptz') $$;
CREATE FUNCTION evil.ge(timestamptz, timestamptz) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('>= timestamptz') $$;
CREATE FUNCTION evil.eq(oid, oid) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('= oid') $$;
CREATE FUNCTION evil.eq(text, text) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('= text') $$;
CREATE FUNCTION evil.eq(int, int) RETURNS bool LANGUAGE sql AS $$ SELECT evil.trap('= int') $$;
CREATE FUNCTION evil.concat(text, text) RETURNS text LANGUAGE sql AS $$ SELECT CASE WHEN evil.trap('||') THEN $1 END $$;
CREATE OPERATOR evil.= (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.eq);
CREATE OPERATOR evil.= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.eq);
CREATE OPERATOR evil.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.lt);
CREATE OPERATOR evil.>= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.ge);
CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.eq);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.eq);
CREATE OPERATOR evil.= (LEFTARG = int, RIGHTARG = int, FUNCTION = evil.eq);
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.concat);
CREATE SCHEMA sec;
CREATE TABLE sec.daily (id bigint NOT NULL, d date NOT NULL) PARTITION BY RANGE (d);
CREATE TABLE sec.stamp (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE sec.region (r text NOT NULL) PARTITION BY LIST (r);
CREATE TABLE sec.hashed (id int NOT NULL) PARTITION BY HASH (id);
-- evil comes before pg_catalog: every unqualified name in partman's SQL would find it
SET search_path = evil, pg_catalog, sec;
SELECT partman.create_parent('sec.daily', '1 day', premake => 2, start_partition => '2024-06-10',
    retention => '3 days');
SELECT partman.create_parent('sec.stamp', '1 day', premake => 2, start_partition => '2024-06-10',
    retention => '2 days', retention_action => 'detach');
SELECT partman.create_parent('sec.region', list_values => '{"eu": ["DE", "FR"], "us": ["US"]}');
SELECT partman.create_parent('sec.hashed', modulus => 4);
INSERT INTO sec.daily SELECT g, date '2024-06-10' + g % 12 FROM generate_series(1, 120) g;
INSERT INTO sec.stamp SELECT g, timestamptz '2024-06-10' + g * interval '2 hours' FROM generate_series(1, 120) g;
SELECT partman.set_config('sec.daily', 'premake', '3');
SELECT partman.split_partition('sec.stamp_p20240611', '2024-06-11 12:00');
SELECT partman.merge_partitions('{sec.stamp_p20240611, sec.stamp_p20240611_1200}');
SELECT partman.create_partition('sec.region', list_values => '{JP}', name => 'region_jp');
SELECT partman.split_hash_partition('sec.hashed_h0');
SELECT partman.detach_partition('sec.region_jp', 'drop');
CALL partman.partition_data('sec.daily', batch_rows => 7);
CALL partman.partition_data('sec.stamp', batch_rows => 7);
CREATE TEMP TABLE plan AS SELECT * FROM partman.maintenance_plan();
CREATE TEMP TABLE defaults AS SELECT * FROM partman.check_default(exact => true);
SELECT partman.partition_for('sec.daily', '2024-06-12')::text, partman.partition_for('sec.region', 'FR')::text;
-- evil.= (date, date) is the = this query means: no pruning, and evil.eq is not run
SELECT relation::text, partitions_scanned, pruning, reason
  FROM partman.explain_pruning($$SELECT * FROM sec.daily WHERE d = '2024-06-12'$$);
SELECT partman.set_pruning_policy('sec.daily', 'warn');
SET partman.simulated_now = '2024-06-25 12:00+00';
CALL partman.run_maintenance('sec.daily');
CALL partman.run_maintenance('sec.region');
CALL partman.run_maintenance('sec.stamp', true);
CREATE TEMP TABLE daily_parts AS SELECT * FROM partman.show_partitions('sec.daily');
SELECT partman.undo_parent('sec.hashed');
RESET search_path;
SELECT count(*) > 0 AS planned FROM plan;
SELECT parent::text, "rows" FROM defaults WHERE parent::text LIKE 'sec.%' ORDER BY 1;
SELECT parent::text, strategy, status FROM partman.sets WHERE parent::text LIKE 'sec.%' ORDER BY 1;
SELECT count(*) AS partitions, min(partition::text), max(partition::text)
  FROM daily_parts WHERE NOT is_default;
SET partman.simulated_now = '2024-06-15 12:00+00';
SELECT count(*) AS evil_calls FROM evil.calls;
SELECT last_error FROM partman.part_config WHERE parent::text LIKE 'sec.%' AND last_error IS NOT NULL;
SELECT count(*) AS rows_kept FROM sec.daily WHERE d > '2000-01-01';

-------------------------------------------------------------------------------
-- 3. explain_pruning plans and never executes: data-changing statements,
-- data-changing CTEs and volatile functions leave no trace.
-------------------------------------------------------------------------------
CREATE TABLE sec.effects (what text);
CREATE FUNCTION sec.side_effect() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN INSERT INTO sec.effects VALUES ('function ran'); RETURN true; END $$;
CREATE SEQUENCE sec.effect_seq;
CREATE TEMP TABLE stamp_before AS SELECT count(*) AS n FROM sec.stamp;
SELECT relation::text, partitions_scanned FROM partman.explain_pruning('DELETE FROM sec.stamp');
SELECT relation::text, partitions_scanned FROM partman.explain_pruning($$UPDATE sec.stamp SET id = -id WHERE ts >= '2024-06-20'$$);
SELECT relation::text, partitions_scanned FROM partman.explain_pruning($$INSERT INTO sec.effects VALUES ('insert ran')$$);
SELECT relation::text, partitions_scanned FROM partman.explain_pruning('WITH d AS (DELETE FROM sec.stamp RETURNING *) SELECT * FROM d');
SELECT relation::text, partitions_scanned FROM partman.explain_pruning('SELECT * FROM sec.stamp WHERE sec.side_effect()');
SELECT relation::text, partitions_scanned FROM partman.explain_pruning('SELECT sec.side_effect(), pg_catalog.pg_sleep(0), * FROM sec.stamp WHERE ts = now()');
SELECT relation::text, partitions_scanned FROM partman.explain_pruning($$SELECT nextval('sec.effect_seq'), * FROM sec.stamp FOR UPDATE$$);
SELECT (SELECT count(*) FROM sec.stamp) - n AS rows_changed, (SELECT count(*) FROM sec.effects) AS effects,
       (SELECT is_called FROM sec.effect_seq) AS sequence_used
  FROM stamp_before;
SELECT count(*) AS negative_ids FROM sec.stamp WHERE id < 0;

-------------------------------------------------------------------------------
-- 4. Least privilege: a role that does not own the set is refused by every
-- function and by writes to partman.part_config (42501); a member of the
-- owner role is not.
-------------------------------------------------------------------------------
CREATE ROLE regress_sec_owner;
CREATE ROLE regress_sec_member IN ROLE regress_sec_owner;
CREATE ROLE regress_sec_other;
CREATE SCHEMA sec_own AUTHORIZATION regress_sec_owner;
-- the other role may see and use everything but does not own it
GRANT USAGE ON SCHEMA sec_own TO regress_sec_other;
GRANT CREATE ON SCHEMA sec_own TO regress_sec_other;
SET ROLE regress_sec_owner;
CREATE TABLE sec_own.t (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE sec_own.l (r text NOT NULL) PARTITION BY LIST (r);
CREATE TABLE sec_own.h (id int NOT NULL) PARTITION BY HASH (id);
CREATE TABLE sec_own.unmanaged (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
GRANT ALL ON sec_own.t, sec_own.l, sec_own.h, sec_own.unmanaged TO regress_sec_other;
SELECT partman.create_parent('sec_own.t', '1 day', premake => 2, start_partition => '2024-06-13');
SELECT partman.create_parent('sec_own.l', list_values => '{"eu": ["DE", "FR"], "us": ["US"]}');
SELECT partman.create_parent('sec_own.h', modulus => 2);
GRANT ALL ON ALL TABLES IN SCHEMA sec_own TO regress_sec_other;
INSERT INTO sec_own.t VALUES (1, '2024-06-13 10:00+00'), (2, '2024-06-25 10:00+00');
RESET ROLE;
CREATE TABLE sec_own.loose (id bigint NOT NULL, ts timestamptz NOT NULL);
ALTER TABLE sec_own.loose OWNER TO regress_sec_other;

CREATE FUNCTION sec.try(call text, OUT state text, OUT message text) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE call;
    RAISE EXCEPTION USING ERRCODE = 'PMOK0', MESSAGE = 'allowed';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
    IF state = 'PMOK0' THEN state := 'ok'; END IF;
END
$$;
GRANT USAGE ON SCHEMA sec TO PUBLIC;
CREATE TABLE sec.owner_calls (call text);
INSERT INTO sec.owner_calls VALUES
  ($$SELECT partman.create_parent('sec_own.unmanaged', '1 day')$$),
  ($$SELECT partman.undo_parent('sec_own.t')$$),
  ($$SELECT partman.set_config('sec_own.t', 'premake', '5')$$),
  ($$SELECT partman.set_config('sec_own.t', 'retention', '1 day')$$),
  ($$SELECT partman.create_partition('sec_own.t', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.create_partition('sec_own.l', list_values => '{JP}')$$),
  ($$SELECT partman.attach_partition('sec_own.t', 'sec_own.loose', '2024-07-01', '2024-07-02')$$),
  ($$SELECT partman.detach_partition('sec_own.t_p20240613')$$),
  ($$SELECT partman.detach_partition('sec_own.t_p20240613', 'drop')$$),
  ($$SELECT partman.drop_partition('sec_own.t_p20240614')$$),
  ($$SELECT partman.split_partition('sec_own.t_p20240613', '2024-06-13 12:00')$$),
  ($$SELECT partman.merge_partitions('{sec_own.t_p20240613, sec_own.t_p20240614}')$$),
  ($$SELECT partman.merge_partitions('{sec_own.l_eu, sec_own.l_us}')$$),
  ($$SELECT partman.split_hash_partition('sec_own.h_h0')$$),
  ($$CALL partman.run_maintenance('sec_own.t')$$),
  ($$CALL partman.partition_data('sec_own.t')$$),
  ($$SELECT partman.set_pruning_policy('sec_own.t', 'error')$$),
  ($$SELECT partman.pruning_stats_reset()$$),
  ($$INSERT INTO partman.part_config (parent, strategy) VALUES ('sec_own.unmanaged', 'range')$$),
  ($$UPDATE partman.part_config SET premake = 9 WHERE parent = 'sec_own.t'::regclass$$),
  ($$UPDATE partman.part_config SET maintenance_enabled = false WHERE parent = 'sec_own.t'::regclass$$),
  ($$DELETE FROM partman.part_config WHERE parent = 'sec_own.t'::regclass$$),
  ($$TRUNCATE partman.part_config$$);
CREATE TEMP TABLE config_before AS SELECT * FROM partman.part_config;
CREATE TEMP TABLE parts_before AS
SELECT inhrelid::regclass::text AS partition FROM pg_inherits
 WHERE inhparent IN ('sec_own.t'::regclass, 'sec_own.l'::regclass, 'sec_own.h'::regclass);
GRANT SELECT ON config_before, parts_before, sec.owner_calls TO PUBLIC;

-- the other role: refused, every one with 42501
SET partman.simulated_now = '2024-06-25 12:00+00';
SET ROLE regress_sec_other;
SELECT call, (sec.try(call)).* FROM sec.owner_calls;
-- maintenance of all sets by a non-owner leaves the sets it does not own
-- alone, though ten days passed (simulated_now is set by the superuser below)
CALL partman.run_maintenance();
-- what any role may do: look
SELECT count(*) AS visible_partitions FROM partman.show_partitions('sec_own.t');
SELECT partman.partition_for('sec_own.t', '2024-06-13 10:00')::text;
SELECT count(*) AS sets_visible FROM partman.sets WHERE parent::text LIKE 'sec_own.%';
RESET ROLE;
SET partman.simulated_now = '2024-06-15 12:00+00';
SELECT count(*) AS config_rows_changed FROM (
  (SELECT * FROM partman.part_config EXCEPT SELECT * FROM config_before)
  UNION ALL
  (SELECT * FROM config_before EXCEPT SELECT * FROM partman.part_config)) d;
SELECT partition FROM parts_before EXCEPT
SELECT inhrelid::regclass::text FROM pg_inherits
 WHERE inhparent IN ('sec_own.t'::regclass, 'sec_own.l'::regclass, 'sec_own.h'::regclass);

-- a member of the owner role may
SET ROLE regress_sec_member;
SELECT call, (sec.try(call)).* FROM sec.owner_calls
 WHERE call NOT LIKE '%part_config%' AND call NOT LIKE '%pruning_stats_reset%';
SELECT partman.set_config('sec_own.t', 'premake', '3');
UPDATE partman.part_config SET premake = 4 WHERE parent = 'sec_own.t'::regclass;
SELECT premake FROM partman.part_config WHERE parent = 'sec_own.t'::regclass;
RESET ROLE;

-------------------------------------------------------------------------------
-- 5. No SECURITY DEFINER function of the extension without a fixed
-- search_path; partman has none at all.  (The worker's DDL runs as the set's
-- owner: 006_worker_owner checks the owner of what the worker creates.)
-------------------------------------------------------------------------------
SELECT p.oid::regprocedure AS definer_without_search_path
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'partman'
 WHERE p.prosecdef
   AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%');
SELECT count(*) FILTER (WHERE p.prosecdef) AS security_definer_functions, count(*) > 20 AS many_functions
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'partman';
-- SQL-language and PL/pgSQL functions of the extension all pin their search_path
SELECT p.oid::regprocedure AS unpinned
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
   AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'partman'
  JOIN pg_language l ON l.oid = p.prolang AND l.lanname IN ('sql', 'plpgsql')
 WHERE NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%');

-- clean up
SET client_min_messages = warning;
DROP SCHEMA sec_own CASCADE;
DROP ROLE regress_sec_member, regress_sec_other, regress_sec_owner;
DROP SCHEMA sec, evil, sec_victim, "sec'; DROP SCHEMA sec_victim CASCADE; --", "sec arch"";
DROP TABLE x; --" CASCADE;
