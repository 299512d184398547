/*-------------------------------------------------------------------------
 *
 * partman.h
 *	  What every source file includes: PostgreSQL's basics, the types the
 *	  layers share (a set's key, partitions, bounds, settings, the template
 *	  of a new partition), partman.c's settings, spi.c, and then one header
 *	  per layer, each saying what it offers to the layers above:
 *
 *	  bounds/bounds.h            grid, value text, names (pure)
 *	  catalog/catalog.h          PostgreSQL's catalogs, part_config, maintenance_log
 *	  ddl/ddl.h                  every statement against user tables
 *	  engine/engine.h            operations, RANGE / LIST / HASH / composite sets
 *	  maintenance/maintenance.h  planning and running one set's maintenance
 *	  worker/worker.h            launcher, workers, the worker's round
 *	  planner/planner.h          planner hook, explain_pruning, guard, statistics
 *
 *	  (sql_api/ holds the SQL entry points, which offer nothing to others;
 *	  sql_api/sql_api.h is what they share among themselves.)
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

/* Hard limits on user input, so a typo cannot create millions of tables. */
#define PARTMAN_MAX_PREMAKE			10000
#define PARTMAN_MAX_NEW_PARTITIONS	20000
#define PARTMAN_MAX_HASH_MODULUS	4096

/* ---------------------------------------------------------------------
 * Types shared by the layers
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

typedef enum GridKind
{
	GRID_MONTHS,				/* calendar months (and years) */
	GRID_DAYS,					/* calendar days (and weeks) */
	GRID_WALLCLOCK,				/* fixed steps of wall-clock time within a day */
	GRID_INTEGER				/* integer widths */
} GridKind;

/*
 * How a time grid's instants are written in a key that is not a time type:
 * Unix epoch seconds or milliseconds in an integer key, or the 48-bit
 * millisecond timestamp of a UUIDv7 key (its other bits zero in bounds).
 */
typedef enum TimeEncoding
{
	TIME_NATIVE,				/* timestamptz, timestamp, date, or an integer grid */
	TIME_EPOCH_SECONDS,
	TIME_EPOCH_MILLISECONDS,
	TIME_UUIDV7
} TimeEncoding;

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
	TimeEncoding encoding;		/* time grids on integer and uuid keys */
} RangeGrid;

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
	char	   *epoch;			/* 'seconds' | 'milliseconds' | NULL */
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
	List	   *servers;		/* foreign server names (char *), or NIL */
	char	   *retention_server;	/* retention_action 'move': where to */
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
	const char *server;			/* a foreign server: the partition is a
								 * foreign table on it; NULL: local */
	List	   *servers;		/* HASH: remainder r on servers[r % n];
								 * RANGE: cell k on servers[k mod n] */
} PartmanTemplate;

/* A statement and the role that runs it. */
typedef struct PartmanStatement
{
	Oid			role;
	char	   *sql;
} PartmanStatement;

/* A retired partition whose detach is deferred (worker) or left pending. */
typedef struct PartmanDeferredDetach
{
	Oid			parent;
	Oid			relid;
	Oid			owner;
	char	   *schema;			/* archive to this schema, or NULL */
} PartmanDeferredDetach;

/* ---------------------------------------------------------------------
 * functions and settings in partman.c
 * ---------------------------------------------------------------------
 */
extern int	partman_lock_timeout_ms;
extern char *partman_simulated_now;
extern int	partman_maintenance_log_days;

extern TimestampTz partman_now(void);
extern int32 partman_positive_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern void partman_refuse_table(const char *relname, const char *change, const char *why,
								 const char *detail, const char *hint) pg_attribute_noreturn();
extern void partman_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern bool partman_nonatomic(FunctionCallInfo fcinfo);
extern void partman_require_toplevel(FunctionCallInfo fcinfo, const char *procedure,
									 const char *why);

/* ---------------------------------------------------------------------
 * functions in spi.c: every query partman runs, with search_path pinned
 * ---------------------------------------------------------------------
 */
extern void partman_pin_search_path(void);
extern int	partman_spi_connect(bool nonatomic);
extern void partman_spi_commit(void);
extern void partman_spi_finish(int level);
extern void partman_spi_exec(const char *sql, int expected);
extern uint64 partman_spi_select(const char *sql, int nargs, Oid *argtypes, Datum *values,
								 const char *what);
extern uint64 partman_fresh_select(const char *sql, int nargs, Oid *argtypes, Datum *values,
								   const char *what);
extern void partman_spi_one_row(const char *what, int ncolumns);

#include "bounds/bounds.h"
#include "catalog/catalog.h"
#include "ddl/ddl.h"
#include "engine/engine.h"
#include "maintenance/maintenance.h"
#include "worker/worker.h"
#include "planner/planner.h"
#include "advisor/advisor.h"

#endif							/* PARTMAN_H */
