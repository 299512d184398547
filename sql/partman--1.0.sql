-- partman 1.0: catalog, SQL API and health view.
-- Every statement is schema-qualified, so this script does not depend on the
-- installing session's search_path.

\echo Use "CREATE EXTENSION partman" to load this file. \quit

-- Everyone may call partman's functions; each checks that the caller owns
-- the table it changes.  Its internal functions (named _...) are not for
-- calling: those behind the views stay executable, since PostgreSQL checks
-- a view's functions against the user who reads the view; the others are
-- revoked from PUBLIC where they are created.
GRANT USAGE ON SCHEMA partman TO PUBLIC;

-------------------------------------------------------------------------------
-- Catalog
-------------------------------------------------------------------------------

-- One row per managed parent.  Users read it freely, and change the settings
-- of tables they own with partman.set_config or a plain UPDATE; the guard
-- trigger checks ownership and validates every row.  Rows are added and
-- removed only by partman's functions (create_parent, undo_parent, ...), and
-- last_maintenance / last_error only by maintenance: PUBLIC may update the
-- settings columns and nothing else.
CREATE TABLE partman.part_config (
    parent              pg_catalog.regclass PRIMARY KEY,
    strategy            pg_catalog.text NOT NULL,
    key                 pg_catalog.text NOT NULL,
    "interval"          pg_catalog.text,
    premake             pg_catalog.int4 NOT NULL DEFAULT 4,
    retention           pg_catalog.text,
    retention_action    pg_catalog.text NOT NULL DEFAULT 'drop',
    retention_schema    pg_catalog.name,
    time_zone           pg_catalog.text NOT NULL DEFAULT 'UTC',
    default_partition   pg_catalog.bool NOT NULL DEFAULT true,
    maintenance_enabled pg_catalog.bool NOT NULL DEFAULT true,
    require_filter      pg_catalog.text NOT NULL DEFAULT 'off',
    max_partitions      pg_catalog.int4,
    max_rescue_rows     pg_catalog.int4 NOT NULL DEFAULT 100000,
    storage_parameters  pg_catalog.text,
    last_maintenance    pg_catalog.timestamptz,
    last_error          pg_catalog.text,
    created_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- composite sets: every RANGE partition is itself partitioned by
    -- sub_strategy ('list' | 'hash') on sub_key
    sub_strategy        pg_catalog.text,
    sub_key             pg_catalog.text,
    sub_list_values     pg_catalog.jsonb,
    sub_modulus         pg_catalog.int4,
    -- RANGE sets by time on an integer key holding Unix epoch time:
    -- 'seconds' | 'milliseconds' (NULL otherwise; uuid keys hold UUIDv7)
    epoch               pg_catalog.text,
    -- postgres_fdw servers of a set's partitions: HASH remainder r on
    -- servers[r % n], the RANGE partition of grid cell k on servers[k mod n]
    -- (NULL: all local)
    servers             pg_catalog.name[],
    -- maintenance's own: the servers that did not answer its last run (NULL
    -- when it succeeded)
    unreachable_servers pg_catalog.name[],
    -- retention_action 'move': the postgres_fdw server expired partitions
    -- move to (move_partition), where they stay readable through the parent
    retention_server    pg_catalog.name
);
COMMENT ON TABLE partman.part_config IS 'partman: one row per managed partition set';
SELECT pg_catalog.pg_extension_config_dump('partman.part_config', '');
GRANT SELECT ON partman.part_config TO PUBLIC;
GRANT UPDATE (premake, retention, retention_action, retention_schema, default_partition,
              maintenance_enabled, require_filter, max_partitions, max_rescue_rows,
              storage_parameters, sub_list_values, sub_modulus, retention_server)
    ON partman.part_config TO PUBLIC;

CREATE FUNCTION partman._config_guard() RETURNS trigger
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_config_guard';
REVOKE EXECUTE ON FUNCTION partman._config_guard() FROM PUBLIC;
CREATE TRIGGER part_config_guard
    BEFORE INSERT OR UPDATE OR DELETE ON partman.part_config
    FOR EACH ROW EXECUTE FUNCTION partman._config_guard();

