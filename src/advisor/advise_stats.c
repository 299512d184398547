/*-------------------------------------------------------------------------
 *
 * advise_stats.c
 *	  What ANALYZE knows about a table, for partman.advise_key: per column,
 *	  the share of NULLs, the number of distinct values, the most common
 *	  value and its share, the correlation of values with the physical row
 *	  order and the span of values; for the table, its estimated rows.
 *
 * Statistics come from the pg_stats view, read through SPI with
 * search_path pinned, so the caller sees exactly what pg_stats shows them:
 * no column they may not read, nothing that row-level security hides.  No
 * table data is read.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/relcache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/*
 * A statistics value as a number, for the span of a column: seconds since
 * 2000-01-01 for time types, the value itself for numbers.  False for
 * other types and for infinities.
 */
static bool
value_as_number(Oid typid, Datum value, double *result)
{
	int64		i;

	if (partman_int_value(typid, value, &i))
	{
		*result = (double) i;
		return true;
	}
	switch (typid)
	{
		case DATEOID:
			if (DATE_NOT_FINITE(DatumGetDateADT(value)))
				return false;
			*result = (double) DatumGetDateADT(value) * SECS_PER_DAY;
			return true;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)))
				return false;
			*result = (double) DatumGetTimestamp(value) / USECS_PER_SEC;
			return true;
		case FLOAT4OID:
			*result = DatumGetFloat4(value);
			return isfinite(*result);
		case FLOAT8OID:
			*result = DatumGetFloat8(value);
			return isfinite(*result);
		case NUMERICOID:
			*result = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, value));
			return isfinite(*result);
	}
	return false;
}

/* The elements of a pg_stats array column; false when it is NULL. */
static bool
stats_array(HeapTuple tuple, TupleDesc desc, int column, Oid *elemtype,
			Datum **elems, int *nelems)
{
	bool		isnull;
	Datum		datum = SPI_getbinval(tuple, desc, column, &isnull);
	ArrayType  *array;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (isnull)
		return false;
	array = DatumGetArrayTypeP(datum);
	*elemtype = ARR_ELEMTYPE(array);
	get_typlenbyvalalign(*elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, *elemtype, typlen, typbyval, typalign, elems, NULL, nelems);
	return true;
}

static double
float_column(HeapTuple tuple, TupleDesc desc, int column, bool *isnull)
{
	Datum		datum = SPI_getbinval(tuple, desc, column, isnull);

	return *isnull ? 0.0 : DatumGetFloat8(datum);
}

/* Widen the column's span to include value. */
static void
note_value(AdviseColumn *col, Oid elemtype, Datum value)
{
	double		number;

	if (!value_as_number(getBaseType(elemtype), value, &number))
		return;
	if (!col->has_span || number < col->min_value)
		col->min_value = number;
	if (!col->has_span || number > col->max_value)
		col->max_value = number;
	col->has_span = true;
}

/*
 * One row of pg_stats (joined with pg_attribute) as an AdviseColumn,
 * allocated in the current memory context.
 */
