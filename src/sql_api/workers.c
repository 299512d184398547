/*-------------------------------------------------------------------------
 *
 * workers.c
 *	  SQL entry points of the background workers: wake_worker (a round of
 *	  maintenance now) and workers (behind the partman.workers view).  The
 *	  workers' shared state is worker/launcher.c's; here are the rows.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(partman_wake_worker);
PG_FUNCTION_INFO_V1(partman_workers);

/*
 * partman.wake_worker() RETURNS boolean
 *		Make this database's worker run maintenance now.  False when the
 *		database has no running worker.
 */
Datum
partman_wake_worker(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(partman_wake_database_worker());
}

/* partman.workers(): the rows of the partman.workers view */
Datum
partman_workers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PartmanWorkerSlot copy[PARTMAN_MAX_DATABASES];

	/* before InitMaterializedSRF: without shared memory, its error first */
	(void) partman_require_shared();
	InitMaterializedSRF(fcinfo, 0);
	partman_copy_worker_slots(copy);

	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		if (copy[i].state == WORKER_FREE)
			continue;
		values[0] = CStringGetTextDatum(copy[i].dbname);
		values[1] = Int32GetDatum(copy[i].pid);
		nulls[1] = copy[i].pid == 0;
		values[2] = CStringGetTextDatum(partman_worker_state_name(copy[i].state));
		values[3] = TimestampTzGetDatum(copy[i].last_run);
		nulls[3] = copy[i].last_run == 0;
		values[4] = TimestampTzGetDatum(copy[i].next_run);
		nulls[4] = copy[i].next_run == 0;
		values[5] = CStringGetTextDatum(copy[i].last_error);
		nulls[5] = copy[i].last_error[0] == '\0';
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
