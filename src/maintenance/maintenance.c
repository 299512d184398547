/*-------------------------------------------------------------------------
 *
 * maintenance.c
 *	  Keeping sets maintained: premake, rescue of rows parked in the default
 *	  partition, retention and closing partitions of parents with row-level
 *	  security.  One planner, plan_set(), decides what a set needs;
 *	  partman_maintain_set carries the plan out (for run_maintenance and the
 *	  worker's round) and partman_plan_rows shows it as the statements that
 *	  run (maintenance_plan, the dry run).
 *
 * Per set:
 *	- an advisory lock per set (never waited for) keeps the worker, pg_cron
 *	  and manual calls from maintaining the same set at once;
 *	- the set's work runs in a subtransaction: a failure is logged in
 *	  partman.maintenance_log and part_config.last_error, and the other sets
 *	  go on;
 *	- a lock that is not granted within partman.lock_timeout is retried twice
 *	  with backoff, and then the set is skipped until the next run: other
 *	  sessions never queue behind maintenance for longer than lock_timeout;
 *	- a caller that may commit gets a set too big for one transaction's
 *	  locks in batches; one that may not is refused up front.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "utils/guc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"


/* advisory lock key space: (PARTMAN_LOCK_CLASS, parent oid) */
#define PARTMAN_LOCK_CLASS	0x7061726d	/* "parm" */
#define LOCK_RETRIES		2

typedef enum StepAction
{
	STEP_DEFAULT,				/* make the missing default partition */
	STEP_CREATE,				/* make a missing partition */
	STEP_RESCUE,				/* make it, moving parked default rows into it */
	STEP_BLOCKED,				/* too many parked rows: leave to partition_data */
	STEP_DROP,
	STEP_DETACH,
	STEP_ARCHIVE,
	STEP_SECURE,				/* close a partition of a parent with RLS */
	STEP_MOVE					/* retention 'move': to retention_server */
} StepAction;

static const char *const step_names[] = {
	"create", "create", "rescue", "rescue", "drop", "detach", "archive", "secure", "move"
};

typedef struct MaintenanceStep
{
	StepAction	action;
	char	   *partition;		/* name (new) or qualified name (existing) */
	Oid			relid;			/* existing partition (retention) */
	PartmanBound bound;			/* new partition */
	uint64		parked_rows;	/* default-partition rows of the bound */
	char	   *reason;
	PartmanMissingSub *sub;		/* new sub-partition of a composite set */
	const char *server;			/* new partition: its server, or NULL */
} MaintenanceStep;

/* ---------------------------------------------------------------------
 * Planning
 * ---------------------------------------------------------------------
 */

static MaintenanceStep *
new_step(StepAction action, const char *partition, char *reason)
{
	MaintenanceStep *step = palloc0(sizeof(MaintenanceStep));

	step->action = action;
	step->partition = pstrdup(partition);
	step->reason = reason;
	return step;
}

/*
 * A step whose bound holds rows parked in a default partition: a rescue when
 * there are at most max_rescue_rows of them, else blocked (what says what to
 * do instead).  Returns the step's reason, which starts with why.
 */
static char *
rescue_or_block(const PartmanSet *set, MaintenanceStep *step, const char *why, const char *what)
{
	step->action = step->parked_rows <= (uint64) set->cfg.max_rescue_rows ?
		STEP_RESCUE : STEP_BLOCKED;
	if (step->action == STEP_RESCUE)
		return psprintf("%s move into it", why);
	return psprintf("%s, more than max_rescue_rows: %s", why, what);
}

