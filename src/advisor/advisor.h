/*-------------------------------------------------------------------------
 *
 * advisor.h
 *	  The key advisor (partman.advise_key): what it offers the SQL face
 *	  (sql_api/advise.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_ADVISOR_H
#define PARTMAN_ADVISOR_H

/* ---------------------------------------------------------------------
 * functions in advise_stats.c (what ANALYZE knows about a table's
 * columns), advise_workload.c (how the statements pg_stat_statements
 * recorded filter the table) and advise_key.c (partman.advise_key: the
 * candidates and their verdicts)
 * ---------------------------------------------------------------------
 */

/* What ANALYZE gathered about one column, as the key advisor needs it. */
typedef struct AdviseColumn
{
	AttrNumber	attnum;
	char	   *name;
	Oid			typid;
	bool		is_time;		/* date, timestamp, timestamptz */
	bool		is_integer;		/* smallint, integer, bigint */
	bool		has_btree;		/* can be a RANGE or LIST key */
	bool		has_hash;		/* can be a HASH key */
	double		null_frac;
	double		ndistinct;		/* estimated number of distinct values */
	bool		has_correlation;
	double		correlation;	/* of values with the physical row order */
	double		top_freq;		/* share of rows holding the most common value */
	char	   *top_value;		/* that value as text, or NULL */
	double		mcv_total;		/* share of rows holding a most common value */
	bool		has_span;
	double		min_value;		/* numbers; seconds since 2000 for time */
	double		max_value;
} AdviseColumn;

typedef struct AdviseTable
{
	Oid			relid;
	char	   *name;
	int			natts;
	double		rows;			/* pg_class estimate (leaves summed if partitioned) */
	List	   *columns;		/* of AdviseColumn, by attnum */
	char	   *retention;		/* of a managed set, or NULL */
	char	   *current_key;	/* the column it is partitioned by, or NULL */
	List	   *unique_indexes; /* of AdviseIndex */
} AdviseTable;

/* A unique index: a partitioned table's must contain the partition key. */
typedef struct AdviseIndex
{
	char	   *name;
	Bitmapset  *attnums;		/* its plain columns */
} AdviseIndex;

extern void partman_advise_read_table(Oid relid, AdviseTable *table);

/* How one statement restricts one column of the table, weakest first. */
typedef enum AdviseAccess
{
	ADVISE_NONE,				/* no filter on the column */
	ADVISE_UNPRUNABLE,			/* filtered, but in no form pruning uses */
	ADVISE_JOIN,				/* only joined by equality to another table */
	ADVISE_RANGE,				/* <, <=, >, >=, BETWEEN with a known value */
	ADVISE_EQUAL				/* = or IN with known values */
} AdviseAccess;

typedef struct AdviseStatement
{
	double		calls;
	double		time_ms;
	AdviseAccess *access;		/* per column, indexed by attnum - 1 */
	char	  **partner;		/* per column: "table.column" it joins, or NULL */
} AdviseStatement;

typedef struct AdviseWorkload
{
	bool		known;			/* statements were read and some read the table */
	char	   *unknown_reason; /* why not, when !known */
	char	   *unknown_hint;
	List	   *statements;		/* of AdviseStatement */
	int			not_analysed;	/* mention the table but failed parse analysis */
	int			hidden;			/* texts pg_stat_statements did not show us */
} AdviseWorkload;

extern void partman_advise_read_workload(const AdviseTable *table, AdviseWorkload *workload);

/* One candidate key, as a row of partman.advise_key. */
typedef struct AdviseRow
{
	const char *key;			/* quoted column(s) */
	const char *strategy;
	const char *interval;		/* or NULL */
	const char *score;			/* 0.00 to 1.00, as numeric input */
	const char *distribution;
	const char *query_fit;
	const char *cross_partition;
	const char *verdict;
	List	   *reasons;		/* of char * */
} AdviseRow;

extern List *partman_advise(Oid relid, bool shard);

#endif							/* PARTMAN_ADVISOR_H */
