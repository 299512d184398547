/*-------------------------------------------------------------------------
 *
 * log.c
 *	  partman.maintenance_log: what maintenance did.  Only partman writes it,
 *	  as the log's owner (the extension's owner), whoever runs maintenance;
 *	  everyone may read it.  Callers are connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/*
 * partman_log_step
 *		Write one row of partman.maintenance_log: what maintenance did to
 *		parent (partition may be NULL), its outcome, and how long it took
 *		since started.  Written as the log's owner.
 */
void
partman_log_step(Oid parent, const char *action, const char *partition, const char *outcome,
				 const char *detail, TimestampTz started)
{
	Oid			argtypes[6] = {REGCLASSOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INTERVALOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};

	values[0] = ObjectIdGetDatum(parent);
	values[1] = CStringGetTextDatum(action);
	if (partition)
		values[2] = CStringGetTextDatum(partition);
	else
		nulls[2] = 'n';
	values[3] = CStringGetTextDatum(outcome);
	if (detail)
		values[4] = CStringGetTextDatum(detail);
	else
		nulls[4] = 'n';
	values[5] = DirectFunctionCall2(timestamp_mi, TimestampTzGetDatum(GetCurrentTimestamp()),
									TimestampTzGetDatum(started));

	/* the log is partman's, not the caller's: nobody else may write it */
	partman_catalog_write("maintenance_log", "INSERT INTO partman.maintenance_log "
						  "(parent, action, partition, outcome, detail, duration) "
						  "VALUES ($1, $2, $3, $4, $5, $6)",
						  6, argtypes, values, nulls, SPI_OK_INSERT);
}

/* Delete log rows older than partman.maintenance_log_days, as the log's owner. */
void
partman_prune_log(void)
{
	Oid			argtypes[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(partman_maintenance_log_days)};

	partman_catalog_write("maintenance_log", "DELETE FROM partman.maintenance_log WHERE logged_at OPERATOR(pg_catalog.<) "
						  "(pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.make_interval(days => $1))",
						  1, argtypes, values, NULL, SPI_OK_DELETE);
}