/* Steps that make missing partitions up to premake ahead. */
static List *
plan_premake(const PartmanSet *set)
{
	const PartmanKey *key = &set->key;
	const RangeGrid *grid = &set->grid;
	List	   *steps = NIL;
	int64		current = partman_current_cell(key, grid);
	int64		first = current;
	int64		last = partman_premake_horizon(grid, current, set->cfg.premake);
	int64		span_first;
	int64		span_last;
	Datum		newest_upper;
	Oid			deflt;
	char	   *default_name;
	int64	   *missing;
	int			nmissing;
	bool		parked = false;
	bool		has_expiry = false;
	Datum		expiry = (Datum) 0;

	/* fill from after the newest partition, so no cell up to now is left out */
	if (partman_range_upper(key->parent, true, &newest_upper))
	{
		first = partman_grid_cell_of(grid, newest_upper);
		if (partman_compare_keys(key, partman_grid_bound(grid, first), newest_upper) < 0)
			first++;
	}
	/* at the end of the key type (bigint near its maximum) premake makes what fits */
	partman_grid_span(grid, &span_first, &span_last);
	last = Min(last, span_last);
	/* the common case, cheaply: everything is made already */
	if (first > last)
		return NIL;
	deflt = partman_default_partition(key->parent);
	default_name = OidIsValid(deflt) ? partman_qualified_name(deflt) : NULL;
	missing = partman_missing_cells(key, grid, first, last, &nmissing);
	if (nmissing == 0)
		return NIL;

	/* one look at the default partition for all new bounds, then per bound */
	if (default_name)
	{
		PartmanBound span;

		memset(&span, 0, sizeof(span));
		span.lower = partman_grid_bound(grid, missing[0]);
		span.upper = partman_grid_bound(grid, missing[nmissing - 1] + 1);
		parked = partman_count_rows(default_name, partman_bound_condition(key, &span)) > 0;
	}
	/* a cell already past retention would be retired by the next run: skip it when empty */
	if (set->cfg.retention != NULL && grid->kind != GRID_INTEGER)
	{
		expiry = partman_time_threshold(grid, set->cfg.retention);
		has_expiry = true;
	}
	for (int i = 0; i < nmissing; i++)
	{
		MaintenanceStep *step = new_step(STEP_CREATE, partman_cell_name(key, grid, missing[i]),
										 psprintf("premake %d: partitions up to %d ahead of the current one",
												  set->cfg.premake, set->cfg.premake));

		step->bound.lower = partman_grid_bound(grid, missing[i]);
		step->bound.upper = partman_grid_bound(grid, missing[i] + 1);
		step->server = partman_cell_server(set->cfg.servers, missing[i]);
		if (parked)
			step->parked_rows = partman_count_rows(default_name,
												   partman_bound_condition(key, &step->bound));
		if (has_expiry && step->parked_rows == 0 &&
			partman_compare_keys(key, step->bound.upper, expiry) <= 0)
			continue;
		if (step->parked_rows > 0 && step->server != NULL)
		{
			/*
			 * postgres_fdw's connection could not see the table partman makes
			 * on the server before commit: the rows cannot move there now
			 */
			step->action = STEP_BLOCKED;
			step->reason = psprintf("premake %d; " UINT64_FORMAT " rows parked in the default partition, and its partition belongs on server \"%s\": run partman.partition_data, which makes it here, then move it",
									set->cfg.premake, step->parked_rows, step->server);
		}
		else if (step->parked_rows > 0)
			step->reason = rescue_or_block(set, step,
								  psprintf("premake %d; " UINT64_FORMAT " rows parked in the default partition",
										   set->cfg.premake, step->parked_rows),
								  "run partman.partition_data");
		steps = lappend(steps, step);
	}
	return steps;
}

/* Steps that retire partitions past retention. */
static List *
plan_retention(const PartmanSet *set)
{
	const PartmanKey *key = &set->key;
	List	   *steps = NIL;
	List	   *parts;
	ListCell   *lc;
	Datum		threshold;
	Datum		newest;
	bool		has_newest;
	StepAction	action;

	if (set->cfg.retention == NULL)
		return NIL;
	if (set->grid.kind == GRID_INTEGER)
	{
		has_newest = partman_newest_key(key, &newest);
		if (!has_newest)
			return NIL;
		threshold = partman_integer_threshold(&set->grid, newest, set->cfg.retention);
	}
	else
	{
		Datum		oldest_upper;

		threshold = partman_time_threshold(&set->grid, set->cfg.retention);
		/* the common case, cheaply: the oldest partition is not expired yet */
		if (!partman_range_upper(key->parent, false, &oldest_upper) ||
			partman_compare_keys(key, oldest_upper, threshold) > 0)
			return NIL;
		has_newest = partman_newest_key(key, &newest);
	}

	action = strcmp(set->cfg.retention_action, "drop") == 0 ? STEP_DROP :
		strcmp(set->cfg.retention_action, "detach") == 0 ? STEP_DETACH :
		strcmp(set->cfg.retention_action, "move") == 0 ? STEP_MOVE : STEP_ARCHIVE;
	parts = partman_list_partitions(key->parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (part->is_default || part->upper_unbounded ||
			partman_compare_keys(key, part->upper, threshold) > 0)
			continue;
		/* moved already (or placed on a server from the start) */
		if (action == STEP_MOVE && get_rel_relkind(part->relid) != RELKIND_RELATION)
			continue;
		/* never the partition that holds the newest row */
		if (has_newest && partman_compare_keys(key, newest, part->upper) < 0 &&
			(part->lower_unbounded || partman_compare_keys(key, newest, part->lower) >= 0))
			continue;
		{
			MaintenanceStep *step = new_step(action, partman_qualified_name(part->relid),
											 psprintf("retention %s: upper bound %s is at or before %s",
													  set->cfg.retention,
													  partman_value_to_text(key->typid, part->upper),
													  partman_value_to_text(key->typid, threshold)));

			step->relid = part->relid;
			steps = lappend(steps, step);
		}
	}
	return steps;
}

