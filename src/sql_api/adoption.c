/*-------------------------------------------------------------------------
 *
 * adoption.c
 *	  SQL entry points that bring tables and rows under partman:
 *	  partition_data (rows of the default partition, or of a table, moved
 *	  into partitions in batches), partition_table (a
 *	  plain table made a RANGE set, online), split_partition_online (a
 *	  partition spanning several cells split cell by cell, online) and
 *	  adopt_pg_partman (pg_partman's sets registered).  Here the arguments
 *	  are read and the results returned; the work is the engines'
 *	  (engine/partition_table.c, engine/split_online.c, engine/adopt.c),
 *	  which also check that the caller owns what they change.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "sql_api.h"

PG_FUNCTION_INFO_V1(partman_partition_data);
PG_FUNCTION_INFO_V1(partman_partition_table);
PG_FUNCTION_INFO_V1(partman_split_partition_online);
PG_FUNCTION_INFO_V1(partman_adopt_pg_partman);

/*
 * PROCEDURE partman.partition_data(parent regclass, batch_rows int DEFAULT
 *		50000, source regclass DEFAULT NULL)
 */
Datum
partman_partition_data(PG_FUNCTION_ARGS)
{
	partman_require_arg(fcinfo, 0, "parent");
	partman_partition_data_run(PG_GETARG_OID(0), partman_positive_arg(fcinfo, 1, "batch_rows"),
							   PG_ARGISNULL(2) ? InvalidOid : PG_GETARG_OID(2),
							   partman_nonatomic(fcinfo));
	PG_RETURN_VOID();
}

/*
 * PROCEDURE partman.partition_table(source regclass, key text, "interval"
 *		text, premake int, default_partition bool, retention text,
 *		retention_action text, retention_schema name, time_zone text,
 *		INOUT partition regclass, INOUT partitions_created int,
 *		INOUT lock_ms float8, epoch text)
 *
 * Turns source into a RANGE-partitioned table of the same name (by time,
 * on an integer key holding Unix epoch time, with epoch 'seconds' or
 * 'milliseconds', as create_parent).  Returns
 * the old table as a partition, the number of partitions made, and the
 * longest time an ACCESS EXCLUSIVE lock on the table was held, from the
 * lock request to the commit.  Must be called with CALL outside a
 * transaction block: it commits between its phases.
 */
Datum
partman_partition_table(PG_FUNCTION_ARGS)
{
	PartmanConfig cfg;
	Oid			table;
	int			created;
	double		lock_ms;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	partman_require_arg(fcinfo, 0, "source");
	partman_require_arg(fcinfo, 1, "key");
	partman_require_arg(fcinfo, 2, "interval");
	partman_require_arg(fcinfo, 3, "premake");
	partman_require_arg(fcinfo, 4, "default_partition");
	partman_require_arg(fcinfo, 6, "retention_action");
	partman_require_arg(fcinfo, 8, "time_zone");
	partman_require_toplevel(fcinfo, "partition_table",
							 "It commits between its phases, so that no lock is held across the scan that proves the bound.");

	table = PG_GETARG_OID(0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.interval = text_to_cstring(PG_GETARG_TEXT_PP(2));
	cfg.premake = PG_GETARG_INT32(3);
	cfg.default_partition = PG_GETARG_BOOL(4);
	cfg.retention = PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5));
	cfg.retention_action = text_to_cstring(PG_GETARG_TEXT_PP(6));
	cfg.retention_schema = PG_ARGISNULL(7) ? NULL : pstrdup(NameStr(*PG_GETARG_NAME(7)));
	cfg.time_zone = text_to_cstring(PG_GETARG_TEXT_PP(8));
	/* after the INOUT results: added last, so positional calls keep working */
	cfg.epoch = PG_ARGISNULL(12) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(12));
	partman_partition_table_run(table, text_to_cstring(PG_GETARG_TEXT_PP(1)), &cfg,
								&created, &lock_ms);

	tupdesc = CreateTemplateTupleDesc(3);
	TupleDescInitEntry(tupdesc, 1, "partition", REGCLASSOID, -1, 0);
	TupleDescInitEntry(tupdesc, 2, "partitions_created", INT4OID, -1, 0);
	TupleDescInitEntry(tupdesc, 3, "lock_ms", FLOAT8OID, -1, 0);
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = ObjectIdGetDatum(table);
	values[1] = Int32GetDatum(created);
	values[2] = Float8GetDatum(lock_ms);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * PROCEDURE partman.split_partition_online(partition regclass,
 *		batch_rows int DEFAULT 50000, INOUT partitions_created int,
 *		INOUT lock_ms float8)
 *
 * Returns the number of partitions made and the time the cut-over held its
 * ACCESS EXCLUSIVE locks, from the lock request to the commit.  Must be
 * called with CALL outside a transaction block: it commits after each batch.
 */
Datum
partman_split_partition_online(PG_FUNCTION_ARGS)
{
	int			batch_rows;
	int			created;
	double		lock_ms;
	TupleDesc	tupdesc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	partman_require_arg(fcinfo, 0, "partition");
	batch_rows = partman_positive_arg(fcinfo, 1, "batch_rows");
	partman_require_toplevel(fcinfo, "split_partition_online",
							 "It commits after each batch of rows it copies.");

	created = partman_split_online(PG_GETARG_OID(0), batch_rows, &lock_ms);

	tupdesc = CreateTemplateTupleDesc(2);
	TupleDescInitEntry(tupdesc, 1, "partitions_created", INT4OID, -1, 0);
	TupleDescInitEntry(tupdesc, 2, "lock_ms", FLOAT8OID, -1, 0);
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int32GetDatum(created);
	values[1] = Float8GetDatum(lock_ms);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * partman.adopt_pg_partman(schema name, disable_pg_partman bool) RETURNS
 *		TABLE(parent text, adopted bool, carried_over text[],
 *		not_carried_over text[])
 *
 * One row per set in <schema>.part_config; a set that could not be adopted
 * has the reason in not_carried_over.
 */
Datum
partman_adopt_pg_partman(PG_FUNCTION_ARGS)
{
	List	   *adoptions;
	ListCell   *lc;

	partman_require_arg(fcinfo, 0, "schema");
	partman_require_arg(fcinfo, 1, "disable_pg_partman");
	InitMaterializedSRF(fcinfo, 0);

	adoptions = partman_adopt_sets(NameStr(*PG_GETARG_NAME(0)), PG_GETARG_BOOL(1));
	foreach(lc, adoptions)
	{
		PartmanAdoption *a = lfirst(lc);
		PartmanRow	row = {0};

		partman_row_add_text(&row, a->parent);
		partman_row_add(&row, BoolGetDatum(a->adopted));
		partman_row_add(&row, partman_text_array(a->carried));
		partman_row_add(&row, partman_text_array(a->not_carried));
		partman_row_put(fcinfo, &row);
	}
	return (Datum) 0;
}
