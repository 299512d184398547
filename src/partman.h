/*-------------------------------------------------------------------------
 *
 * partman.h
 *	  Declarations shared by partman's source files.
 *
 * Each group below belongs to one file; the file's header comment says
 * what the group is for.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_H
#define PARTMAN_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "nodes/plannodes.h"
#include "pgtime.h"
#include "storage/block.h"
#include "storage/lwlock.h"
#include "utils/rel.h"

#include "compat.h"

struct PartmanTemplate;
struct PartmanConfig;

/* Hard limits on user input, so a typo cannot create millions of tables. */
#define PARTMAN_MAX_PREMAKE			10000
#define PARTMAN_MAX_NEW_PARTITIONS	20000
#define PARTMAN_MAX_HASH_MODULUS	4096

/* ---------------------------------------------------------------------
 * functions and settings in partman.c
 * ---------------------------------------------------------------------
 */
extern int	partman_lock_timeout_ms;
extern char *partman_simulated_now;
extern int	partman_maintenance_log_days;

extern TimestampTz partman_now(void);
extern int32 partman_positive_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern void partman_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);

/* ---------------------------------------------------------------------
 * functions in catalog.c: what PostgreSQL's catalogs say about a set
 * ---------------------------------------------------------------------
 */

/* The partition key of a parent, as partman needs it. */
typedef struct PartmanKey
{
	Oid			parent;
	char	   *nspname;
	char	   *relname;
	Oid			owner;
	char		strategy;		/* PARTITION_STRATEGY_RANGE / LIST / HASH */
	AttrNumber	attnum;
	char	   *attname;
	Oid			typid;
	int32		typmod;
	Oid			collation;
} PartmanKey;

/* One existing partition and its bound, in PostgreSQL's bound order. */
typedef struct PartmanPartition
{
	Oid			relid;
	bool		is_default;
	/* RANGE: finite bounds only; unbounded sides are flagged */
	bool		lower_unbounded;
	bool		upper_unbounded;
	Datum		lower;
	Datum		upper;
	/* LIST */
	List	   *list_values;	/* of Const */
	/* HASH */
	int			modulus;
	int			remainder;
} PartmanPartition;

extern void partman_read_key(Oid parent, PartmanKey *key);
extern char *partman_key_column(Oid relid);
extern char *partman_sub_key_column(Oid parent);
extern List *partman_list_partitions(Oid parent);
extern Oid	partman_default_partition(Oid parent);
extern bool partman_range_upper(Oid parent, bool newest, Datum *bound);
extern int	partman_range_gaps(Oid parent, const Datum *after, int max, Datum *lower,
							   Datum *upper);
extern Oid	partman_route_value(Oid parent, Datum value, bool isnull);
extern int	partman_compare_keys(const PartmanKey *key, Datum a, Datum b);

/* a per-backend cache keyed by relation OID (the entry starts with the OID) */
typedef struct PartmanRelidCache
{
	const char *name;
	Size		entrysize;
	struct HTAB *hash;			/* NULL until first used or after a reset */
	bool		registered;		/* relcache callback registered */
} PartmanRelidCache;
typedef void (*PartmanRelidCacheFill) (Oid relid, void *entry);
extern void *partman_relid_cache_lookup(PartmanRelidCache *cache, Oid relid,
										PartmanRelidCacheFill fill);
extern void partman_check_owner(Oid relid);

/* ---------------------------------------------------------------------
 * functions in bounds.c: the grid of RANGE bounds, and value text
 * ---------------------------------------------------------------------
 */

typedef enum GridKind
{
	GRID_MONTHS,				/* calendar months (and years) */
	GRID_DAYS,					/* calendar days (and weeks) */
	GRID_WALLCLOCK,				/* fixed steps of wall-clock time within a day */
	GRID_INTEGER				/* integer widths */
} GridKind;

/*
 * A RANGE grid: cell k covers [bound(k), bound(k + 1)).  Time cells are laid
 * out in local wall-clock time of the set's zone and mapped to instants only
 * at the end, so calendar units follow DST and names stay unique.
 */
typedef struct RangeGrid
{
	GridKind	kind;
	Oid			keytype;
	int64		step;			/* months, days, microseconds or integer width */
	pg_tz	   *tz;				/* zone that aligns time cells */
} RangeGrid;

extern void partman_parse_grid(const PartmanKey *key, const char *interval,
							   const char *time_zone, RangeGrid *grid);