/*
 * Steps that make the LIST sub-partitions sub_list_values names and
 * existing partitions of a composite set lack (values added after those
 * partitions were made), rescuing the rows of those values parked in the
 * partitions' default sub-partitions.
 */
static List *
plan_subpartitions(const PartmanSet *set)
{
	List	   *missing = partman_missing_subpartitions(&set->key, &set->cfg);
	List	   *steps = NIL;
	ListCell   *lc;

	foreach(lc, missing)
	{
		PartmanMissingSub *sub = lfirst(lc);
		MaintenanceStep *step = new_step(STEP_CREATE, sub->name,
										 psprintf("sub_list_values names it and partition \"%s\" lacks it",
												  sub->key.relname));
		Oid			deflt = partman_default_partition(sub->key.parent);

		step->sub = sub;
		if (OidIsValid(deflt))
			step->parked_rows = partman_count_rows(partman_qualified_name(deflt),
												   partman_bound_condition(&sub->key, &sub->bound));
		if (step->parked_rows > 0)
			step->reason = rescue_or_block(set, step,
								  psprintf("sub_list_values names it; " UINT64_FORMAT " rows parked in default sub-partition \"%s\"",
										   step->parked_rows, get_rel_name(deflt)),
								  "create it with partman.create_partition");
		steps = lappend(steps, step);
	}
	return steps;
}

/*
 * Steps that close the partitions of a parent with row-level security that
 * a query could read around its policies (made before the parent had them,
 * or granted to by hand): see ddl.c.
 */
static List *
plan_security(const PartmanSet *set)
{
	Oid			parent = set->key.parent;
	List	   *steps = NIL;
	ListCell   *lc;

	if (!partman_class_rowsecurity(parent))
		return NIL;
	foreach(lc, find_all_inheritors(parent, NoLock, NULL))
	{
		Oid			relid = lfirst_oid(lc);
		MaintenanceStep *step;

		if (relid == parent || partman_partition_is_secured(relid))
			continue;
		step = new_step(STEP_SECURE, partman_qualified_name(relid),
						pstrdup("the parent has row-level security: the partition gets no privileges and row-level security with no policy, so it cannot be read around the parent's policies"));
		step->relid = relid;
		steps = lappend(steps, step);
	}
	return steps;
}

/*
 * The name of a new default partition: <parent>_default, or when a table of
 * that name exists (a default partition detached by hand and kept, say)
 * the first free one of <parent>_default_2, _3, ...
 */
static char *
free_default_name(const PartmanKey *key)
{
	Oid			nspid = get_rel_namespace(key->parent);
	char	   *name = partman_default_name(key, 1);

	for (int i = 2; OidIsValid(get_relname_relid(name, nspid)); i++)
	{
		if (i > 100)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_TABLE),
					 errmsg("no free name for a default partition of table \"%s\"", key->relname),
					 errhint("Create it with partman.create_partition(..., is_default => true, name => '...').")));
		name = partman_default_name(key, i);
	}
	return name;
}

/*
 * A step that makes the default partition again when default_partition is
 * on and the set has none (dropped by hand): until then, rows that fit no
 * partition are refused.  Dropping it with partman.drop_partition turns the
 * setting off instead.
 */
static List *
plan_default(const PartmanSet *set)
{
	const PartmanKey *key = &set->key;

	/* PostgreSQL allows no default partition in a HASH set */
	if (!set->cfg.default_partition || key->strategy == PARTITION_STRATEGY_HASH ||
		OidIsValid(partman_default_partition(key->parent)))
		return NIL;
	return list_make1(new_step(STEP_DEFAULT, free_default_name(key),
							   psprintf("default_partition is true and table \"%s\" has no default partition",
										key->relname)));
}

