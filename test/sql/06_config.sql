-- part_config, set_config, the sets view, undo_parent, and the properties new
-- partitions take from their parent.
SET DateStyle = 'ISO, YMD';
SET partman.simulated_now = '2024-06-15 12:00:00+00';

CREATE TABLE public.metrics (ts timestamptz NOT NULL, v int) PARTITION BY RANGE (ts);
SELECT partman.create_parent('public.metrics', '1 day', premake => 2, retention => '30 days');

-- set_config changes one setting; the guard trigger validates it
SELECT partman.set_config('public.metrics', 'premake', '5');
SELECT partman.set_config('public.metrics', 'retention_action', 'detach');
SELECT partman.set_config('public.metrics', 'storage_parameters', 'fillfactor = 90, autovacuum_enabled=off');
SELECT partman.set_config('public.metrics', 'max_partitions', '400');
SELECT premake, retention, retention_action, storage_parameters, max_partitions
  FROM partman.part_config WHERE parent = 'public.metrics'::regclass;
SELECT partman.set_config('public.metrics', 'premake', '-3');
SELECT partman.set_config('public.metrics', 'premake', 'many');
SELECT partman.set_config('public.metrics', 'interval', '1 hour');
SELECT partman.set_config('public.metrics', 'colour', 'blue');
SELECT partman.set_config('public.metrics', 'storage_parameters', 'fillfactor=5');
SELECT partman.set_config('public.metrics', 'storage_parameters', 'no_such_option=1');
SELECT partman.set_config('public.metrics', 'require_filter', 'sometimes');
SELECT partman.set_config('public.metrics', 'retention_action', 'archive');
-- a plain UPDATE goes through the same checks
UPDATE partman.part_config SET premake = 20000 WHERE parent = 'public.metrics'::regclass;
UPDATE partman.part_config SET "interval" = '1 week' WHERE parent = 'public.metrics'::regclass;
UPDATE partman.part_config SET time_zone = 'Asia/Tokyo' WHERE parent = 'public.metrics'::regclass;
SELECT premake, retention_action FROM partman.part_config WHERE parent = 'public.metrics'::regclass;

-- the sets view: premake 5 but only 2 future partitions
SELECT parent, strategy, partitions, future_partitions, default_rows, status, status_reasons
  FROM partman.sets WHERE parent = 'public.metrics'::regclass;
INSERT INTO public.metrics VALUES ('2020-01-01', 1), ('2020-01-02', 2);
ANALYZE public.metrics;
SELECT default_rows, status, status_reasons FROM partman.sets WHERE parent = 'public.metrics'::regclass;
-- exact counts, and the estimate from statistics
SELECT * FROM partman.check_default('public.metrics', exact => true);
SELECT parent, default_partition, "rows" FROM partman.check_default() WHERE parent = 'public.metrics'::regclass;
SELECT partman.check_default('public.metrics', exact => NULL);
UPDATE partman.part_config SET last_error = 'could not lock table' WHERE parent = 'public.metrics'::regclass;
SELECT status, status_reasons FROM partman.sets WHERE parent = 'public.metrics'::regclass;

-- storage parameters, privileges and replica identity reach new partitions
CREATE ROLE partman_reader;
CREATE ROLE partman_owner;
CREATE TABLE public.audited (ts timestamptz NOT NULL, id int NOT NULL, note text)
    PARTITION BY RANGE (ts);
CREATE UNIQUE INDEX audited_id_ts ON public.audited (id, ts);
ALTER TABLE public.audited REPLICA IDENTITY USING INDEX audited_id_ts;
ALTER TABLE public.audited OWNER TO partman_owner;
GRANT SELECT ON public.audited TO partman_reader;
GRANT INSERT ON public.audited TO partman_reader WITH GRANT OPTION;
-- the owner needs CREATE on the schema: without it, create_parent fails cleanly
SELECT partman.create_parent('public.audited', '1 month', premake => 1);
GRANT CREATE ON SCHEMA public TO partman_owner;
SELECT partman.create_parent('public.audited', '1 month', premake => 1);
SELECT c.relname, pg_get_userbyid(c.relowner) AS owner, c.relacl, c.relreplident,
       (SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = c.oid AND x.indisreplident) AS replica_index
  FROM partman.show_partitions('public.audited') p JOIN pg_class c ON c.oid = p.partition;

-- storage parameters: PostgreSQL keeps none on a partitioned table, so new
-- partitions continue those of the newest partition (or the set's
-- storage_parameters setting, used by maintenance)
CREATE TABLE public.tuned (ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
ALTER TABLE public.tuned REPLICA IDENTITY FULL;
CREATE TABLE public.tuned_p202405 PARTITION OF public.tuned
    FOR VALUES FROM ('2024-05-01 00:00+00') TO ('2024-06-01 00:00+00')
    WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);
SELECT partman.create_parent('public.tuned', '1 month', premake => 1, default_partition => false);
SELECT c.relname, c.reloptions, c.relreplident
  FROM partman.show_partitions('public.tuned') p JOIN pg_class c ON c.oid = p.partition;

-- undo_parent forgets the set and keeps its partitions
SELECT partman.undo_parent('public.metrics');
SELECT count(*) AS still_managed FROM partman.part_config WHERE parent = 'public.metrics'::regclass;
SELECT count(*) AS partitions_kept FROM partman.show_partitions('public.metrics');
SELECT partman.undo_parent('public.metrics');

-- dropping a managed table forgets its set
SELECT count(*) AS audited_rows FROM partman.part_config WHERE parent = 'public.audited'::regclass;
DROP TABLE public.audited;
REVOKE CREATE ON SCHEMA public FROM partman_owner;
DROP ROLE partman_owner, partman_reader;
SELECT count(*) AS audited_rows FROM partman.part_config WHERE parent::oid NOT IN (SELECT oid FROM pg_class);

-- the extension can be dropped and created again
DROP EXTENSION partman;
CREATE EXTENSION partman;
SELECT count(*) FROM partman.part_config;
