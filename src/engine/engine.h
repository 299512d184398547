/*-------------------------------------------------------------------------
 *
 * engine.h
 *	  The engines: what to do to a set.  The partition operations, RANGE
 *	  sets as a whole, LIST and HASH sets, composite sets, and the engines
 *	  of partition_table, split_partition_online and adopt_pg_partman (whose
 *	  SQL entry points are in sql_api/adoption.c; partition_data keeps its
 *	  own).  Engines ask the catalog layer what is there and the DDL layer
 *	  to change it.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_ENGINE_H
#define PARTMAN_ENGINE_H

/* ---------------------------------------------------------------------
 * functions in operations.c: create, attach, detach, drop, split,
 * merge, split hash
 * ---------------------------------------------------------------------
 */
extern void partman_check_shape(const PartmanKey *key, Oid source);

extern void partman_wrong_strategy(const PartmanSet *set, const char *what, const char *fits);
extern PartmanPartition *partman_open_partition(Oid relid, PartmanSet *set);
extern void partman_refuse_subpartitioned(Oid relid, const char *what);
extern Oid	partman_op_create(const PartmanSet *set, const PartmanBound *bound, const char *name,
							  const char *server);
extern void partman_op_attach(const PartmanSet *set, Oid source, const PartmanBound *bound);
extern void partman_op_detach(const PartmanSet *set, const PartmanPartition *part,
							  const char *action, const char *schema);
extern void partman_op_drop(const PartmanSet *set, const PartmanPartition *part,
							bool only_if_empty);
extern void partman_op_split(const PartmanSet *set, const PartmanPartition *part,
							 const char *split_at, Oid *result);
extern Oid	partman_op_merge(const PartmanSet *set, const Oid *relids, int n);
extern void partman_op_split_hash(const PartmanSet *set, const PartmanPartition *part,
								  Oid *result);

/* ---------------------------------------------------------------------
 * functions in rangeset.c: RANGE sets as a whole
 * ---------------------------------------------------------------------
 */
extern int	partman_create_range_cells(const PartmanKey *key, const RangeGrid *grid,
									   const PartmanTemplate *tmpl,
									   int64 first, int64 last);
extern char *partman_cell_name(const PartmanKey *key, const RangeGrid *grid, int64 cell);
extern const char *partman_cell_server(List *servers, int64 cell);
extern int64 *partman_missing_cells(const PartmanKey *key, const RangeGrid *grid,
									int64 first, int64 last, int *n);
extern bool partman_newest_key(const PartmanKey *key, Datum *result);
extern bool partman_remote_planning_off;
extern bool partman_remote_skipped;
extern int64 partman_current_cell(const PartmanKey *key, const RangeGrid *grid);
extern int64 partman_premake_horizon(const RangeGrid *grid, int64 cell, int premake);
extern void partman_grid_reach(const RangeGrid *grid, PartmanBound *reach);

/* ---------------------------------------------------------------------
 * functions in listhash.c: LIST and HASH sets
 * ---------------------------------------------------------------------
 */
extern int	partman_create_list_partitions(const PartmanKey *key,
										   const PartmanTemplate *tmpl,
										   Datum list_values);
extern int	partman_create_hash_partitions(const PartmanKey *key,
										   const PartmanTemplate *tmpl,
										   int modulus);

/* ---------------------------------------------------------------------
 * functions in composite.c: composite sets (RANGE partitions
 * sub-partitioned by LIST or HASH)
 * ---------------------------------------------------------------------
 */
/* A LIST sub-partition that sub_list_values names and a partition lacks. */
typedef struct PartmanMissingSub
{
	PartmanKey	key;			/* of the RANGE partition that holds it */
	char	   *name;
	PartmanBound bound;
} PartmanMissingSub;

extern List *partman_missing_subpartitions(const PartmanKey *key,
										   const PartmanConfig *cfg);
extern Oid	partman_create_missing_sub(const PartmanTemplate *tmpl,
									   const PartmanMissingSub *missing);

/* ---------------------------------------------------------------------
 * functions in register.c: create_parent's engine
 * ---------------------------------------------------------------------
 */
extern int	partman_create_set(const PartmanKey *key, const PartmanConfig *cfg,
							   const char *start, int modulus, Datum list_values);

/* ---------------------------------------------------------------------
 * functions in partition_table.c: a plain table made a RANGE set, online
 * (commits between its phases)
 * ---------------------------------------------------------------------
 */
extern void partman_partition_data_run(Oid parent, int batch_rows, Oid source, bool nonatomic);
extern void partman_partition_table_run(Oid table, const char *keycol,
										const PartmanConfig *settings,
										int *created, double *lock_ms);

/* ---------------------------------------------------------------------
 * functions in split_online.c: a partition split cell by cell, online
 * (commits between its phases)
 * ---------------------------------------------------------------------
 */
extern int	partman_split_online(Oid partition, int batch_rows, double *lock_ms);

/* ---------------------------------------------------------------------
 * functions in adopt.c: pg_partman's sets registered with partman
 * ---------------------------------------------------------------------
 */
/* What became of one pg_partman set. */
typedef struct PartmanAdoption
{
	char	   *parent;			/* as pg_partman names it */
	bool		adopted;
	List	   *carried;		/* of char *: settings carried over */
	List	   *not_carried;	/* of char *: not carried over, or the error */
} PartmanAdoption;

extern List *partman_adopt_sets(const char *schema, bool disable);

/* ---------------------------------------------------------------------
 * functions in progress.c: rows/s and time left in progress NOTICEs
 * ---------------------------------------------------------------------
 */