extern pg_tz *partman_lookup_zone(const char *time_zone);
extern int64 partman_grid_cell_of(const RangeGrid *grid, Datum value);
extern void partman_grid_span(const RangeGrid *grid, int64 *first, int64 *last);
extern Datum partman_grid_bound(const RangeGrid *grid, int64 cell);
extern bool partman_grid_cell_empty(const RangeGrid *grid, int64 cell);
extern int64 partman_grid_now_cell(const RangeGrid *grid);
extern Datum partman_time_threshold(const RangeGrid *grid, const char *retention);
extern Datum partman_integer_threshold(const RangeGrid *grid, Datum newest,
									   const char *retention);
extern char *partman_grid_suffix(const RangeGrid *grid, int64 cell);
extern char *partman_bound_literal(Oid typid, Datum value);
extern Datum partman_value_from_text(const PartmanKey *key, const char *text,
									 pg_tz *zone, const char *what);
extern char *partman_value_to_text(Oid typid, Datum value);
extern char *partman_value_suffix(const PartmanKey *key, Datum value, pg_tz *zone);

/* ---------------------------------------------------------------------
 * functions in boundspec.c: a bound of any strategy as SQL
 * ---------------------------------------------------------------------
 */
typedef struct PartmanBound
{
	bool		is_default;
	/* RANGE */
	bool		lower_unbounded;
	bool		upper_unbounded;
	Datum		lower;
	Datum		upper;
	/* LIST: values as Datums (stored in the List's pointer cells) */
	List	   *values;
	bool		has_null;
	/* HASH */
	int			modulus;
	int			remainder;
} PartmanBound;

extern char *partman_bound_clause(const PartmanKey *key, const PartmanBound *bound);
extern char *partman_bound_condition(const PartmanKey *key, const PartmanBound *bound);
extern char *partman_range_exclusion(const PartmanKey *key, const PartmanBound *bound);
extern void partman_bound_of(const PartmanPartition *part, PartmanBound *bound);
extern bool partman_bounds_overlap(const PartmanKey *key, const PartmanBound *a,
								   const PartmanBound *b);

/* ---------------------------------------------------------------------
 * functions in operations.c
 * ---------------------------------------------------------------------
 */
extern void partman_check_shape(const PartmanKey *key, Oid source);

/* ---------------------------------------------------------------------
 * functions in rows.c: moving rows between tables
 * ---------------------------------------------------------------------
 */
extern char *partman_column_list(Oid parent);
extern uint64 partman_move_rows(Oid parent, const char *from, const char *to,
								const char *condition);
extern uint64 partman_copy_rows(Oid parent, const char *from, const char *to);
extern uint64 partman_count_rows(const char *table, const char *condition);
extern Oid	partman_create_with_rescue(const PartmanKey *key,
									   const struct PartmanTemplate *tmpl,
									   const char *name, const PartmanBound *bound);

/* Rows of a table whose key no partition of a RANGE set can hold. */
typedef struct PartmanStrays
{
	uint64		nulls;			/* NULL keys */
	uint64		below;			/* keys before the grid's reach */
	uint64		above;			/* keys at or past its end: infinity, NaN, ... */
	char	   *lowest;			/* the smallest key below, as text */
	char	   *highest;		/* the largest key above, as text */
} PartmanStrays;

extern uint64 partman_count_strays(const PartmanKey *key, const char *table,
								   const PartmanBound *reach, PartmanStrays *strays);
extern char *partman_strays_detail(const PartmanKey *key, const PartmanStrays *strays,
								   const PartmanBound *reach);
extern bool partman_key_range(const PartmanKey *key, const char *table, const char *condition,
							  bool one_scan, Datum *min, Datum *max);

/* What partition_data reads about the keys in a default partition. */
typedef struct PartmanBatchKeys
{
	Datum		min;			/* of the keys a partition can hold */
	Datum		max;
	bool		has_strays;		/* rows no partition can hold exist */
	bool		has_offset;		/* there is a key at the batch's offset... */
	Datum		offset;			/* ...and this is it */
} PartmanBatchKeys;

extern bool partman_default_batch_keys(const PartmanKey *key, const char *table,
									   const char *placeable, const char *stray, int offset,
									   PartmanBatchKeys *keys);
extern bool partman_max_key_between(const PartmanKey *key, Datum lower, Datum upper,
									Datum *result);
extern char *partman_key_example(const PartmanKey *key, const char *table,
								 const char *condition);