static AdviseColumn *
column_from_stats(HeapTuple tuple, TupleDesc desc, double rows)
{
	AdviseColumn *col = palloc0(sizeof(AdviseColumn));
	bool		isnull;
	Oid			basetype;
	double		distinct;
	Oid			valtype;
	Oid			freqtype;
	Datum	   *values;
	int			nvalues;
	Datum	   *freqs;
	int			nfreqs;

	col->attnum = DatumGetInt16(SPI_getbinval(tuple, desc, 1, &isnull));
	col->name = SPI_getvalue(tuple, desc, 2);
	col->typid = DatumGetObjectId(SPI_getbinval(tuple, desc, 3, &isnull));
	basetype = getBaseType(col->typid);
	col->is_time = (basetype == DATEOID || basetype == TIMESTAMPOID ||
					basetype == TIMESTAMPTZOID);
	col->is_integer = (basetype == INT2OID || basetype == INT4OID || basetype == INT8OID);
	col->has_btree = OidIsValid(GetDefaultOpClass(basetype, BTREE_AM_OID));
	col->has_hash = OidIsValid(GetDefaultOpClass(basetype, HASH_AM_OID));

	col->null_frac = float_column(tuple, desc, 4, &isnull);
	/* negative n_distinct is a share of the rows: it grows with the table */
	distinct = float_column(tuple, desc, 5, &isnull);
	col->ndistinct = distinct >= 0 ? distinct : -distinct * rows;
	col->correlation = float_column(tuple, desc, 6, &isnull);
	col->has_correlation = !isnull;

	/* most common values: pg_stats lists them most frequent first */
	if (stats_array(tuple, desc, 7, &valtype, &values, &nvalues) &&
		stats_array(tuple, desc, 8, &freqtype, &freqs, &nfreqs) &&
		nvalues == nfreqs && nvalues > 0)
	{
		Oid			output;
		bool		varlena;

		getTypeOutputInfo(valtype, &output, &varlena);
		col->top_freq = DatumGetFloat4(freqs[0]);
		col->top_value = OidOutputFunctionCall(output, values[0]);
		for (int i = 0; i < nvalues; i++)
		{
			col->mcv_total += DatumGetFloat4(freqs[i]);
			note_value(col, valtype, values[i]);
		}
	}
	/* the histogram is sorted: its ends are the smallest and largest values */
	if (stats_array(tuple, desc, 9, &valtype, &values, &nvalues) && nvalues > 0)
	{
		note_value(col, valtype, values[0]);
		note_value(col, valtype, values[nvalues - 1]);
	}
	return col;
}

/*
 * Estimated rows: pg_class.reltuples, or for a partitioned table the sum
 * over its leaves when that is larger (they are analysed on their own).
 * -1 when the table was never analysed or vacuumed.  Also the number of
 * attributes, dropped ones included (attnums run up to it).
 */
static double
estimated_rows(Oid relid, char relkind, int *natts)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	double		rows;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	rows = ((Form_pg_class) GETSTRUCT(tuple))->reltuples;
	*natts = ((Form_pg_class) GETSTRUCT(tuple))->relnatts;
	ReleaseSysCache(tuple);

	if (relkind == RELKIND_PARTITIONED_TABLE)
	{
		Oid			argtypes[1] = {REGCLASSOID};
		Datum		values[1] = {ObjectIdGetDatum(relid)};
		bool		isnull;
		double		leaves;
		int			rc;

		rc = SPI_execute_with_args("SELECT pg_catalog.sum(c.reltuples)::pg_catalog.float8 "
								   "FROM pg_catalog.pg_partition_tree($1) t "
								   "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid "
								   "WHERE t.isleaf AND c.reltuples OPERATOR(pg_catalog.>=) 0",
								   1, argtypes, values, NULL, true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not read the partitions of relation %u: %s", relid,
				 SPI_result_code_string(rc));
		partman_spi_one_row("the partitions' row estimates", 1);
		leaves = float_column(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull && leaves > rows)
			rows = leaves;
	}
	return rows;
}

/*
 * The unique indexes of relid, with their plain columns.  The caller holds
 * a lock on relid.
 */
static List *
unique_indexes(Oid relid)
{
	Relation	rel = relation_open(relid, NoLock);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, RelationGetIndexList(rel))
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		Form_pg_index form;
		AdviseIndex *index;

		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for index %u", indexoid);
		form = (Form_pg_index) GETSTRUCT(tuple);
		if (form->indisunique)
		{
			index = palloc0(sizeof(AdviseIndex));
			index->name = get_rel_name(indexoid);
			for (int i = 0; i < form->indnkeyatts; i++)
				if (form->indkey.values[i] != 0)
					index->attnums = bms_add_member(index->attnums, form->indkey.values[i]);
			result = lappend(result, index);
		}
		ReleaseSysCache(tuple);
	}
	relation_close(rel, NoLock);
	return result;
}

