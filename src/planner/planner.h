/*-------------------------------------------------------------------------
 *
 * planner.h
 *	  The planner layer: the planner hook, explain_pruning, the per-set
 *	  guard and pruning statistics.  It reads plans and the catalog and never
 *	  changes tables.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_PLANNER_H
#define PARTMAN_PLANNER_H

/* ---------------------------------------------------------------------
 * functions in pruning_diagnose.c: why a plan did (not) prune partitions,
 * pruning_reasons.c with pruning_rewrite.c and pruning_verify.c (see
 * pruning_internal.h): the reason and its checked rewrite, pruning_hook.c: the
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
	PRUNING_REASON_PARTIAL_KEY,
	PRUNING_REASON_KEY_IN_EXPRESSION,
	PRUNING_REASON_KEY_TYPE_COERCION,
	PRUNING_REASON_COLLATION_MISMATCH,
	PRUNING_REASON_RANGE_ON_HASH_KEY,
	PRUNING_REASON_LIST_ON_MULTI_COLUMN_HASH_KEY,
	PRUNING_REASON_NEGATION,
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
	char	   *rewrite;		/* the rewrite alone, when hint_is_rewrite */
	char	   *rewrite_replaces;	/* the conditions it replaces */
	int			rewrite_scanned;	/* partitions the rewritten query scans */
	/* private to pruning_diagnose.c */
	bool		default_scanned;
	Index		sample_leaf;	/* a scanned leaf whose quals are analysed */
	List	   *sample_quals;
	bool		under_join;
	Bitmapset  *leaves;			/* RT indexes of the scanned leaves */
} PruningDiagnosis;

extern bool partman_plan_has_partitioned(PlannedStmt *stmt);
extern List *partman_diagnose_plan(PlannedStmt *stmt);
extern void partman_explain_reason(PlannedStmt *stmt, PruningDiagnosis *diag,
								  const char *source_text);
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

/* one table's pruning statistics, as the partman.pruning_stats view shows them */
typedef struct PartmanPruningStats
{
	Oid			relid;
	int64		queries;
	int64		pruned_queries;
	int64		full_scans;
	double		avg_partitions_scanned;
	PruningReason top_reason;	/* the most frequent, PRUNING_REASON_NULL if none */
	int64		top_reason_count;
} PartmanPruningStats;

extern List *partman_pruning_stats_read(int64 *uncounted);
extern void partman_pruning_stats_clear(void);
extern List *partman_explain_query(const char *query);

#endif							/* PARTMAN_PLANNER_H */