extern void partman_continue_identity(const char *table_q, const char *column,
									  const char *old_seq_q);
extern char *partman_block_range(BlockNumber from, BlockNumber to);
extern uint64 partman_copy_blocks(const char *from_q, const char *to_q, const char *columns,
								  BlockNumber from, BlockNumber to);
extern void partman_fingerprints(const char *a_q, const char *b_q, const char *columns,
								 char **a, char **b);

/* ---------------------------------------------------------------------
 * functions in rangeset.c: RANGE sets as a whole
 * ---------------------------------------------------------------------
 */
extern int	partman_create_range_cells(const PartmanKey *key, const RangeGrid *grid,
									   const struct PartmanTemplate *tmpl,
									   int64 first, int64 last);
extern char *partman_cell_name(const PartmanKey *key, const RangeGrid *grid, int64 cell);
extern int64 *partman_missing_cells(const PartmanKey *key, const RangeGrid *grid,
									int64 first, int64 last, int *n);
extern bool partman_newest_key(const PartmanKey *key, Datum *result);
extern int64 partman_current_cell(const PartmanKey *key, const RangeGrid *grid);
extern int64 partman_premake_horizon(const RangeGrid *grid, int64 cell, int premake);
extern void partman_grid_reach(const RangeGrid *grid, PartmanBound *reach);

/* ---------------------------------------------------------------------
 * functions in listhash.c: LIST and HASH sets
 * ---------------------------------------------------------------------
 */
extern int	partman_create_list_partitions(const PartmanKey *key,
										   const struct PartmanTemplate *tmpl,
										   Datum list_values);
extern int	partman_create_hash_partitions(const PartmanKey *key,
										   const struct PartmanTemplate *tmpl,
										   int modulus);

/* ---------------------------------------------------------------------
 * functions in naming.c
 * ---------------------------------------------------------------------
 */
extern char *partman_partition_name(const PartmanKey *key, const char *suffix);
extern char *partman_qualified_name(Oid relid);
extern char *partman_qualified_in(const char *nspname, const char *relname);
extern char *partman_temp_name(const char *prefix, Oid relid);
extern char *partman_range_name(const PartmanKey *key, const char *suffix);
extern char *partman_hash_name(const PartmanKey *key, int remainder);
extern char *partman_list_name(const PartmanKey *key, const char *suffix);
extern char *partman_default_name(const PartmanKey *key, int n);

/* ---------------------------------------------------------------------
 * functions in ddl.c: statements that change partitions
 * ---------------------------------------------------------------------
 */

/* How a new partition inherits the parent's properties. */
typedef struct PartmanTemplate
{
	Datum		relacl;			/* parent's ACL, or 0 when default */
	bool		has_acl;
	char		replident;		/* parent's relreplident */
	Oid			replident_index;	/* parent's replica identity index */
	char	   *storage_parameters; /* "WITH (...)" body, or NULL */
	bool		row_security;	/* parent has row-level security enabled */
	/* composite sets: how each new RANGE partition is sub-partitioned */
	char		sub_strategy;	/* PARTITION_STRATEGY_LIST / HASH, or 0 */
	char	   *sub_key;		/* column name */
	Datum		sub_list_values;	/* jsonb, for LIST */
	int			sub_modulus;	/* for HASH */
	bool		sub_default;	/* LIST: a default sub-partition too */
} PartmanTemplate;

/* A statement and the role that runs it. */
typedef struct PartmanStatement
{
	Oid			role;
	char	   *sql;
} PartmanStatement;

extern void partman_lock_relation(Oid relid, LOCKMODE mode);
/* What partman_begin_ddl changed, for partman_end_ddl to restore. */
typedef struct PartmanDdlState
{
	int			nestlevel;
	Oid			userid;
	int			sec_context;
} PartmanDdlState;

extern void partman_begin_ddl(const PartmanKey *key, PartmanDdlState *state);
extern void partman_end_ddl(const PartmanDdlState *state);
extern const char *partman_ddl_exec(const char *sql);
extern void partman_ddl_exec_list(List *statements);
extern char *partman_storage_clause(const char *text);
extern void partman_read_template(const PartmanKey *key, const struct PartmanConfig *cfg,
								  PartmanTemplate *tmpl);
extern Oid	partman_create_range_partition(const PartmanKey *key,
										   const PartmanTemplate *tmpl,
										   const char *name,
										   Datum lower, Datum upper);
