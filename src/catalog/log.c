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

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
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
	PartmanArgs args = {0};

	partman_args_add(&args, REGCLASSOID, ObjectIdGetDatum(parent));
	partman_args_text(&args, action);
	partman_args_text(&args, partition);
	partman_args_text(&args, outcome);
	partman_args_text(&args, detail);
	partman_args_add(&args, INTERVALOID,
					 DirectFunctionCall2(timestamp_mi, TimestampTzGetDatum(GetCurrentTimestamp()),
										 TimestampTzGetDatum(started)));

	/* the log is partman's, not the caller's: nobody else may write it */
	partman_catalog_write_args("maintenance_log", "INSERT INTO partman.maintenance_log "
							   "(parent, action, partition, outcome, detail, duration) "
							   "VALUES ($1, $2, $3, $4, $5, $6)",
							   &args, SPI_OK_INSERT);
}

/* Delete log rows older than partman.maintenance_log_days, as the log's owner. */
/*
 * Whether partman.maintenance_log holds a row logged before cutoff, read
 * through its index on logged_at without SQL: most runs have nothing to
 * prune, and planning the DELETE in a new session was 2% of a no-op run.
 * True when it cannot tell (no such index): the DELETE then decides.
 */
static bool
log_has_rows_before(TimestampTz cutoff)
{
	Oid			relid = get_relname_relid("maintenance_log", get_namespace_oid("partman", false));
	Relation	rel;
	AttrNumber	attnum;
	List	   *indexes;
	ListCell   *lc;
	bool		found = true;

	if (!OidIsValid(relid))
		return true;
	rel = table_open(relid, AccessShareLock);
	attnum = get_attnum(relid, "logged_at");
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		bool		usable = idx->rd_rel->relam == BTREE_AM_OID && idx->rd_index->indisvalid &&
			idx->rd_index->indkey.values[0] == attnum &&
			heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL);

		if (usable)
		{
			Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
			ScanKeyData key;
			IndexScanDesc scan;
			TupleTableSlot *slot = table_slot_create(rel, NULL);

			ScanKeyInit(&key, 1, BTLessStrategyNumber, F_TIMESTAMPTZ_LT,
						TimestampTzGetDatum(cutoff));
			scan = index_beginscan(rel, idx, snapshot, 1, 0);
			index_rescan(scan, &key, 1, NULL, 0);
			found = index_getnext_slot(scan, ForwardScanDirection, slot);
			index_endscan(scan);
			ExecDropSingleTupleTableSlot(slot);
			UnregisterSnapshot(snapshot);
		}
		index_close(idx, AccessShareLock);
		if (usable)
			break;
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
	return found;
}

void
partman_prune_log(void)
{
	/* now() - make_interval(days => n), as the DELETE computes it */
	Interval   *days = palloc0(sizeof(Interval));
	TimestampTz cutoff;

	days->day = partman_maintenance_log_days;
	cutoff = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													 TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
													 IntervalPGetDatum(days)));
	if (!log_has_rows_before(cutoff))
		return;
	partman_catalog_delete("maintenance_log", "DELETE FROM partman.maintenance_log WHERE logged_at OPERATOR(pg_catalog.<) "
						   "(pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.make_interval(days => $1))",
						   INT4OID, Int32GetDatum(partman_maintenance_log_days));
}
