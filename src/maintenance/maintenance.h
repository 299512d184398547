/*-------------------------------------------------------------------------
 *
 * maintenance.h
 *	  Maintenance: plans one set (premake, rescue, retention, security) and
 *	  carries the plan out; maintenance_plan prints the statements the run
 *	  executes.  run_maintenance and the worker's round call it.
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_MAINTENANCE_H
#define PARTMAN_MAINTENANCE_H

/* ---------------------------------------------------------------------
 * functions in maintenance.c
 * ---------------------------------------------------------------------
 */
typedef enum PartmanSetOutcome
{
	PARTMAN_SET_IDLE,			/* nothing to do, and nothing failing */
	PARTMAN_SET_CHANGED,		/* work done, or a failure cleared */
	PARTMAN_SET_FAILED			/* failed or skipped; logged */
} PartmanSetOutcome;

/* What maintenance of a set did, for run_maintenance's summary NOTICE. */
typedef struct PartmanMaintainCounts
{
	int			created;		/* partitions (and sub-partitions) made */
	int			retired;		/* dropped, detached or archived */
	uint64		rescued;		/* rows moved out of default partitions */
} PartmanMaintainCounts;

/* How a caller runs maintenance of a set. */
typedef struct PartmanMaintainRun
{
	bool		analyze;		/* ANALYZE the parent afterwards */
	bool		may_commit;		/* the caller commits between batches */
	List	  **deferred;		/* worker: PartmanDeferredDetach to run later, or NULL */
	MemoryContext deferred_cxt; /* where those are allocated */
	char	   *error;			/* gets the last failure, or NULL */
	Size		errlen;
	PartmanMaintainCounts *counts;	/* adds what committed steps did, or NULL */
} PartmanMaintainRun;

/* A row of maintenance_plan: a step's statement and the lock it takes. */
typedef struct PartmanPlanRow
{
	const char *action;			/* create, rescue, drop, detach, archive, secure */
	char	   *partition;
	char	   *statement;		/* ends with ";" */
	const char *lock_mode;
	char	   *reason;
} PartmanPlanRow;

extern List *partman_sets_to_maintain(Oid only, MemoryContext cxt);
extern List *partman_plan_rows(const PartmanConfig *cfg);
extern PartmanSetOutcome partman_maintain_set(const PartmanConfig *cfg,
											  const PartmanMaintainRun *run, bool *more);
extern void partman_maintenance_finish(List *idle);
extern List *partman_deferred_detach_statements(const PartmanDeferredDetach *detach,
												char **partition);
extern void partman_log_deferred_detach(const PartmanDeferredDetach *detach,
										const char *partition, const char *failure,
										TimestampTz started);
extern List *partman_finalize_statements(MemoryContext cxt);

#endif							/* PARTMAN_MAINTENANCE_H */
