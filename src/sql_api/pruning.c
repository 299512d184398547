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

PG_FUNCTION_INFO_V1(partman_explain_pruning);
PG_FUNCTION_INFO_V1(partman_pruning_stats);
PG_FUNCTION_INFO_V1(partman_pruning_stats_reset);

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
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *query;
	ListCell   *lc;

	partman_require_arg(fcinfo, 0, "query");
	query = text_to_cstring(PG_GETARG_TEXT_PP(0));
	InitMaterializedSRF(fcinfo, 0);

	foreach(lc, partman_explain_query(query))
	{
		PruningDiagnosis *diag = lfirst(lc);
		Datum		values[6];
		bool		nulls[6] = {false};

		values[0] = ObjectIdGetDatum(diag->relid);
		values[1] = Int32GetDatum(diag->partitions_total);
		values[2] = Int32GetDatum(diag->partitions_scanned);
		values[3] = CStringGetTextDatum(partman_pruning_kind_name(diag->kind));
		if (diag->reason == PRUNING_REASON_NULL)
			nulls[4] = true;
		else
			values[4] = CStringGetTextDatum(partman_pruning_reason_name(diag->reason));
		/* with no reason, a hint is only the note on servers */
		if (diag->hint)
			values[5] = CStringGetTextDatum(diag->hint);
		else
			nulls[5] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
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
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *stats;
	int64		uncounted;
	ListCell   *lc;

	stats = partman_pruning_stats_read(&uncounted);
	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, stats)
	{
		PartmanPruningStats *row = lfirst(lc);
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = ObjectIdGetDatum(row->relid);
		values[1] = Int64GetDatum(row->queries);
		values[2] = Int64GetDatum(row->pruned_queries);
		values[3] = Int64GetDatum(row->full_scans);
		values[4] = Float8GetDatum(row->avg_partitions_scanned);
		if (row->top_reason != PRUNING_REASON_NULL)
			values[5] = CStringGetTextDatum(partman_pruning_reason_name(row->top_reason));
		else
			nulls[5] = true;
		values[6] = Int64GetDatum(row->top_reason_count);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
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