/*
 * partman_advise_read_table
 *		Fill *table (allocated in the caller's memory context) with what
 *		pg_stats shows the caller about relid's columns.  The caller has
 *		checked that relid is a table it may read.  ERROR when there are no
 *		statistics to judge by.  Takes no lock beyond what the catalog
 *		queries take.
 */
void
partman_advise_read_table(Oid relid, AdviseTable *table)
{
	MemoryContext cxt = CurrentMemoryContext;
	char		relkind = get_rel_relkind(relid);
	Oid			argtypes[4] = {OIDOID, NAMEOID, NAMEOID, BOOLOID};
	Datum		values[4];
	NameData	nspname;
	NameData	relname;
	int			spi_level;
	PartmanConfig cfg;

	memset(table, 0, sizeof(AdviseTable));
	table->relid = relid;
	table->name = get_rel_name(relid);
	if (relkind == RELKIND_PARTITIONED_TABLE)
		table->current_key = partman_key_column(relid);
	table->unique_indexes = unique_indexes(relid);

	spi_level = partman_spi_connect(false);
	table->rows = estimated_rows(relid, relkind, &table->natts);

	namestrcpy(&nspname, get_namespace_name(get_rel_namespace(relid)));
	namestrcpy(&relname, table->name);
	values[0] = ObjectIdGetDatum(relid);
	values[1] = NameGetDatum(&nspname);
	values[2] = NameGetDatum(&relname);
	/* a partitioned table's own statistics cover all its partitions */
	values[3] = BoolGetDatum(relkind == RELKIND_PARTITIONED_TABLE);
	(void) partman_spi_select("SELECT a.attnum, a.attname, a.atttypid, "
							   "s.null_frac::pg_catalog.float8, s.n_distinct::pg_catalog.float8, "
							   "s.correlation::pg_catalog.float8, s.most_common_vals, "
							   "s.most_common_freqs, s.histogram_bounds "
							   "FROM pg_catalog.pg_stats s JOIN pg_catalog.pg_attribute a "
							   "ON a.attname OPERATOR(pg_catalog.=) s.attname "
							   "WHERE a.attrelid OPERATOR(pg_catalog.=) $1 "
							   "AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped "
							   "AND s.schemaname OPERATOR(pg_catalog.=) $2 "
							   "AND s.tablename OPERATOR(pg_catalog.=) $3 "
							   "AND s.inherited OPERATOR(pg_catalog.=) $4 "
							   "ORDER BY a.attnum",
								 4, argtypes, values, "pg_stats");

	if (SPI_processed == 0 || table->rows <= 0)
	{
		bool		partitioned = (relkind == RELKIND_PARTITIONED_TABLE);

		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" has no statistics", table->name),
				 table->rows == 0 ?
				 errdetail("The last ANALYZE of \"%s\" found no rows, so there is nothing to judge a key by.",
						   table->name) :
				 errdetail("partman.advise_key judges keys by what ANALYZE gathered, and \"%s\" has not been analyzed%s.",
						   table->name, partitioned ? " as a whole" : ""),
				 partitioned ?
				 errhint("Run ANALYZE %s; autovacuum analyzes only the partitions, not the partitioned table.",
						 partman_quote_name(table->name)) :
				 errhint("Run ANALYZE %s, then call partman.advise_key again.",
						 partman_quote_name(table->name))));
	}

	MemoryContextSwitchTo(cxt);
	for (uint64 i = 0; i < SPI_processed; i++)
		table->columns = lappend(table->columns,
								 column_from_stats(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
												   table->rows));

	/* a managed set's retention sets the horizon its partitions cover */
	if (relkind == RELKIND_PARTITIONED_TABLE && partman_config_read(relid, &cfg) &&
		cfg.retention != NULL)
	{
		MemoryContextSwitchTo(cxt);
		table->retention = pstrdup(cfg.retention);
	}
	MemoryContextSwitchTo(cxt);
	partman_spi_finish(spi_level);
}