/*
 * What a set needs now, in the order it is done.  Gaps between RANGE
 * partitions are left alone: a partition in the middle is gone only because
 * somebody removed it, perhaps on purpose (to reload it, or to keep its
 * rows out), so partman.sets reports the gap and a DBA decides.
 */
static List *
plan_set(const PartmanSet *set)
{
	List	   *steps = list_concat(plan_default(set), plan_security(set));

	if (!set->has_grid)
		return steps;
	return list_concat(list_concat(list_concat(steps, plan_premake(set)),
								   plan_subpartitions(set)),
					   plan_retention(set));
}

/* ---------------------------------------------------------------------
 * Doing
 * ---------------------------------------------------------------------
 */

/*
 * A detach that the worker defers to DETACH ... CONCURRENTLY after the set's
 * transaction (PostgreSQL allows it only without a default partition).
 */
static bool
step_is_deferred(const PartmanSet *set, const MaintenanceStep *step,
				 const PartmanMaintainRun *run)
{
	return (step->action == STEP_DETACH || step->action == STEP_ARCHIVE) &&
		run->deferred != NULL && !OidIsValid(partman_default_partition(set->key.parent));
}

/* Whether the step locks tables until commit (counted against the lock budget). */
static bool
step_takes_locks(const PartmanSet *set, const MaintenanceStep *step,
				 const PartmanMaintainRun *run)
{
	return step->action != STEP_BLOCKED && !step_is_deferred(set, step, run);
}

/* Count a step done for the summary (see PartmanMaintainCounts). */
static void
count_step(const MaintenanceStep *step, PartmanMaintainCounts *counts)
{
	switch (step->action)
	{
		case STEP_DEFAULT:
		case STEP_CREATE:
			counts->created++;
			break;
		case STEP_RESCUE:
			counts->created++;
			counts->rescued += step->parked_rows;
			break;
		case STEP_DROP:
		case STEP_DETACH:
		case STEP_ARCHIVE:
		case STEP_MOVE:
			counts->retired++;
			break;
		case STEP_BLOCKED:
		case STEP_SECURE:
			break;
	}
}

static void
execute_step(const PartmanSet *set, const PartmanTemplate *tmpl, MaintenanceStep *step,
			 const PartmanMaintainRun *run)
{
	const PartmanKey *key = &set->key;
	TimestampTz started = GetCurrentTimestamp();
	char	   *detail = NULL;

	switch (step->action)
	{
		case STEP_DEFAULT:
			(void) partman_create_partition(key, tmpl, step->partition, "DEFAULT");
			break;
		case STEP_CREATE:
			if (step->sub)
				(void) partman_create_missing_sub(tmpl, step->sub);
			else
			{
				PartmanTemplate placed = *tmpl;

				placed.server = step->server;
				(void) partman_create_range_partition(key, &placed, step->partition,
													  step->bound.lower, step->bound.upper);
			}
			break;
		case STEP_RESCUE:
			if (step->sub)
				(void) partman_create_missing_sub(tmpl, step->sub);
			else
				(void) partman_create_with_rescue(key, tmpl, step->partition, &step->bound);
			detail = psprintf("moved " UINT64_FORMAT " rows from the default %spartition",
							  step->parked_rows, step->sub ? "sub-" : "");
			break;
		case STEP_BLOCKED:
			partman_log_step(key->parent, step_names[step->action], step->partition,
					 step->sub ? "needs create_partition" : "needs partition_data",
					 step->reason, started);
			ereport(WARNING,
					(errmsg("partition \"%s\" of table \"%s\" was not created", step->partition,
							key->relname),
					 errdetail("%s", step->reason)));
			return;
		case STEP_DETACH:
		case STEP_ARCHIVE:
			if (step_is_deferred(set, step, run))
			{
				MemoryContext old = MemoryContextSwitchTo(run->deferred_cxt);
				PartmanDeferredDetach *detach = palloc0(sizeof(PartmanDeferredDetach));

				detach->parent = key->parent;
				detach->relid = step->relid;
				detach->owner = key->owner;
				if (step->action == STEP_ARCHIVE)
					detach->schema = pstrdup(set->cfg.retention_schema);
				*run->deferred = lappend(*run->deferred, detach);
				MemoryContextSwitchTo(old);
				return;
			}
			/* FALLTHROUGH */
		case STEP_DROP:
			partman_lock_relation(step->relid, AccessExclusiveLock);
			partman_retire_partition(key, step->relid, set->cfg.retention_action,
									 set->cfg.retention_schema);
			break;
		case STEP_SECURE:
			partman_lock_relation(step->relid, AccessExclusiveLock);
			partman_ddl_exec_list(partman_secure_partition_statements(step->relid));
			break;
		case STEP_MOVE:
			/* in this transaction: copy, verify and cut over (engine/move_partition.c) */
			detail = psprintf("to server \"%s\", cut-over lock %.1f ms", set->cfg.retention_server,
							  partman_retention_move(key, step->relid, set->cfg.retention_server));
			break;
	}
	partman_log_step(key->parent, step_names[step->action], step->partition, "done", detail, started);
}