-- Forget sets whose parent table is dropped (as the catalog's owner: the
-- user who drops the table may not DELETE from part_config).
CREATE FUNCTION partman._forget_dropped() RETURNS event_trigger
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_forget_dropped';
REVOKE EXECUTE ON FUNCTION partman._forget_dropped() FROM PUBLIC;
CREATE EVENT TRIGGER partman_forget_dropped ON sql_drop
    WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION partman._forget_dropped();

-- What maintenance did.  Written only by partman itself; pruned by
-- run_maintenance after partman.maintenance_log_days.
CREATE TABLE partman.maintenance_log (
    id          pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    parent      pg_catalog.regclass,
    action      pg_catalog.text NOT NULL,
    partition   pg_catalog.text,
    outcome     pg_catalog.text NOT NULL,
    detail      pg_catalog.text,
    duration    pg_catalog.interval
);
CREATE INDEX ON partman.maintenance_log (logged_at);
COMMENT ON TABLE partman.maintenance_log IS 'partman: what maintenance did';
GRANT SELECT ON partman.maintenance_log TO PUBLIC;

-- Online copies that have not cut over yet: moves of partitions to and from
-- other servers (move_partition), and tables being sharded (shard_table).
-- What a rerun resumes.  Written only by partman itself.
CREATE TABLE partman.moves (
    partition   pg_catalog.regclass PRIMARY KEY, -- the partition moved, or the table sharded
    parent      pg_catalog.regclass NOT NULL,    -- its set, or the sharded table being built
    server      pg_catalog.name,            -- where it goes (NULL: back to local, or a sharding)
    phase       pg_catalog.text NOT NULL,   -- 'preparing' | 'copying' | 'copied'
    snapshot    pg_catalog.text,            -- the copy's snapshot (pg_snapshot)
    rows_copied pg_catalog.int8 NOT NULL DEFAULT 0,
    started_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    shard_key   pg_catalog.text,            -- shard_table: the key, servers and modulus
    servers     pg_catalog.name[],
    modulus     pg_catalog.int4
);
COMMENT ON TABLE partman.moves IS 'partman: moves of partitions between servers, and shardings of tables, not yet cut over';
GRANT SELECT ON partman.moves TO PUBLIC;

-------------------------------------------------------------------------------
-- Registration
-------------------------------------------------------------------------------

CREATE FUNCTION partman.create_parent(
    parent pg_catalog.regclass,
    "interval" pg_catalog.text DEFAULT NULL,
    premake pg_catalog.int4 DEFAULT 4,
    start_partition pg_catalog.text DEFAULT NULL,
    default_partition pg_catalog.bool DEFAULT true,
    retention pg_catalog.text DEFAULT NULL,
    retention_action pg_catalog.text DEFAULT 'drop',
    retention_schema pg_catalog.name DEFAULT NULL,
    modulus pg_catalog.int4 DEFAULT NULL,
    list_values pg_catalog.jsonb DEFAULT NULL,
    time_zone pg_catalog.text DEFAULT 'UTC',
    sub_key pg_catalog.text DEFAULT NULL,
    sub_list_values pg_catalog.jsonb DEFAULT NULL,
    sub_modulus pg_catalog.int4 DEFAULT NULL,
    epoch pg_catalog.text DEFAULT NULL,
    servers pg_catalog.name[] DEFAULT NULL,
    retention_server pg_catalog.name DEFAULT NULL)
RETURNS pg_catalog.int4
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_create_parent';
COMMENT ON FUNCTION partman.create_parent IS
    'Register a partitioned table with partman and create its partitions';

