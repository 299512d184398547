-- A set owner whose search_path puts their own schema before pg_catalog,
-- with set-returning max/min, a count, now, date_trunc and = of their own:
-- every query partman runs through SPI pins search_path to pg_catalog,
-- pg_temp, so nothing of theirs runs and nothing changes meaning.  On the
-- old code, CALL partman.run_maintenance() crashed the server here (a
-- set-returning max(bigint) made partman read row 0 of an empty result).
SET client_min_messages = warning;
SET partman.simulated_now = '2024-06-15 12:00+00';
SET DateStyle = 'ISO, YMD';
CREATE ROLE sp_owner;
CREATE SCHEMA sp_own AUTHORIZATION sp_owner;
CREATE SCHEMA sp AUTHORIZATION sp_owner;
GRANT USAGE ON SCHEMA partman TO sp_owner;
SET ROLE sp_owner;
CREATE TABLE sp_own.calls (fn text);
CREATE FUNCTION sp_own.trap(fn text) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN INSERT INTO sp_own.calls VALUES (fn); RETURN true; END $$;
-- set-returning functions that return no row: reading row 0 of their result crashed
CREATE FUNCTION sp_own.max(bigint) RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT 1::bigint WHERE sp_own.trap('max(bigint)') AND false $$;
CREATE FUNCTION sp_own.min(bigint) RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT 1::bigint WHERE sp_own.trap('min(bigint)') AND false $$;
CREATE FUNCTION sp_own.max(timestamptz) RETURNS SETOF timestamptz LANGUAGE sql AS $$ SELECT now() WHERE sp_own.trap('max(timestamptz)') AND false $$;
CREATE FUNCTION sp_own.min(timestamptz) RETURNS SETOF timestamptz LANGUAGE sql AS $$ SELECT now() WHERE sp_own.trap('min(timestamptz)') AND false $$;
CREATE FUNCTION sp_own.count(anyelement) RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT 0::bigint WHERE sp_own.trap('count') AND false $$;
CREATE FUNCTION sp_own.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT CASE WHEN sp_own.trap('now') THEN timestamptz '1999-01-01' END $$;
CREATE FUNCTION sp_own.date_trunc(text, timestamptz) RETURNS timestamptz LANGUAGE sql AS $$ SELECT CASE WHEN sp_own.trap('date_trunc') THEN $2 END $$;
CREATE FUNCTION sp_own.eq(bigint, bigint) RETURNS bool LANGUAGE sql AS $$ SELECT sp_own.trap('= bigint') AND false $$;
CREATE FUNCTION sp_own.eq(timestamptz, timestamptz) RETURNS bool LANGUAGE sql AS $$ SELECT sp_own.trap('= timestamptz') AND false $$;
CREATE FUNCTION sp_own.eq(oid, oid) RETURNS bool LANGUAGE sql AS $$ SELECT sp_own.trap('= oid') AND false $$;
CREATE FUNCTION sp_own.eq(regclass, regclass) RETURNS bool LANGUAGE sql AS $$ SELECT sp_own.trap('= regclass') AND false $$;
CREATE OPERATOR sp_own.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = sp_own.eq);
CREATE OPERATOR sp_own.= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = sp_own.eq);
CREATE OPERATOR sp_own.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = sp_own.eq);
CREATE OPERATOR sp_own.= (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = sp_own.eq);
CREATE TABLE sp.ids (id bigint NOT NULL, v text) PARTITION BY RANGE (id);
CREATE TABLE sp.events (id bigint NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
-- the user's own schema comes first: every unqualified name would find it
SET search_path = sp_own, pg_catalog, sp;
SELECT partman.create_parent('sp.ids', '1000', premake => 3, start_partition => '0', retention => '3000');
SELECT partman.create_parent('sp.events', '1 day', premake => 2, start_partition => '2024-06-10',
    retention => '3 days');
INSERT INTO sp.ids SELECT g, 'v' || g FROM generate_series(1, 4500) g;
INSERT INTO sp.events SELECT g, timestamptz '2024-06-10' + g * interval '1 hour' FROM generate_series(1, 200) g;
CREATE TEMP TABLE sp_before AS
SELECT (SELECT pg_catalog.count(*) FROM sp.ids) AS ids, (SELECT pg_catalog.count(*) FROM sp.events) AS events;
CALL partman.partition_data('sp.ids', batch_rows => 500);
CALL partman.partition_data('sp.events', batch_rows => 50);
CREATE TEMP TABLE sp_plan AS SELECT * FROM partman.maintenance_plan();
CALL partman.run_maintenance();
RESET ROLE;
SET partman.simulated_now = '2024-06-20 12:00+00';
SET ROLE sp_owner;
CALL partman.run_maintenance();
BEGIN;
CALL partman.run_maintenance('sp.ids', true);
COMMIT;
SELECT partman.set_config('sp.ids', 'premake', '4');
SELECT partman.create_partition('sp.ids', '20000', '21000');
SELECT partman.drop_partition('sp.ids_p20000');
CREATE TEMP TABLE sp_defaults AS SELECT * FROM partman.check_default(exact => true);
CREATE TEMP TABLE sp_parts AS SELECT * FROM partman.show_partitions('sp.ids');
CREATE TEMP TABLE sp_sets AS SELECT parent, status, status_reasons FROM partman.sets;
-- the path is the caller's again after each call
SHOW search_path;
RESET search_path;
RESET ROLE;
-- nothing of sp_own ran
SELECT count(*) AS foreign_calls, string_agg(DISTINCT fn, ', ') AS which FROM sp_own.calls;
SELECT count(*) > 0 AS planned FROM sp_plan;
SELECT parent::text, status, status_reasons FROM sp_sets WHERE parent::text LIKE 'sp.%' ORDER BY 1;
SELECT parent::text, last_error FROM partman.part_config WHERE parent::text LIKE 'sp.%' ORDER BY 1;
-- retention ran on both sets (integer: keep 3000 below the newest key 4500;
-- time: keep 3 days before 2024-06-20), premake made partitions ahead
SELECT partition::text FROM sp_parts ORDER BY 1;
SELECT partition::text FROM partman.show_partitions('sp.events') ORDER BY 1;
SELECT count(*) AS ids_left, min(id), max(id) FROM sp.ids;
SELECT count(*) AS in_default FROM ONLY sp.ids_default;
DISCARD TEMP;
DROP SCHEMA sp CASCADE;
DROP SCHEMA sp_own CASCADE;
REVOKE USAGE ON SCHEMA partman FROM sp_owner;
DROP ROLE sp_owner;
