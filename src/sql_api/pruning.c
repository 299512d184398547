/*-------------------------------------------------------------------------
 *
 * pruning.c
 *	  SQL entry points of the planner layer: explain_pruning (a query's
 *	  pruning, planned and never run) and the pruning statistics
 *	  (pruning_stats behind the partman.pruning_stats view, and
 *	  pruning_stats_reset).  The diagnosis is planner/pruning_diagnose.c's,
 *	  the statistics planner/pruning_stats.c's; here are the rows.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "sql_api.h"

PG_FUNCTION_INFO_V1(partman_explain_pruning);
PG_FUNCTION_INFO_V1(partman_pruning_stats);
PG_FUNCTION_INFO_V1(partman_pruning_stats_reset);

/* The name of reason, NULL for none. */
static const char *
reason_name(PruningReason reason)
{
	return reason == PRUNING_REASON_NULL ? NULL : partman_pruning_reason_name(reason);
}

/*
 * partman.explain_pruning(query text) RETURNS TABLE(relation regclass,
 *	   partitions_total int, partitions_scanned int, pruning text,
 *	   reason text, hint text)
 *		Plans the query (nothing is executed) and reports, for each
 *		partitioned table it reads, what pruning does and why not more.
 *		The caller needs the privileges that running the query would need.
 */
Datum
partman_explain_pruning(PG_FUNCTION_ARGS)
{
	char	   *query;
	ListCell   *lc;

	partman_require_arg(fcinfo, 0, "query");
	query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	InitMaterializedSRF(fcinfo, 0);

	foreach(lc, partman_explain_query(query))
	{
		PruningDiagnosis *diag = lfirst(lc);
		PartmanRow	row = {0};

		partman_row_add(&row, ObjectIdGetDatum(diag->relid));
		partman_row_add(&row, Int32GetDatum(diag->partitions_total));
		partman_row_add(&row, Int32GetDatum(diag->partitions_scanned));
		partman_row_add_text(&row, partman_pruning_kind_name(diag->kind));
		partman_row_add_text(&row, reason_name(diag->reason));
		/* with no reason, a hint is only the note on servers */
		partman_row_add_text(&row, diag->hint);
		partman_row_put(fcinfo, &row);
	}
	return (Datum) 0;
}

/*
 * partman.pruning_stats() backs the partman.pruning_stats view: this
 * database's tables.
 */
Datum
partman_pruning_stats(PG_FUNCTION_ARGS)
{
	List	   *stats;
	int64		uncounted;
	ListCell   *lc;

	stats = partman_pruning_stats_read(&uncounted);
	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, stats)
	{
		PartmanPruningStats *stat = lfirst(lc);
		PartmanRow	row = {0};

		partman_row_add(&row, ObjectIdGetDatum(stat->relid));
		partman_row_add(&row, Int64GetDatum(stat->queries));
		partman_row_add(&row, Int64GetDatum(stat->pruned_queries));
		partman_row_add(&row, Int64GetDatum(stat->full_scans));
		partman_row_add(&row, Float8GetDatum(stat->avg_partitions_scanned));
		partman_row_add_text(&row, reason_name(stat->top_reason));
		partman_row_add(&row, Int64GetDatum(stat->top_reason_count));
		partman_row_put(fcinfo, &row);
	}
	if (uncounted > 0)
		ereport(NOTICE,
				(errmsg("%lld plans were not counted because partman.pruning_stats_max tables are tracked",
						(long long) uncounted),
				 errhint("Raise partman.pruning_stats_max, or call partman.pruning_stats_reset().")));
	return (Datum) 0;
}

/*
 * partman.pruning_stats_reset() RETURNS void
 *		Forget this database's statistics.
 */
Datum
partman_pruning_stats_reset(PG_FUNCTION_ARGS)
{
	partman_pruning_stats_clear();
	PG_RETURN_VOID();
}
