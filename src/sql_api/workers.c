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

#include "sql_api.h"

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
	PartmanWorkerSlot copy[PARTMAN_MAX_DATABASES];

	/* before InitMaterializedSRF: without shared memory, its error first */
	(void) partman_require_shared();
	InitMaterializedSRF(fcinfo, 0);
	partman_copy_worker_slots(copy);

	for (int i = 0; i < PARTMAN_MAX_DATABASES; i++)
	{
		PartmanRow	row = {0};

		if (copy[i].state == WORKER_FREE)
			continue;
		partman_row_add_text(&row, copy[i].dbname);
		partman_row_add_if(&row, copy[i].pid != 0, Int32GetDatum(copy[i].pid));
		partman_row_add_text(&row, partman_worker_state_name(copy[i].state));
		partman_row_add_if(&row, copy[i].last_run != 0, TimestampTzGetDatum(copy[i].last_run));
		partman_row_add_if(&row, copy[i].next_run != 0, TimestampTzGetDatum(copy[i].next_run));
		partman_row_add_text(&row, copy[i].last_error[0] != '\0' ? copy[i].last_error : NULL);
		partman_row_put(fcinfo, &row);
	}
	return (Datum) 0;
}