extern Oid	partman_create_default_partition(const PartmanKey *key,
											 const PartmanTemplate *tmpl);
extern Oid	partman_create_partition(const PartmanKey *key, const PartmanTemplate *tmpl,
									 const char *name, const char *bound_clause);
extern ErrorData *partman_try_subtransaction(void (*fn) (void *), void *arg);
extern int	partman_lock_budget(void);
extern int	partman_locks_per_partition(Oid parent, const PartmanTemplate *tmpl);
extern void partman_check_lock_budget(Oid parent, const PartmanTemplate *tmpl, int64 partitions,
									  const char *what, const char *hint);
extern List *partman_drop_partition_statements(Oid parent, Oid relid);
extern List *partman_archive_statements(Oid relid, const char *schema);
extern List *partman_retire_statements(Oid parent, Oid relid, const char *action,
									   const char *schema, const char *how);
extern List *partman_secure_partition_statements(Oid relid);
extern bool partman_partition_is_secured(Oid relid);
extern void partman_drop_partition_table(Oid parent, Oid relid);
extern void partman_retire_partition(const PartmanKey *key, Oid relid, const char *action,
									 const char *schema);

/* ---------------------------------------------------------------------
 * functions in statements.c: the text of every statement against user
 * tables (arguments ending in _q are qualified and quoted already)
 * ---------------------------------------------------------------------
 */
extern char *partman_sql_attach(const char *parent_q, const char *table_q,
								const char *bound_clause);
extern char *partman_sql_detach(const char *parent_q, const char *table_q, const char *how);
extern char *partman_sql_set_schema(const char *table_q, const char *schema);
extern char *partman_sql_drop_table(const char *table_q, bool if_exists);
extern char *partman_sql_truncate(const char *table_q);
extern char *partman_sql_analyze(const char *table_q);
extern char *partman_sql_rename(const char *kind, const char *object_q, const char *name);
extern char *partman_sql_create_temp_like(const char *temp_q, const char *table_q);
extern char *partman_sql_create_parent_like(const char *table_q, const char *like_q,
											const char *column, const char *tablespace);
extern char *partman_sql_example_parent(const char *relname);
extern char *partman_sql_comment_on_table(const char *table_q, const char *comment);
extern char *partman_sql_replica_identity(const char *table_q, char replident,
										  const char *index);
extern char *partman_sql_set_not_null(const char *table_q, const char *column);
extern char *partman_sql_drop_identity(const char *table_q, const char *column);
extern char *partman_sql_continue_identity(const char *table_q, const char *column,
										   const char *old_seq_q);
extern char *partman_sql_add_constraint(const char *table_q, const char *name,
										const char *definition, bool not_valid);
extern char *partman_sql_add_check(const char *table_q, const char *name,
								   const char *condition, bool not_valid, bool replace);
extern char *partman_sql_add_checks(const char *table_q, List *names, List *conditions);
extern char *partman_sql_drop_constraints(const char *table_q, List *names, bool if_exists);
extern char *partman_sql_drop_constraint(const char *table_q, const char *name, bool if_exists);
extern char *partman_sql_validate_constraint(const char *table_q, const char *name);
extern char *partman_sql_drop_trigger(const char *table_q, const char *name);
extern char *partman_sql_trigger_state(const char *table_q, const char *name, char tgenabled);
extern char *partman_sql_sequence_owned_by(const char *sequence_q, const char *table_q,
										   const char *column);
extern char *partman_sql_replace_view(const char *view_q, const char *options,
									  const char *definition);
extern char *partman_sql_create_staging(const char *staging_q, const char *parent_q,
										const char *column);
extern char *partman_sql_mirror_delete(const char *staging_q, const char *key_match);
extern char *partman_sql_mirror_insert(const char *staging_q, const char *columns);
extern char *partman_sql_mirror_function(const char *function_q, const char *staging_q,
										 const char *delete_sql, const char *insert_sql);
extern List *partman_sql_mirror_triggers(const char *table_q, const char *function_q);
extern char *partman_sql_drop_function(const char *function_q, bool if_exists, bool cascade);
extern char *partman_sql_call_create_default(const char *parent_q, const char *name);
extern char *partman_sql_call_create_range(const char *parent_q, const char *lower,
										   const char *upper, const char *name);
extern char *partman_sql_call_create_list(const char *parent_q, List *values, bool has_null,
										  const char *name);
extern char *partman_sql_call_partition_data(const char *parent_q);