/*
 * Carry out a set's plan.  Returns the number of steps done; *was_failing
 * tells whether the set's last run had failed.  When the caller may commit,
 * only the steps that fit the lock budget (ddl.c) are done and *more tells
 * that steps remain for the next transaction; otherwise a plan that does
 * not fit is refused before any step.
 */
static int
maintain_set(const PartmanConfig *cfg, const PartmanMaintainRun *run, bool continuing,
			 bool *was_failing, bool *more, PartmanMaintainCounts *counts)
{
	Oid			parent = cfg->parent;
	PartmanSet	set;
	List	   *steps;
	ListCell   *lc;
	PartmanTemplate tmpl;
	PartmanDdlState ddl;
	Oid			deflt;
	int			fit = INT_MAX;
	int			locking = 0;
	int			done = 0;

	*more = false;
	partman_open_set_config(cfg, &set);
	*was_failing = set.cfg.failing;
	steps = plan_set(&set);
	if (steps == NIL)
		return 0;

	/* every step changes the partition descriptor: lock once, bounded */
	partman_lock_relation(parent, AccessExclusiveLock);
	deflt = partman_default_partition(parent);
	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
	/* plan again under the locks: no row can reach the default partition now */
	steps = plan_set(&set);
	partman_read_template(&set.key, &set.cfg, &tmpl);
	if (run->may_commit)
		fit = Max(1, partman_lock_batch() / partman_locks_per_partition(parent, &tmpl));
	else
	{
		foreach(lc, steps)
			locking += step_takes_locks(&set, lfirst(lc), run) ? 1 : 0;
		partman_check_lock_budget(parent, &tmpl, locking, "maintenance",
								  "Run CALL partman.run_maintenance() outside a transaction block, where it commits in batches, or raise max_locks_per_transaction.");
	}
	partman_begin_ddl(&set.key, &ddl);
	locking = 0;
	foreach(lc, steps)
	{
		MaintenanceStep *step = lfirst(lc);

		if (!step_takes_locks(&set, step, run))
		{
			/* reported or deferred by the first batch already */
			if (!continuing)
			{
				execute_step(&set, &tmpl, step, run);
				count_step(step, counts);
				done++;
			}
			continue;
		}
		if (locking == fit)
		{
			*more = true;
			continue;
		}
		execute_step(&set, &tmpl, step, run);
		count_step(step, counts);
		locking++;
		done++;
	}
	if (run->analyze && !*more)
		partman_ddl_exec(partman_sql_analyze(partman_qualified_name(parent)));
	partman_end_ddl(&ddl);
	return done;
}

typedef struct MaintainArgs
{
	const PartmanConfig *cfg;
	const PartmanMaintainRun *run;
	bool		continuing;		/* a later batch of the same set */
	int			steps;			/* out */
	bool		was_failing;	/* out */
	bool		more;			/* out: steps left for another transaction */
	PartmanMaintainCounts counts;	/* out: what the steps did */
} MaintainArgs;

/* maintain_set, then clear a failure recorded by an earlier run */
static void
maintain_set_recorded(void *arg)
{
	MaintainArgs *args = arg;

	args->steps = maintain_set(args->cfg, args->run, args->continuing,
							   &args->was_failing, &args->more, &args->counts);
	if (args->steps > 0 || args->was_failing)
		partman_config_record_outcome(args->cfg->parent, NULL);
}