-- min and max of uuid keys (UUIDv7 sets), which PostgreSQL 15 lacks; the sort
-- operator lets an index on the key answer them.  The aggregates are API;
-- their transition functions are internal (PostgreSQL checks those against
-- the aggregate's owner, not its caller).
CREATE FUNCTION partman._uuid_smaller(pg_catalog.uuid, pg_catalog.uuid) RETURNS pg_catalog.uuid
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'partman_uuid_smaller';
CREATE FUNCTION partman._uuid_larger(pg_catalog.uuid, pg_catalog.uuid) RETURNS pg_catalog.uuid
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'partman_uuid_larger';
CREATE AGGREGATE partman.uuid_min(pg_catalog.uuid) (
    SFUNC = partman._uuid_smaller, STYPE = pg_catalog.uuid,
    COMBINEFUNC = partman._uuid_smaller, SORTOP = OPERATOR(pg_catalog.<), PARALLEL = SAFE);
CREATE AGGREGATE partman.uuid_max(pg_catalog.uuid) (
    SFUNC = partman._uuid_larger, STYPE = pg_catalog.uuid,
    COMBINEFUNC = partman._uuid_larger, SORTOP = OPERATOR(pg_catalog.>), PARALLEL = SAFE);
REVOKE EXECUTE ON FUNCTION partman._uuid_smaller(pg_catalog.uuid, pg_catalog.uuid),
    partman._uuid_larger(pg_catalog.uuid, pg_catalog.uuid) FROM PUBLIC;
CREATE FUNCTION partman.uuid7_floor(ts pg_catalog.timestamptz) RETURNS pg_catalog.uuid
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'partman_uuid7_floor_sql';
COMMENT ON FUNCTION partman.uuid7_floor IS
    'The smallest UUIDv7 of the millisecond of ts: compare a UUIDv7 key with it to select and prune by time';
COMMENT ON AGGREGATE partman.uuid_min(pg_catalog.uuid) IS 'The smallest uuid (PostgreSQL 15 has no min(uuid))';
COMMENT ON AGGREGATE partman.uuid_max(pg_catalog.uuid) IS 'The largest uuid (PostgreSQL 15 has no max(uuid))';

CREATE FUNCTION partman.undo_parent(parent pg_catalog.regclass)
RETURNS void
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_undo_parent';
COMMENT ON FUNCTION partman.undo_parent IS
    'Stop managing a partitioned table; its partitions stay as they are';

CREATE FUNCTION partman.set_config(parent pg_catalog.regclass,
                                   setting pg_catalog.text,
                                   value pg_catalog.text)
RETURNS void
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_set_config';
COMMENT ON FUNCTION partman.set_config IS
    'Change one setting of a managed partition set';

-------------------------------------------------------------------------------
-- Operations
-------------------------------------------------------------------------------

CREATE FUNCTION partman.create_partition(
    parent pg_catalog.regclass,
    range_from pg_catalog.text DEFAULT NULL,
    range_to pg_catalog.text DEFAULT NULL,
    list_values pg_catalog.text[] DEFAULT NULL,
    remainder pg_catalog.int4 DEFAULT NULL,
    name pg_catalog.text DEFAULT NULL,
    is_default pg_catalog.bool DEFAULT false,
    server pg_catalog.name DEFAULT NULL)
RETURNS pg_catalog.regclass
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_create_partition_sql';
COMMENT ON FUNCTION partman.create_partition IS
    'Create one partition (or the default partition); rows of its bound parked in the default partition move into it';

CREATE FUNCTION partman.attach_partition(
    parent pg_catalog.regclass,
    source pg_catalog.regclass,
    range_from pg_catalog.text DEFAULT NULL,
    range_to pg_catalog.text DEFAULT NULL,
    list_values pg_catalog.text[] DEFAULT NULL,
    remainder pg_catalog.int4 DEFAULT NULL)
RETURNS pg_catalog.regclass
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_attach_partition';
COMMENT ON FUNCTION partman.attach_partition IS
    'Attach a table as a partition, proving its bound first so ATTACH does not scan it again';

CREATE FUNCTION partman.detach_partition(
    partition pg_catalog.regclass,
    action pg_catalog.text DEFAULT 'detach',
    archive_schema pg_catalog.name DEFAULT NULL)
RETURNS pg_catalog.regclass
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_detach_partition';
COMMENT ON FUNCTION partman.detach_partition IS
    'Detach a partition (keep it, archive it to a schema, or drop it)';

CREATE FUNCTION partman.drop_partition(
    partition pg_catalog.regclass,
    only_if_empty pg_catalog.bool DEFAULT false)
RETURNS void
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_drop_partition';
COMMENT ON FUNCTION partman.drop_partition IS 'Drop a partition';

CREATE FUNCTION partman.split_partition(partition pg_catalog.regclass, split_at pg_catalog.text)
RETURNS pg_catalog.regclass[]
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_split_partition';
COMMENT ON FUNCTION partman.split_partition IS
    'Split a RANGE partition in two at a value; every row is kept';

CREATE FUNCTION partman.merge_partitions(partitions pg_catalog.regclass[])
RETURNS pg_catalog.regclass
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_merge_partitions';
COMMENT ON FUNCTION partman.merge_partitions IS
    'Merge adjacent RANGE partitions, or LIST partitions, into the first one given';

CREATE FUNCTION partman.split_hash_partition(partition pg_catalog.regclass)
RETURNS pg_catalog.regclass[]
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_split_hash_partition';
COMMENT ON FUNCTION partman.split_hash_partition IS
    'Split a HASH partition (modulus m, remainder r) into remainders r and r+m of modulus 2m';

-------------------------------------------------------------------------------
-- Maintenance
-------------------------------------------------------------------------------

CREATE PROCEDURE partman.run_maintenance(parent pg_catalog.regclass DEFAULT NULL,
                                         "analyze" pg_catalog.bool DEFAULT false)
LANGUAGE C AS 'MODULE_PATHNAME', 'partman_run_maintenance';
COMMENT ON PROCEDURE partman.run_maintenance IS
    'Premake partitions, rescue default-partition rows and apply retention for every enabled set (or one)';

CREATE PROCEDURE partman.partition_data(parent pg_catalog.regclass,
                                        batch_rows pg_catalog.int4 DEFAULT 50000,
                                        source pg_catalog.regclass DEFAULT NULL)
LANGUAGE C AS 'MODULE_PATHNAME', 'partman_partition_data';
COMMENT ON PROCEDURE partman.partition_data IS
    'Move rows out of the default partition (or a source table) into partitions, in batches';

CREATE FUNCTION partman.maintenance_plan(parent pg_catalog.regclass DEFAULT NULL)
RETURNS TABLE(parent pg_catalog.regclass, action pg_catalog.text, partition pg_catalog.text,
              statement pg_catalog.text, lock_mode pg_catalog.text, reason pg_catalog.text)
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_maintenance_plan';
COMMENT ON FUNCTION partman.maintenance_plan IS
    'What run_maintenance would do now, as statements to run one by one (dry run)';

-------------------------------------------------------------------------------
-- Background workers (need shared_preload_libraries = 'partman')
-------------------------------------------------------------------------------

CREATE FUNCTION partman.wake_worker() RETURNS pg_catalog.bool
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_wake_worker';
COMMENT ON FUNCTION partman.wake_worker IS
    'Make this database''s partman worker run maintenance now';

CREATE FUNCTION partman.workers(OUT database pg_catalog.text, OUT pid pg_catalog.int4,
    OUT state pg_catalog.text, OUT last_run pg_catalog.timestamptz,
    OUT next_run pg_catalog.timestamptz, OUT last_error pg_catalog.text)
RETURNS SETOF record
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_workers';

COMMENT ON FUNCTION partman.workers IS
    'The rows of the partman.workers view: each database''s background worker';

CREATE VIEW partman.workers AS SELECT * FROM partman.workers();
COMMENT ON VIEW partman.workers IS 'partman: each database''s background worker';
GRANT SELECT ON partman.workers TO PUBLIC;

-------------------------------------------------------------------------------
-- Introspection
-------------------------------------------------------------------------------

CREATE FUNCTION partman.show_partitions(parent pg_catalog.regclass)
RETURNS TABLE(partition pg_catalog.regclass, bound pg_catalog.text,
              range_from pg_catalog.text, range_to pg_catalog.text,
              list_values pg_catalog.text[], modulus pg_catalog.int4,
              remainder pg_catalog.int4, is_default pg_catalog.bool,
              est_rows pg_catalog.int8, total_bytes pg_catalog.int8,
              level pg_catalog.int4, parent_partition pg_catalog.regclass,
              server pg_catalog.name)
LANGUAGE C STABLE AS 'MODULE_PATHNAME', 'partman_show_partitions';
COMMENT ON FUNCTION partman.show_partitions IS
    'The partitions of a partitioned table in bound order, default last; sub-partitions follow their partition';

CREATE FUNCTION partman.partition_for(parent pg_catalog.regclass, value pg_catalog.text)
RETURNS pg_catalog.regclass
LANGUAGE C STABLE AS 'MODULE_PATHNAME', 'partman_partition_for';
COMMENT ON FUNCTION partman.partition_for IS
    'The partition a row with this key value goes to, or NULL';

-- Rows waiting in default partitions: an estimate from statistics, or an
-- exact count (which reads the default partitions, with the caller's rights).
CREATE FUNCTION partman.check_default(parent pg_catalog.regclass DEFAULT NULL,
                                      exact pg_catalog.bool DEFAULT false)
RETURNS TABLE(parent pg_catalog.regclass, default_partition pg_catalog.regclass,
              "rows" pg_catalog.int8)
LANGUAGE C STABLE AS 'MODULE_PATHNAME', 'partman_check_default';
COMMENT ON FUNCTION partman.check_default IS
    'Rows waiting in the default partition of each managed set (or of parent)';

CREATE FUNCTION partman.set_health(parent pg_catalog.regclass,
    OUT partitions pg_catalog.int4, OUT oldest_bound pg_catalog.text,
    OUT newest_bound pg_catalog.text, OUT future_partitions pg_catalog.int4,
    OUT default_rows pg_catalog.int8, OUT sub_partitions pg_catalog.int4,
    OUT missing_sub_partitions pg_catalog.int4, OUT gaps pg_catalog.int4,
    OUT gap_from pg_catalog.text[], OUT gap_to pg_catalog.text[],
    OUT has_default pg_catalog.bool, OUT default_rows_exact pg_catalog.bool,
    OUT default_rows_as_of pg_catalog.timestamptz)
LANGUAGE C STABLE AS 'MODULE_PATHNAME', 'partman_set_health_sql';
COMMENT ON FUNCTION partman.set_health IS
    'The health figures of one partitioned table, from the catalog and statistics (the numbers behind partman.sets)';

-- One row per managed set with its health.
CREATE VIEW partman.sets AS
SELECT c.parent,
       c.strategy,
       -- from the catalog, so a renamed key column shows its new name
       (SELECT a.attname::pg_catalog.text
          FROM pg_catalog.pg_partitioned_table p
          JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) p.partrelid
                                        AND a.attnum OPERATOR(pg_catalog.=) p.partattrs[0]
         WHERE p.partrelid OPERATOR(pg_catalog.=) c.parent::pg_catalog.oid) AS key,
       h.partitions,
       h.oldest_bound,
       h.newest_bound,
       h.future_partitions,
       h.default_rows,
       -- a count (small default partitions) or an estimate from statistics, and its age
       h.default_rows_exact,
       h.default_rows_as_of,
       c.last_maintenance,
       c.last_error,
       CASE WHEN pg_catalog.cardinality(r.critical) > 0 THEN 'critical'
            WHEN pg_catalog.cardinality(r.warning) > 0 THEN 'warning'
            ELSE 'ok' END AS status,
       r.critical OPERATOR(pg_catalog.||) r.warning AS status_reasons,
       h.sub_partitions,
       -- the servers the set places partitions on and those its partitions
       -- are on (NULL: all local)
       NULLIF(ARRAY(SELECT x.srvname FROM pg_catalog.unnest(c.servers) x(srvname)
             UNION
             SELECT s.srvname
               FROM pg_catalog.pg_inherits i
               JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid OPERATOR(pg_catalog.=) i.inhrelid
               JOIN pg_catalog.pg_foreign_server s ON s.oid OPERATOR(pg_catalog.=) ft.ftserver
              WHERE i.inhparent OPERATOR(pg_catalog.=) c.parent::pg_catalog.oid
             ORDER BY 1), '{}') AS servers,
       c.unreachable_servers
  FROM partman.part_config c
 CROSS JOIN LATERAL partman.set_health(c.parent) h
 CROSS JOIN LATERAL (
     SELECT ARRAY(SELECT x FROM pg_catalog.unnest(ARRAY[
                CASE WHEN c.last_error IS NOT NULL
                     THEN 'maintenance failing: ' OPERATOR(pg_catalog.||) c.last_error END,
                CASE WHEN c.unreachable_servers IS NOT NULL
                     THEN 'servers unreachable at the last maintenance: '
                          OPERATOR(pg_catalog.||) pg_catalog.array_to_string(c.unreachable_servers, ', ') END,
                CASE WHEN h.future_partitions OPERATOR(pg_catalog.=) 0
                      AND c.premake OPERATOR(pg_catalog.>) 0
                     THEN 'no future partitions: new rows will go to the default partition' END
            ]) x WHERE x IS NOT NULL) AS critical,
            ARRAY(SELECT x FROM pg_catalog.unnest(ARRAY[
                CASE WHEN h.future_partitions OPERATOR(pg_catalog.>) 0
                      AND h.future_partitions OPERATOR(pg_catalog.<) c.premake
                     THEN pg_catalog.format('%s future partitions, fewer than premake (%s)',
                                            h.future_partitions, c.premake) END,
                CASE WHEN h.default_rows OPERATOR(pg_catalog.>) 0
                     THEN pg_catalog.format('rows in the default partition: %s%s',
                                            CASE WHEN NOT h.default_rows_exact THEN 'about ' END,
                                            h.default_rows) END,
                CASE WHEN h.partitions OPERATOR(pg_catalog.>) 1000
                     THEN pg_catalog.format('%s partitions, more than 1000', h.partitions) END,
                CASE WHEN h.missing_sub_partitions OPERATOR(pg_catalog.>) 0
                     THEN pg_catalog.format('%s sub-partitions of sub_list_values missing: run maintenance',
                                            h.missing_sub_partitions) END,
                CASE WHEN c.default_partition AND NOT h.has_default
                      AND c.strategy OPERATOR(pg_catalog.<>) 'hash'
                     THEN 'default partition missing although default_partition is true: '
                          'rows that fit no partition are refused until maintenance recreates it' END
            ]) x WHERE x IS NOT NULL)
            -- ranges no partition covers, between the oldest and the newest
            OPERATOR(pg_catalog.||) ARRAY(
                SELECT pg_catalog.format('gap: no partition from %s to %s, %s', g.lower, g.upper,
                                         CASE WHEN h.has_default
                                              THEN 'its rows go to the default partition'
                                              ELSE 'its rows are refused' END)
                  FROM ROWS FROM (pg_catalog.unnest(h.gap_from), pg_catalog.unnest(h.gap_to))
                       WITH ORDINALITY g(lower, upper, n)
                 ORDER BY g.n)
            OPERATOR(pg_catalog.||) ARRAY(
                SELECT pg_catalog.format('%s more gaps between partitions',
                                         h.gaps OPERATOR(pg_catalog.-) pg_catalog.cardinality(h.gap_from))
                 WHERE h.gaps OPERATOR(pg_catalog.>) pg_catalog.cardinality(h.gap_from)) AS warning
 ) r;
COMMENT ON VIEW partman.sets IS 'partman: each managed partition set with its health';
GRANT SELECT ON partman.sets TO PUBLIC;

-------------------------------------------------------------------------------
-- Partition pruning: diagnostics, per-set guard, statistics
-------------------------------------------------------------------------------

CREATE FUNCTION partman.explain_pruning(query pg_catalog.text)
RETURNS TABLE(relation pg_catalog.regclass, partitions_total pg_catalog.int4,
              partitions_scanned pg_catalog.int4, pruning pg_catalog.text,
              reason pg_catalog.text, hint pg_catalog.text)
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_explain_pruning';
COMMENT ON FUNCTION partman.explain_pruning IS
    'Plan a query without running it and say, for each partitioned table, what pruning does, why not more, and a rewrite checked to return the same rows and prune more';

CREATE FUNCTION partman.set_pruning_policy(parent pg_catalog.regclass,
                                           require_filter pg_catalog.text DEFAULT 'error',
                                           max_partitions pg_catalog.int4 DEFAULT NULL)
RETURNS void
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_set_pruning_policy';
COMMENT ON FUNCTION partman.set_pruning_policy IS
    'Refuse (or warn about) queries that scan a set without a usable key filter, or too many of its partitions';

CREATE FUNCTION partman.pruning_stats(OUT relation pg_catalog.regclass,
    OUT queries pg_catalog.int8, OUT pruned_queries pg_catalog.int8,
    OUT full_scans pg_catalog.int8, OUT avg_partitions_scanned pg_catalog.float8,
    OUT most_frequent_reason pg_catalog.text, OUT most_frequent_reason_count pg_catalog.int8)
RETURNS SETOF record
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_pruning_stats';

COMMENT ON FUNCTION partman.pruning_stats IS
    'The rows of the partman.pruning_stats view';

CREATE VIEW partman.pruning_stats AS SELECT * FROM partman.pruning_stats();
COMMENT ON VIEW partman.pruning_stats IS
    'partman: how query plans prune each partitioned table of this database (needs shared_preload_libraries)';
GRANT SELECT ON partman.pruning_stats TO PUBLIC;

CREATE FUNCTION partman.pruning_stats_reset() RETURNS void
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_pruning_stats_reset';
COMMENT ON FUNCTION partman.pruning_stats_reset IS
    'Forget this database''s pruning statistics';
REVOKE EXECUTE ON FUNCTION partman.pruning_stats_reset() FROM PUBLIC;
-- Adoption: partition an existing table online; take over pg_partman's sets
-------------------------------------------------------------------------------

CREATE PROCEDURE partman.partition_table(source pg_catalog.regclass, key pg_catalog.text,
    "interval" pg_catalog.text, premake pg_catalog.int4 DEFAULT 4,
    default_partition pg_catalog.bool DEFAULT true, retention pg_catalog.text DEFAULT NULL,
    retention_action pg_catalog.text DEFAULT 'drop', retention_schema pg_catalog.name DEFAULT NULL,
    time_zone pg_catalog.text DEFAULT 'UTC',
    INOUT partition pg_catalog.regclass DEFAULT NULL,
    INOUT partitions_created pg_catalog.int4 DEFAULT NULL,
    INOUT lock_ms pg_catalog.float8 DEFAULT NULL,
    epoch pg_catalog.text DEFAULT NULL)
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_partition_table';
COMMENT ON PROCEDURE partman.partition_table IS
    'Turn a plain table into a managed RANGE-partitioned table of the same name, online';

CREATE FUNCTION partman.adopt_pg_partman(schema pg_catalog.name,
    disable_pg_partman pg_catalog.bool DEFAULT true)
    RETURNS TABLE(parent pg_catalog.text, adopted pg_catalog.bool,
                  carried_over pg_catalog.text[], not_carried_over pg_catalog.text[])
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_adopt_pg_partman';
COMMENT ON FUNCTION partman.adopt_pg_partman IS
    'Register the sets a pg_partman installation in schema manages, and report what could not be carried over';

CREATE PROCEDURE partman.move_partition(partition pg_catalog.regclass,
    server pg_catalog.name,
    batch_rows pg_catalog.int4 DEFAULT 50000,
    keep_source pg_catalog.bool DEFAULT false)
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_move_partition';
COMMENT ON PROCEDURE partman.move_partition IS
    'Move a partition to a postgres_fdw server (server NULL: back to a local table), copying in batches while writes go on, verified, cut over under a short lock; rerun to resume';

CREATE PROCEDURE partman.shard_table(source pg_catalog.regclass,
    key pg_catalog.text,
    servers pg_catalog.name[],
    modulus pg_catalog.int4 DEFAULT NULL,
    batch_rows pg_catalog.int4 DEFAULT 50000)
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_shard_table';
COMMENT ON PROCEDURE partman.shard_table IS
    'Turn a table into a HASH set on key whose partitions live on the servers, copying in batches while writes go on, verified, cut over under a short lock; rerun to resume';

CREATE PROCEDURE partman.split_partition_online(partition pg_catalog.regclass,
    batch_rows pg_catalog.int4 DEFAULT 50000,
    INOUT partitions_created pg_catalog.int4 DEFAULT NULL,
    INOUT lock_ms pg_catalog.float8 DEFAULT NULL)
    LANGUAGE C AS 'MODULE_PATHNAME', 'partman_split_partition_online';
COMMENT ON PROCEDURE partman.split_partition_online IS
    'Split a partition spanning several cells of its set''s grid into one partition per cell, copying its rows in batches while the set stays in use';

-------------------------------------------------------------------------------
-- Key advisor
-------------------------------------------------------------------------------

CREATE FUNCTION partman.advise_key(source pg_catalog.regclass,
                                   purpose pg_catalog.text DEFAULT 'partition')
RETURNS TABLE(key pg_catalog.text, strategy pg_catalog.text, "interval" pg_catalog.text,
              score pg_catalog.numeric, distribution pg_catalog.text, query_fit pg_catalog.text,
              cross_partition pg_catalog.text, verdict pg_catalog.text,
              reasons pg_catalog.text[])
LANGUAGE C VOLATILE AS 'MODULE_PATHNAME', 'partman_advise_key';
COMMENT ON FUNCTION partman.advise_key IS
    'Rank the columns of a table as partition or shard keys, from pg_stats and pg_stat_statements (read-only)';