/* ---------------------------------------------------------------------
 * functions in spi.c: every query partman runs, with search_path pinned
 * ---------------------------------------------------------------------
 */
extern void partman_pin_search_path(void);
extern int	partman_spi_connect(bool nonatomic);
extern void partman_spi_commit(void);
extern void partman_spi_finish(int level);
extern void partman_spi_exec(const char *sql, int expected);
extern void partman_spi_one_row(const char *what, int ncolumns);

/* ---------------------------------------------------------------------
 * functions in config.c: the partman.part_config catalog
 * ---------------------------------------------------------------------
 */

/* A row of partman.part_config (the columns partman's C code uses). */
typedef struct PartmanConfig
{
	Oid			parent;
	char	   *strategy;
	char	   *key;
	char	   *interval;		/* NULL for LIST and HASH */
	int			premake;
	char	   *retention;
	char	   *retention_action;
	char	   *retention_schema;
	char	   *time_zone;
	bool		default_partition;
	char	   *require_filter;
	int			max_rescue_rows;
	bool		has_max_partitions;
	int			max_partitions;
	char	   *storage_parameters;
	bool		failing;		/* last_error is set */
	/* composite sets (NULL / 0 otherwise) */
	char	   *sub_strategy;	/* 'list' or 'hash' */
	char	   *sub_key;
	char	   *sub_list_values;	/* jsonb as text */
	bool		has_sub_modulus;
	int			sub_modulus;
} PartmanConfig;

/* What an operation knows about the set it works on. */
typedef struct PartmanSet
{
	PartmanKey	key;
	bool		managed;
	PartmanConfig cfg;
	bool		has_grid;
	RangeGrid	grid;
	pg_tz	   *zone;			/* zone for reading time values, or NULL */
} PartmanSet;

extern void partman_open_set(Oid parent, PartmanSet *set);
extern void partman_open_set_config(const PartmanConfig *cfg, PartmanSet *set);
extern List *partman_config_read_maintained(MemoryContext cxt);
extern List *partman_parse_storage(const char *text);
extern void partman_validate_config(const PartmanConfig *cfg, const PartmanKey *key);
extern bool partman_config_read(Oid parent, PartmanConfig *cfg);
extern bool partman_config_exists(Oid parent);
extern void partman_not_managed(Oid parent);
extern void partman_config_insert(const PartmanConfig *cfg);
extern void partman_config_delete(Oid parent);
extern void partman_config_set_default(Oid parent, bool on);
extern const char *partman_strategy_name(char strategy);
extern const char *partman_strategy_keyword(char strategy);
/* What partman_catalog_writer_begin changed, for partman_catalog_writer_end. */
typedef struct PartmanCatalogWriter
{
	Oid			userid;
	int			sec_context;
} PartmanCatalogWriter;

extern void partman_catalog_writer_begin(const char *relname, PartmanCatalogWriter *writer);
extern void partman_catalog_writer_end(const PartmanCatalogWriter *writer);
extern void partman_config_record_outcome(Oid parent, const char *error);
extern void partman_config_record_idle(List *parents);
extern List *partman_config_parents(void);
extern void partman_config_disable_maintenance(Oid parent);

/* A retired partition whose detach is deferred (worker) or left pending. */
typedef struct PartmanDeferredDetach
{
	Oid			parent;
	Oid			relid;
	Oid			owner;
	char	   *schema;			/* archive to this schema, or NULL */
} PartmanDeferredDetach;

extern List *partman_config_pending_detaches(MemoryContext cxt);

/* ---------------------------------------------------------------------
 * functions in pg_partman.c: pg_partman's configuration, for adoption
 * ---------------------------------------------------------------------
 */
extern Oid	partman_pg_partman_config(const char *schema);
extern struct SPITupleTable *partman_pg_partman_sets(Oid config, const char *const *columns,
													 int ncolumns, uint64 *nsets);
extern void partman_pg_partman_disable(Oid config, const char *parent_table);

/* ---------------------------------------------------------------------
 * functions in log.c: partman.maintenance_log
 * ---------------------------------------------------------------------
 */
extern void partman_log_step(Oid parent, const char *action, const char *partition,
							 const char *outcome, const char *detail, TimestampTz started);
extern void partman_prune_log(void);

/* ---------------------------------------------------------------------
 * composite sets: functions in listhash.c, ddl.c and composite.c
 * ---------------------------------------------------------------------
 */