/*
 * partman_maintain_set
 *		Maintain one set in a subtransaction, retrying lock timeouts with
 *		backoff; a set whose plan is empty costs only the planning, outside
 *		any subtransaction.  With run->may_commit the caller commits after
 *		PARTMAN_SET_CHANGED and calls again while *more says that steps remain
 *		(*more is true on entry for those calls).  A failure is logged,
 *		recorded in part_config.last_error, and copied to run->error.
 */
PartmanSetOutcome
partman_maintain_set(const PartmanConfig *cfg, const PartmanMaintainRun *run, bool *more)
{
	bool		continuing = *more;
	Oid			parent = cfg->parent;
	TimestampTz started = GetCurrentTimestamp();
	LOCKTAG		tag;

	*more = false;
	partman_remote_reset_unreachable();

	/*
	 * Most sets need nothing on most runs: plan first, without the advisory
	 * lock and the subtransaction (planning only reads), and open them only
	 * when there is work.  A set whose last run failed goes the long way, so
	 * that its failure is cleared when it succeeds.
	 */
	if (!continuing && !cfg->failing)
	{
		PartmanSet	set;
		bool		idle;

		partman_open_set_config(cfg, &set);
		/*
		 * No server is asked here, where its failure would not be the set's
		 * alone: a plan that needs one (the newest key of a foreign
		 * partition) is made again in the subtransaction.
		 */
		partman_remote_skipped = false;
		partman_remote_planning_off = true;
		PG_TRY();
		{
			idle = plan_set(&set) == NIL;
		}
		PG_FINALLY();
		{
			partman_remote_planning_off = false;
		}
		PG_END_TRY();
		if (idle && !partman_remote_skipped)
			return PARTMAN_SET_IDLE;
	}

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, PARTMAN_LOCK_CLASS, parent, 2);
	if (LockAcquire(&tag, ExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		partman_log_step(parent, "maintain", NULL, "skipped",
				 "another session is maintaining this set", started);
		return PARTMAN_SET_FAILED;
	}

	for (int attempt = 0;; attempt++)
	{
		MaintainArgs args = {cfg, run, continuing, 0, false, false, {0, 0, 0}};
		ErrorData  *edata = partman_try_subtransaction(maintain_set_recorded, &args);
		int			steps = args.steps;
		bool		was_failing = args.was_failing;

		if (edata == NULL)
		{
			*more = args.more;
			/* counted only now: a failed attempt's steps were rolled back */
			if (run->counts)
			{
				run->counts->created += args.counts.created;
				run->counts->retired += args.counts.retired;
				run->counts->rescued += args.counts.rescued;
			}
			return (steps > 0 || was_failing) ? PARTMAN_SET_CHANGED : PARTMAN_SET_IDLE;
		}
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED || edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			ReThrowError(edata);
		if (edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE && attempt < LOCK_RETRIES)
		{
			/* let the conflicting session finish; nobody waits on us meanwhile */
			pg_usleep(250000L << attempt);
			CHECK_FOR_INTERRUPTS();
			continue;
		}
		if (edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY && strstr(edata->message, "shared memory"))
		{
			/* the lock table filled although the plan seemed to fit: say so */
			edata->message = psprintf("maintenance of table \"%s\" needs more locks than the lock table has room for now",
									  get_rel_name(parent));
		}
		partman_log_step(parent, "maintain", NULL,
				 edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE ? "skipped" : "failed",
				 edata->message, started);
		if (run->error)
			snprintf(run->error, run->errlen, "%s: %s", get_rel_name(parent), edata->message);
		partman_config_record_outcome(parent, edata->message);
		partman_config_record_unreachable(parent, partman_remote_unreachable());
		ereport(WARNING,
				(errmsg("maintenance of table \"%s\" %s: %s", get_rel_name(parent),
						edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE ?
						"skipped until the next run" : "failed", edata->message)));
		return PARTMAN_SET_FAILED;
	}
}

/*
 * partman_sets_to_maintain
 *		The config rows of the managed sets whose maintenance is enabled and
 *		whose owner's privileges the caller has (or just only's), allocated
 *		in cxt.
 */