typedef struct PartmanProgress
{
	TimestampTz started;		/* of the run */
	TimestampTz step_started;	/* of the current step (batch) */
	int			steps;			/* done */
	uint64		done;			/* units done */
	uint64		total;			/* units expected, 0 when not known */
} PartmanProgress;

extern void partman_progress_start(PartmanProgress *p, uint64 total);
extern char *partman_progress_step(PartmanProgress *p, uint64 n, const char *unit);
extern char *partman_progress_rate(const PartmanProgress *p, uint64 n, const char *unit);
extern char *partman_progress_duration(double seconds);
extern char *partman_progress_elapsed(const PartmanProgress *p);

/* ---------------------------------------------------------------------
 * functions in move_partition.c: moves to and from other servers
 * ---------------------------------------------------------------------
 */
extern double partman_move_partition_run(Oid partition, const char *server, int batch_rows,
										 bool keep_source, bool nonatomic);
extern double partman_retention_move(const PartmanKey *key, Oid relid, const char *server);

/* ---------------------------------------------------------------------
 * functions in copy_rows.c: what the online copies share
 * ---------------------------------------------------------------------
 */

/* An online copy's own steps, for the shared phases (partman_online_copy_run) */
typedef struct PartmanCopySteps
{
	const char *kind;			/* "partition" or "table", for messages */
	const char *copy_noun;		/* "its copy" or "its shards" */
	const char *procedure;		/* what to run again */
	void		(*prepare) (void *arg);
	void		(*restart) (void *arg); /* empty the targets, declare the cursor */
	void		(*load) (void *arg, struct SPITupleTable *tuptable, uint64 n);
	uint64		(*apply_round) (void *arg, int limit);
	bool		(*verify) (void *arg, char **detail, int64 *rows);
	void		(*cutover) (void *arg);
} PartmanCopySteps;

/* One online copy under way */
typedef struct PartmanOnlineCopy
{
	const PartmanCopySteps *steps;
	void	   *arg;			/* the move or sharding, passed to each step */
	const PartmanKey *key;		/* its owner acts */
	List	   *servers;		/* the servers it writes to */
	PartmanMoveState *state;	/* its row of partman.moves */
	const char *name;			/* of what is copied, for messages */
	const char *cursor;
	int			batch_rows;
	bool		nonatomic;		/* each step commits */
	bool		again;			/* set: an interrupted prepare is redone */
	MemoryContext life_cxt;		/* outlives the transactions */
	MemoryContext batch_cxt;
	PartmanDdlState ddl;
} PartmanOnlineCopy;

extern void partman_online_copy_init(PartmanOnlineCopy *c, const PartmanCopySteps *steps, void *arg,
									 const PartmanKey *key, List *servers, PartmanMoveState *state,
									 const char *name, const char *cursor, int batch_rows,
									 bool nonatomic);
extern void partman_copy_step_begin(PartmanOnlineCopy *c);
extern void partman_copy_step_end(PartmanOnlineCopy *c);
extern void partman_copy_start_journal(PartmanOnlineCopy *c, const char *source_q,
									   const char *journal_q, const char *capture_q, bool by_name,
									   bool truncate_guard);
extern double partman_online_copy_run(PartmanOnlineCopy *c);
extern void partman_render_rows_here(void);
extern char *partman_render_rows_there(void);
extern void partman_append_copy_field(StringInfo buf, const char *value);
extern void partman_append_copy_row(StringInfo buf, HeapTuple tuple, TupleDesc desc,
									int first_column);
extern char *partman_numeric_difference(struct SPITupleTable *t, uint64 row, int a, int b);
extern Datum partman_images_array(char **images, int n);
extern int	partman_row_columns(Oid relid, const char *key, char **cols, char **image,
								char **journal_image);

/* ---------------------------------------------------------------------
 * functions in shard_table.c: a table made a HASH set on other servers
 * ---------------------------------------------------------------------
 */
extern double partman_shard_table_run(Oid source, const char *key, List *servers, int modulus,
									  int batch_rows, bool nonatomic);

/* ---------------------------------------------------------------------
 * functions in health.c: the figures behind partman.sets
 * ---------------------------------------------------------------------
 */
#define PARTMAN_HEALTH_MAX_GAPS	10

typedef struct PartmanHealth
{
	Oid			typid;			/* of the key */
	int			partitions;		/* other than the default */
	char	   *oldest_bound;	/* RANGE: lower end of the oldest, or NULL */
	char	   *newest_bound;	/* RANGE: upper end of the newest, or NULL */
	int			future_partitions;	/* after the current cell; -1 unknown */
	bool		has_default_rows;	/* there are default (sub-)partitions... */
	int64		default_rows;	/* ...holding this many rows: */
	bool		default_rows_exact; /* counted now, or estimated... */
	bool		has_default_rows_as_of; /* ...from statistics counted at */
	TimestampTz default_rows_as_of;
	int			sub_partitions; /* -1 when no partition is partitioned */
	int			missing_sub_partitions; /* -1 unless LIST sub-partitioned */
	int			gaps;			/* ranges no partition covers; -1 unless RANGE */
	int			listed_gaps;	/* the first of them, with their bounds */
	Datum		gap_from[PARTMAN_HEALTH_MAX_GAPS];
	Datum		gap_to[PARTMAN_HEALTH_MAX_GAPS];
	bool		has_default;	/* the parent has a default partition */
} PartmanHealth;

extern int64 partman_estimated_rows(Oid relid);
extern void partman_set_health(Oid parent, PartmanHealth *health);

#endif							/* PARTMAN_ENGINE_H */
