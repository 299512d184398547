-- maintenance_plan prints what run_maintenance runs.  For sets whose new
-- partitions copy privileges (with ALTER DEFAULT PRIVILEGES in the way), a
-- replica identity index, storage parameters, row-level security and a
-- composite set's sub-partitions, the plan's statements are run by hand
-- (\gexec) and the partitions they make are recorded; that is rolled back,
-- run_maintenance makes the partitions, and both records must be equal.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
SET partman.simulated_now = '2024-03-10 12:00:00+00';
CREATE SCHEMA plan;
CREATE ROLE regress_plan_owner;
CREATE ROLE regress_plan_reader;
CREATE ROLE regress_plan_writer;
GRANT ALL ON SCHEMA plan TO regress_plan_owner;
-- every table the owner makes in plan gets INSERT for the writer
ALTER DEFAULT PRIVILEGES FOR ROLE regress_plan_owner IN SCHEMA plan
    GRANT INSERT ON TABLES TO regress_plan_writer;
SET ROLE regress_plan_owner;

-- privileges, replica identity through a unique constraint, storage parameters
CREATE TABLE plan.orders (id bigint NOT NULL, ts timestamptz NOT NULL, note text,
                          CONSTRAINT orders_id_ts UNIQUE (id, ts)) PARTITION BY RANGE (ts);
ALTER TABLE plan.orders REPLICA IDENTITY USING INDEX orders_id_ts;
GRANT SELECT ON plan.orders TO regress_plan_reader;
GRANT UPDATE ON plan.orders TO regress_plan_reader WITH GRANT OPTION;
SELECT partman.create_parent('plan.orders', '1 day', premake => 2, start_partition => '2024-03-09');
SELECT partman.set_config('plan.orders', 'storage_parameters', 'fillfactor=70');
SELECT partman.set_config('plan.orders', 'premake', '4');
-- row-level security, and a primary key as replica identity
CREATE TABLE plan.notes (id bigint NOT NULL, ts timestamptz NOT NULL, PRIMARY KEY (id, ts))
    PARTITION BY RANGE (ts);
ALTER TABLE plan.notes REPLICA IDENTITY USING INDEX notes_pkey;
ALTER TABLE plan.notes ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON plan.notes TO regress_plan_reader;
SELECT partman.create_parent('plan.notes', '1 day', premake => 2, start_partition => '2024-03-09');
SELECT partman.set_config('plan.notes', 'premake', '4');
-- composite: LIST sub-partitions with a default one, a unique index as
-- replica identity, and rows parked in the default partition to rescue
CREATE TABLE plan.events (id bigint NOT NULL, kind text NOT NULL, ts timestamptz NOT NULL)
    PARTITION BY RANGE (ts);
CREATE UNIQUE INDEX events_identity ON plan.events (id, kind, ts);
ALTER TABLE plan.events REPLICA IDENTITY USING INDEX events_identity;
SELECT partman.create_parent('plan.events', '1 day', premake => 1, start_partition => '2024-03-09',
                             sub_key => 'kind', sub_list_values => '{"buy": ["buy"], "view": ["view"]}');
INSERT INTO plan.events VALUES (1, 'buy', '2024-03-13 10:00'), (2, 'view', '2024-03-13 11:00'),
                               (3, 'other', '2024-03-13 12:00');
SELECT partman.set_config('plan.events', 'premake', '3');
RESET ROLE;

-- what the partitions of the three sets are: name, kind, bound, ACL,
-- storage parameters, row-level security, replica identity and its index
CREATE TYPE plan.partition AS (relname name, relkind "char", bound text, acl text,
    options text[], rowsecurity boolean, replident "char", identity_index name, row_count bigint);
CREATE FUNCTION plan.partitions() RETURNS SETOF plan.partition
LANGUAGE sql AS $$
WITH RECURSIVE tree(relid) AS (
    SELECT inhrelid FROM pg_inherits
     WHERE inhparent IN ('plan.orders'::regclass, 'plan.notes'::regclass, 'plan.events'::regclass)
    UNION ALL
    SELECT i.inhrelid FROM pg_inherits i JOIN tree t ON i.inhparent = t.relid)
SELECT c.relname, c.relkind, pg_get_expr(c.relpartbound, c.oid), c.relacl::text, c.reloptions,
       c.relrowsecurity, c.relreplident,
       (SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
         WHERE x.indrelid = c.oid AND x.indisreplident),
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM ONLY %s', c.oid::regclass),
                                            false, true, '')))[1]::text::bigint
  FROM tree t JOIN pg_class c ON c.oid = t.relid
$$;

CREATE VIEW plan.plan AS
SELECT p.* FROM unnest(ARRAY['plan.orders', 'plan.notes', 'plan.events']::regclass[]) s,
       LATERAL partman.maintenance_plan(s) p;
GRANT USAGE ON SCHEMA plan TO regress_plan_owner;
GRANT SELECT ON plan.plan TO regress_plan_owner;
SELECT parent, action, partition, lock_mode FROM plan.plan ORDER BY parent::text, partition;

-- by hand: the plan's statements, one at a time, as the owner; the
-- partitions they made are kept in a psql variable across the ROLLBACK
BEGIN;
SET LOCAL ROLE regress_plan_owner;
SELECT statement FROM plan.plan \gexec
RESET ROLE;
SELECT json_agg(p)::text AS by_hand FROM plan.partitions() p \gset
ROLLBACK;
CREATE TEMP TABLE by_hand AS SELECT * FROM json_populate_recordset(NULL::plan.partition, :'by_hand');
SELECT count(*) AS partitions_by_hand FROM by_hand;

-- by run_maintenance
SET ROLE regress_plan_owner;
CALL partman.run_maintenance('plan.orders');
CALL partman.run_maintenance('plan.notes');
CALL partman.run_maintenance('plan.events');
RESET ROLE;
CREATE TEMP TABLE by_run AS SELECT * FROM plan.partitions();
SELECT count(*) AS partitions_by_run FROM by_run;

-- the same partitions, with the same properties and rows
SELECT 'only by hand' AS side, * FROM (SELECT * FROM by_hand EXCEPT SELECT * FROM by_run) a
UNION ALL
SELECT 'only by run', * FROM (SELECT * FROM by_run EXCEPT SELECT * FROM by_hand) b
ORDER BY 2, 1;
-- and what they are, for a reader of this file
SELECT relname, relkind, acl, options, rowsecurity, replident, identity_index, row_count
  FROM by_run WHERE relname IN ('orders_p20240314', 'notes_p20240314', 'events_p20240313',
                                'events_p20240313_buy', 'events_p20240313_default')
 ORDER BY relname;

ALTER DEFAULT PRIVILEGES FOR ROLE regress_plan_owner IN SCHEMA plan
    REVOKE INSERT ON TABLES FROM regress_plan_writer;
DROP SCHEMA plan CASCADE;
DROP ROLE regress_plan_owner;
DROP ROLE regress_plan_reader;
DROP ROLE regress_plan_writer;