List *
partman_sets_to_maintain(Oid only, MemoryContext cxt)
{
	PartmanSet	set;
	MemoryContext old;
	List	   *result;

	if (!OidIsValid(only))
		return partman_config_read_maintained(cxt);
	old = MemoryContextSwitchTo(cxt);
	partman_open_set(only, &set);
	if (!set.managed)
		partman_not_managed(set.key.parent);
	{
		PartmanConfig *cfg = palloc(sizeof(PartmanConfig));

		*cfg = set.cfg;
		result = list_make1(cfg);
	}
	MemoryContextSwitchTo(old);
	return result;
}

/*
 * partman_maintenance_finish
 *		After a run: stamp last_maintenance on the sets that needed nothing
 *		(one statement for all of them, and no commit each), then prune
 *		partman.maintenance_log.
 */
void
partman_maintenance_finish(List *idle)
{
	partman_config_record_idle(idle);
	partman_prune_log();
}

/*
 * partman_deferred_detach_statements
 *		The statements that carry out a detach the worker deferred: DETACH
 *		... CONCURRENTLY, then for archive SET SCHEMA of the table and, in a
 *		composite set, of every sub-partition.  *partition gets the
 *		partition's name for the log.  Allocated in the caller's context.
 */
List *
partman_deferred_detach_statements(const PartmanDeferredDetach *detach, char **partition)
{
	*partition = partman_qualified_name(detach->relid);
	return partman_retire_statements(detach->parent, detach->relid,
									 detach->schema ? "archive" : "detach", detach->schema,
									 "CONCURRENTLY");
}

/* Log the outcome of a deferred detach: failure is NULL when it was done. */
void
partman_log_deferred_detach(const PartmanDeferredDetach *detach, const char *partition,
							const char *failure, TimestampTz started)
{
	partman_log_step(detach->parent, detach->schema ? "archive" : "detach", partition,
			 failure ? "failed" : "done",
			 failure ? failure : "DETACH PARTITION CONCURRENTLY", started);
}

/*
 * partman_finalize_statements
 *		The statements that finish the detaches an interrupted DETACH ...
 *		CONCURRENTLY left pending in managed sets (DETACH ... FINALIZE), as
 *		PartmanStatement run by the parent's owner, allocated in cxt.
 */
List *
partman_finalize_statements(MemoryContext cxt)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, partman_config_pending_detaches(CurrentMemoryContext))
	{
		PartmanDeferredDetach *detach = lfirst(lc);
		char	   *sql = partman_sql_detach(partman_qualified_name(detach->parent),
										 partman_qualified_name(detach->relid), "FINALIZE");
		MemoryContext old = MemoryContextSwitchTo(cxt);
		PartmanStatement *statement = palloc(sizeof(PartmanStatement));

		statement->role = detach->owner;
		statement->sql = pstrdup(sql);
		result = lappend(result, statement);
		MemoryContextSwitchTo(old);
	}
	return result;
}

static List *
plan_row(List *rows, char *statement, const char *lock_mode)
{
	PartmanPlanRow *row = palloc0(sizeof(PartmanPlanRow));

	/* with ";", a saved plan also runs with psql -f */
	row->statement = psprintf("%s;", statement);
	row->lock_mode = lock_mode;
	return lappend(rows, row);
}

/* Statements joined into one that runs them in order. */
static char *
joined(List *statements)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, statements)
		appendStringInfo(&buf, "%s%s", buf.len ? "; " : "", (char *) lfirst(lc));
	return buf.data;
}

/*
 * The statements that make the step's partition: those run_maintenance
 * runs (create.c and rows.c build them for both), with the rows parked in
 * the default partition moved in for a rescue.
 */
static char *
create_statements(const PartmanSet *set, const PartmanTemplate *tmpl, const MaintenanceStep *step)
{
	if (step->sub)
	{
		PartmanTemplate sub;

		partman_sub_template(tmpl, step->sub->key.parent, &sub);
		return joined(partman_rescue_statements(&step->sub->key, &sub, step->sub->name,
												&step->sub->bound));
	}
	if (step->action == STEP_RESCUE)
		return joined(partman_rescue_statements(&set->key, tmpl, step->partition, &step->bound));
	return joined(partman_create_partition_statements(&set->key, tmpl, step->partition,
													  step->action == STEP_DEFAULT ? "DEFAULT" :
													  partman_bound_clause(&set->key, &step->bound)));
}

/*
 * What maintenance_plan shows for a step, as statements that each run on
 * their own at top level: the statements run_maintenance runs (the DDL
 * layer builds them for both), with DETACH ... CONCURRENTLY where
 * PostgreSQL allows it, as the worker runs them.  A partition that waits
 * for partition_data is shown as that call.
 */