/* One member of a list_values object: a partition suffix and its bound. */
typedef struct PartmanListMember
{
	char	   *suffix;
	PartmanBound bound;
} PartmanListMember;

extern List *partman_parse_list_values(const PartmanKey *key, Datum list_values,
									   const char *what);

/* A LIST sub-partition that sub_list_values names and a partition lacks. */
typedef struct PartmanMissingSub
{
	PartmanKey	key;			/* of the RANGE partition that holds it */
	char	   *name;
	PartmanBound bound;
} PartmanMissingSub;

extern void partman_sub_key(const PartmanKey *key, const char *column,
							char strategy, PartmanKey *sub);
extern char partman_sub_strategy_code(const char *name);
extern void partman_template_add_sub(PartmanTemplate *tmpl, const PartmanConfig *cfg);
extern void partman_sub_template(const PartmanTemplate *tmpl, Oid partition,
								 PartmanTemplate *sub);
extern List *partman_missing_subpartitions(const PartmanKey *key,
										   const PartmanConfig *cfg);
extern Oid	partman_create_missing_sub(const PartmanTemplate *tmpl,
									   const PartmanMissingSub *missing);

/* ---------------------------------------------------------------------
 * functions in launcher.c and worker.c: background workers
 * ---------------------------------------------------------------------
 */
#define PARTMAN_MAX_DATABASES	64

extern void partman_start_background_transaction(void);

typedef enum PartmanWorkerState
{
	WORKER_FREE = 0,			/* slot unused */
	WORKER_STOPPED,				/* slot assigned, no worker yet */
	WORKER_STARTING,
	WORKER_IDLE,
	WORKER_RUNNING,
	WORKER_NO_EXTENSION,		/* exited: partman is not installed there */
	WORKER_CRASHED				/* exited otherwise; restarted with backoff */
} PartmanWorkerState;

typedef struct PartmanWorkerSlot
{
	Oid			dboid;
	char		dbname[NAMEDATALEN];
	PartmanWorkerState state;
	pid_t		pid;
	bool		wake;			/* wake_worker() asked for a round now */
	TimestampTz last_run;
	TimestampTz next_run;
	char		last_error[256];
} PartmanWorkerSlot;

typedef struct PartmanShared
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	PartmanWorkerSlot slots[PARTMAN_MAX_DATABASES];
} PartmanShared;

/* what the launcher passes a worker in bgw_extra */
typedef struct PartmanWorkerArgs
{
	int			slot;
	Oid			role;
} PartmanWorkerArgs;

extern int	partman_bgw_interval;
extern char *partman_bgw_databases;
extern char *partman_bgw_role;
extern int	partman_bgw_max_workers;
extern PartmanShared *partman_shared;

extern void partman_register_launcher(void);
extern PartmanShared *partman_require_shared(void);

/* in round.c */
extern int	partman_maintenance_round(char *last_error, Size len);

/* ---------------------------------------------------------------------
 * functions in maintenance.c: planning and carrying out one set's
 * maintenance (run_maintenance, the worker's round, maintenance_plan)
 * ---------------------------------------------------------------------
 */

typedef enum PartmanSetOutcome
{
	PARTMAN_SET_IDLE,			/* nothing to do, and nothing failing */
	PARTMAN_SET_CHANGED,		/* work done, or a failure cleared */
	PARTMAN_SET_FAILED			/* failed or skipped; logged */
} PartmanSetOutcome;

/* How a caller runs maintenance of a set. */
typedef struct PartmanMaintainRun
{
	bool		analyze;		/* ANALYZE the parent afterwards */
	bool		may_commit;		/* the caller commits between batches */
	List	  **deferred;		/* worker: PartmanDeferredDetach to run later, or NULL */
	MemoryContext deferred_cxt; /* where those are allocated */
	char	   *error;			/* gets the last failure, or NULL */
	Size		errlen;
} PartmanMaintainRun;

extern List *partman_sets_to_maintain(Oid only, MemoryContext cxt);
extern PartmanSetOutcome partman_maintain_set(const PartmanConfig *cfg,
											  const PartmanMaintainRun *run, bool *more);
extern void partman_maintenance_finish(List *idle);
extern List *partman_deferred_detach_statements(const PartmanDeferredDetach *detach,
												char **partition);
extern void partman_log_deferred_detach(const PartmanDeferredDetach *detach,
										const char *partition, const char *failure,
										TimestampTz started);
