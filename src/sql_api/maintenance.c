/*-------------------------------------------------------------------------
 *
 * maintenance.c
 *	  SQL entry points of maintenance: run_maintenance (every enabled set
 *	  the caller may manage, or one) and maintenance_plan (the dry run).
 *	  What a set needs, and doing it, is maintenance/maintenance.c's; at top
 *	  level (CALL outside a transaction block) each set that changed is
 *	  committed on its own, inside a transaction block everything stays in
 *	  it.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "sql_api.h"

PG_FUNCTION_INFO_V1(partman_run_maintenance);
PG_FUNCTION_INFO_V1(partman_maintenance_plan);

/*
 * One NOTICE for a set that maintenance changed: what it made, retired and
 * rescued (none for a set left as it was; a failure has its WARNING).
 */
static void
report_set(Oid parent, const PartmanMaintainCounts *counts)
{
	if (counts->created == 0 && counts->retired == 0 && counts->rescued == 0)
		return;
	ereport(NOTICE,
			(errmsg("maintenance of table \"%s\": partitions created: %d, retired: %d, rows rescued: " UINT64_FORMAT,
					get_rel_name(parent), counts->created, counts->retired, counts->rescued)));
}

/*
 * partman.run_maintenance(parent regclass DEFAULT NULL, analyze bool DEFAULT
 *		false) PROCEDURE
 *		Maintain every set with maintenance_enabled that the caller may manage
 *		(or only parent), then prune partman.maintenance_log.
 */
Datum
partman_run_maintenance(PG_FUNCTION_ARGS)
{
	int			spi_level;
	bool		nonatomic = partman_nonatomic(fcinfo);
	bool		analyze = !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	MemoryContext callcxt = CurrentMemoryContext;
	PartmanMaintainCounts counts;
	PartmanMaintainRun run = {analyze, nonatomic, NULL, NULL, NULL, 0, &counts};
	List	   *parents;
	List	   *idle = NIL;
	ListCell   *lc;

	/* at top level, each set that changed commits on its own */
	spi_level = partman_spi_connect(nonatomic);
	parents = partman_sets_to_maintain(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), callcxt);
	foreach(lc, parents)
	{
		PartmanConfig *cfg = lfirst(lc);
		PartmanSetOutcome outcome;
		bool		more = false;

		memset(&counts, 0, sizeof(counts));
		do
		{
			CHECK_FOR_INTERRUPTS();
			outcome = partman_maintain_set(cfg, &run, &more);
			if (outcome != PARTMAN_SET_IDLE && nonatomic)
				partman_spi_commit();
		} while (more);
		report_set(cfg->parent, &counts);
		if (outcome == PARTMAN_SET_IDLE)
		{
			MemoryContext old = MemoryContextSwitchTo(callcxt);

			idle = lappend_oid(idle, cfg->parent);
			MemoryContextSwitchTo(old);
		}
	}
	partman_maintenance_finish(idle);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/*
 * partman.maintenance_plan(parent regclass DEFAULT NULL) RETURNS TABLE(
 *		parent regclass, action text, partition text, statement text,
 *		lock_mode text, reason text)
 *		The dry run: what run_maintenance would do now, as statements that
 *		each run on their own at top level (psql \gexec).
 */
Datum
partman_maintenance_plan(PG_FUNCTION_ARGS)
{
	int			spi_level;
	List	   *parents;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	spi_level = partman_spi_connect(false);
	parents = partman_sets_to_maintain(PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0),
									   CurrentMemoryContext);
	foreach(lc, parents)
	{
		PartmanConfig *cfg = lfirst(lc);
		ListCell   *rc;

		foreach(rc, partman_plan_rows(cfg))
		{
			PartmanPlanRow *step = lfirst(rc);
			PartmanRow	row = {0};

			partman_row_add(&row, ObjectIdGetDatum(cfg->parent));
			partman_row_add_text(&row, step->action);
			partman_row_add_text(&row, step->partition);
			partman_row_add_text(&row, step->statement);
			partman_row_add_text(&row, step->lock_mode);
			partman_row_add_text(&row, step->reason);
			partman_row_put(fcinfo, &row);
		}
	}
	partman_spi_finish(spi_level);
	return (Datum) 0;
}