static List *
step_plan(const PartmanSet *set, const PartmanTemplate *tmpl, const MaintenanceStep *step,
		  bool has_default)
{
	char	   *parent_name = partman_qualified_name(set->key.parent);
	List	   *rows = NIL;

	switch (step->action)
	{
		case STEP_DEFAULT:
		case STEP_CREATE:
		case STEP_RESCUE:
			/* on a server, the table there comes first: create_partition does both */
			if (step->server != NULL && step->sub == NULL && step->action != STEP_DEFAULT)
				return plan_row(rows, partman_sql_call_create_range(parent_name,
																	partman_bound_literal(set->key.typid, step->bound.lower),
																	partman_bound_literal(set->key.typid, step->bound.upper),
																	step->partition, step->server),
								psprintf("ACCESS EXCLUSIVE, and on server \"%s\"", step->server));
			return plan_row(rows, create_statements(set, tmpl, step), "ACCESS EXCLUSIVE");
		case STEP_BLOCKED:
			if (step->sub)
				return plan_row(rows, create_statements(set, tmpl, step), "ACCESS EXCLUSIVE");
			return plan_row(rows, partman_sql_call_partition_data(parent_name),
							"ACCESS EXCLUSIVE, one batch at a time");
		case STEP_DROP:
			/* on a server, the table there goes too: drop_partition does both */
			if (get_rel_relkind(step->relid) == RELKIND_FOREIGN_TABLE)
				return plan_row(rows, partman_sql_call_drop_partition(step->partition),
								psprintf("ACCESS EXCLUSIVE, and on server \"%s\"",
										 partman_partition_server(step->relid)));
			return plan_row(rows, joined(partman_drop_partition_statements(set->key.parent,
																		   step->relid)),
							"ACCESS EXCLUSIVE");
		case STEP_SECURE:
			return plan_row(rows, joined(partman_secure_partition_statements(step->relid)),
							"ACCESS EXCLUSIVE");
		case STEP_MOVE:
			return plan_row(rows, partman_sql_call_move_partition(step->partition,
																  set->cfg.retention_server),
							"SHARE ROW EXCLUSIVE while copying, ACCESS EXCLUSIVE at the cut-over");
		case STEP_DETACH:
		case STEP_ARCHIVE:
			{
				/* PostgreSQL allows CONCURRENTLY only without a default partition */
				List	   *statements = partman_retire_statements(set->key.parent, step->relid,
																   step_names[step->action],
																   set->cfg.retention_schema,
																   has_default ? NULL : "CONCURRENTLY");
				ListCell   *lc;

				foreach(lc, statements)
				{
					/* then a composite set's partition moves with its sub-partitions */
					rows = plan_row(rows, lfirst(lc),
									foreach_current_index(lc) > 0 ? "ACCESS EXCLUSIVE on the detached table" :
									has_default ? "ACCESS EXCLUSIVE" : "SHARE UPDATE EXCLUSIVE");
				}
				return rows;
			}
	}
	return rows;
}

/*
 * partman_plan_rows
 *		The dry run of one set's maintenance: what run_maintenance would do
 *		now, as PartmanPlanRow (statements that each run on their own at top
 *		level), in the order it would do it.
 */
List *
partman_plan_rows(const PartmanConfig *cfg)
{
	PartmanSet	set;
	List	   *steps;
	List	   *result = NIL;
	ListCell   *sc;
	bool		has_default;
	PartmanTemplate tmpl;

	partman_open_set_config(cfg, &set);
	steps = plan_set(&set);
	if (steps != NIL)
		partman_read_template(&set.key, &set.cfg, &tmpl);
	/* a default partition made by the plan's first step counts too */
	has_default = OidIsValid(partman_default_partition(cfg->parent)) ||
		(steps != NIL && ((MaintenanceStep *) linitial(steps))->action == STEP_DEFAULT);
	foreach(sc, steps)
	{
		MaintenanceStep *step = lfirst(sc);
		ListCell   *rc;

		foreach(rc, step_plan(&set, &tmpl, step, has_default))
		{
			PartmanPlanRow *row = lfirst(rc);

			row->action = step_names[step->action];
			row->partition = step->partition;
			row->reason = step->reason;
			result = lappend(result, row);
		}
	}
	return result;
}