extern List *partman_finalize_statements(MemoryContext cxt);

/* ---------------------------------------------------------------------
 * functions in pruning_diagnose.c: why a plan did (not) prune partitions,
 * pruning_reasons.c: the reason and its rewrite, pruning_hook.c: the
 * planner hook (diagnostics and the per-set guard), pruning_stats.c:
 * statistics in shared memory
 * ---------------------------------------------------------------------
 */
typedef enum PruningKind
{
	PRUNING_NONE,				/* every partition is in the plan */
	PRUNING_PLAN,				/* the planner left some out */
	PRUNING_STARTUP,			/* pruned when execution starts */
	PRUNING_RUNTIME				/* pruned during execution */
} PruningKind;

/* in order of precedence: the first one found explains the plan */
typedef enum PruningReason
{
	PRUNING_REASON_NULL = 0,	/* pruned as far as the conditions allow */
	PRUNING_REASON_NO_KEY_FILTER,
	PRUNING_REASON_JOIN_WITHOUT_KEY_FILTER,
	PRUNING_REASON_OR_WITH_OTHER_COLUMN,
	PRUNING_REASON_KEY_IN_EXPRESSION,
	PRUNING_REASON_COLLATION_MISMATCH,
	PRUNING_REASON_RANGE_ON_HASH_KEY,
	PRUNING_REASON_VOLATILE_FUNCTION,
	PRUNING_REASON_CROSS_TYPE_COMPARISON,
	PRUNING_REASON_STABLE_FUNCTION,
	PRUNING_REASON_PARAMETER,
	PRUNING_REASON_DEFAULT_PARTITION,
	PRUNING_REASON_COUNT
} PruningReason;

/* one partitioned table of a plan */
typedef struct PruningDiagnosis
{
	Oid			relid;
	Index		rti;			/* in the plan's range table */
	bool		is_root;		/* not itself a partition of a table in the plan */
	int			partitions_total;	/* leaf partitions below it */
	int			partitions_scanned; /* of those, the ones in the plan */
	PruningKind kind;
	/* filled in by partman_explain_reason */
	PruningReason reason;
	char	   *detail;			/* the reason as a sentence */
	char	   *hint;			/* a rewrite, or advice */
	bool		hint_is_rewrite;
	/* private to pruning_diagnose.c */
	bool		default_scanned;
	Index		sample_leaf;	/* a scanned leaf whose quals are analysed */
	List	   *sample_quals;
	bool		under_join;
} PruningDiagnosis;

extern bool partman_plan_has_partitioned(PlannedStmt *stmt);
extern List *partman_diagnose_plan(PlannedStmt *stmt);
extern void partman_explain_reason(PlannedStmt *stmt, PruningDiagnosis *diag);
extern const char *partman_pruning_kind_name(PruningKind kind);
extern const char *partman_pruning_reason_name(PruningReason reason);

/* settings */
extern int	partman_pruning_diagnostics;	/* 0 (off) or an elevel */
extern int	partman_pruning_diagnostics_min_partitions;
extern bool partman_pruning_policy_bypass;
extern bool partman_track_pruning;
extern int	partman_pruning_stats_max;
extern bool partman_preloaded;

extern void partman_install_planner_hook(void);
extern void partman_pruning_planning(bool start);
extern void partman_pruning_stats_request(void);
extern bool partman_pruning_stats_ready(void);
extern void partman_pruning_stats_count(Oid relid, const PruningDiagnosis *diag);

/* ---------------------------------------------------------------------
 * functions in partition_table.c and adopt.c (adoption), and the helper
 * they added to ddl.c
 * ---------------------------------------------------------------------
 */
extern void partman_copy_table_privileges(Oid from, Oid to);

/* A foreign key of another table that references a table being replaced. */
typedef struct PartmanForeignKey
{
	Oid			relid;			/* the referencing table */
	Oid			owner;			/* its owner, who runs the statements */
	char	   *drop;			/* ALTER TABLE ... DROP CONSTRAINT */
	char	   *add;			/* ALTER TABLE ... ADD CONSTRAINT ... NOT VALID */
	char	   *validate;		/* ALTER TABLE ... VALIDATE CONSTRAINT, or NULL */
} PartmanForeignKey;

extern void partman_exec_as(Oid owner, const char *sql);
extern List *partman_referencing_fks(Oid table);
extern void partman_validate_fks(List *fks);

#endif							/* PARTMAN_H */
