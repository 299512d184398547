/*-------------------------------------------------------------------------
 *
 * rows.c
 *	  Moving rows between the tables of a set, inside the caller's
 *	  transaction: a failure anywhere rolls every move back, so a row is
 *	  never lost or doubled.  Callers are connected to SPI and hold the locks.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* schema.table, quoted */
char *
partman_qualified_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

/*
 * partman_column_list
 *		The parent's columns that hold stored values (not dropped, not
 *		generated), quoted and comma-separated: what a row move copies.
 */
char *
partman_column_list(Oid parent)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (AttrNumber attnum = 1;; attnum++)
	{
		HeapTuple	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(parent),
											Int16GetDatum(attnum));
		Form_pg_attribute att;

		if (!HeapTupleIsValid(tuple))
			break;
		att = (Form_pg_attribute) GETSTRUCT(tuple);
		if (!att->attisdropped && att->attgenerated == '\0')
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
							 quote_identifier(NameStr(att->attname)));
		ReleaseSysCache(tuple);
	}
	return buf.data;
}

/*
 * partman_move_rows
 *		Delete the rows of table from (only that table) that match condition
 *		(all rows when NULL) and insert them into to, in one statement.
 *		Returns the number of rows moved.
 */
uint64
partman_move_rows(Oid parent, const char *from, const char *to, const char *condition)
{
	char	   *columns = partman_column_list(parent);
	char	   *sql;
	int			rc;

	sql = psprintf("WITH moved AS (DELETE FROM ONLY %s%s%s RETURNING %s) "
				   "INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM moved",
				   from, condition ? " WHERE " : "", condition ? condition : "",
				   columns, to, columns, columns);
	rc = SPI_execute(sql, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not move rows: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * partman_create_with_rescue
 *		Create a partition with this bound.  Rows already parked in the default
 * partition that belong to it are moved into it (through a temporary table,
 * since PostgreSQL refuses the new partition while the default holds them).
 * Caller holds AccessExclusiveLock on parent and default, inside begin_ddl.
 */
Oid
partman_create_with_rescue(const PartmanKey *key, const PartmanTemplate *tmpl,
						   const char *name, const PartmanBound *bound)
{
	Oid			deflt = partman_default_partition(key->parent);
	char	   *clause = partman_bound_clause(key, bound);
	char	   *condition;
	char	   *default_name;
	char	   *holding;
	uint64		moved;
	uint64		back;
	Oid			relid;

	if (!OidIsValid(deflt))
		return partman_create_partition(key, tmpl, name, clause);

	condition = partman_bound_condition(key, bound);
	default_name = partman_qualified_name(deflt);
	if (partman_count_rows(default_name, condition) == 0)
		return partman_create_partition(key, tmpl, name, clause);

	holding = psprintf("pg_temp.%s", quote_identifier(psprintf("partman_rescue_%u", key->parent)));
	partman_spi_exec(psprintf("CREATE TEMP TABLE %s (LIKE %s) ON COMMIT DROP", holding,
							  partman_qualified_name(key->parent)), SPI_OK_UTILITY);
	moved = partman_move_rows(key->parent, default_name, holding, condition);
	relid = partman_create_partition(key, tmpl, name, clause);
	back = partman_move_rows(key->parent, holding, partman_qualified_name(relid), NULL);
	if (back != moved)
		elog(ERROR, "moved " UINT64_FORMAT " rows out of the default partition but " UINT64_FORMAT " into \"%s\"",
			 moved, back, name);
	partman_spi_exec(psprintf("DROP TABLE %s", holding), SPI_OK_UTILITY);
	ereport(NOTICE,
			(errmsg("moved " UINT64_FORMAT " rows from default partition \"%s\" into new partition \"%s\"",
					moved, get_rel_name(deflt), name)));
	return relid;
}

/* The number of rows of table (only that table) that match condition. */
uint64
partman_count_rows(const char *table, const char *condition)
{
	char	   *sql;
	int			rc;
	bool		isnull;
	Datum		count;

	sql = psprintf("SELECT pg_catalog.count(*) FROM ONLY %s%s%s", table,
				   condition ? " WHERE " : "", condition ? condition : "");
	/* not read-only: count with a snapshot taken after our lock waits */
	rc = SPI_execute(sql, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not count rows: %s", SPI_result_code_string(rc));
	partman_spi_one_row("a row count", 1);
	count = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return (uint64) DatumGetInt64(count);
}

/*
 * partman_copy_rows
 *		Insert all rows of table from (only that table) into to, which may be
 *		the parent (rows are then routed).  Returns the number copied.
 */
uint64
partman_copy_rows(Oid parent, const char *from, const char *to)
{
	char	   *columns = partman_column_list(parent);
	char	   *sql;
	int			rc;

	sql = psprintf("INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM ONLY %s",
				   to, columns, columns, from);
	rc = SPI_execute(sql, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not copy rows: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * partman_count_strays
 *		Count the rows of table (only that table) whose key lies outside
 *		reach (see partman_grid_reach), by kind, with the most extreme key of
 *		each side as an example.  Returns their total; *strays is allocated
 *		in the caller's context.
 */
uint64
partman_count_strays(const PartmanKey *key, const char *table, const PartmanBound *reach,
					 PartmanStrays *strays)
{
	const char *col = quote_identifier(key->attname);
	PartmanBound below;
	PartmanBound above;
	char	   *below_cond;
	char	   *above_cond;
	int			rc;
	bool		isnull;
	Datum		d;

	memset(&below, 0, sizeof(below));
	below.lower_unbounded = true;
	below.upper = reach->lower;
	memset(&above, 0, sizeof(above));
	above.lower = reach->upper;
	above.upper_unbounded = true;
	below_cond = partman_bound_condition(key, &below);
	above_cond = partman_bound_condition(key, &above);

	rc = SPI_execute(psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s IS NULL), "
							  "pg_catalog.count(*) FILTER (WHERE %s), "
							  "pg_catalog.count(*) FILTER (WHERE %s), "
							  "(pg_catalog.min(%s) FILTER (WHERE %s))::pg_catalog.text, "
							  "(pg_catalog.max(%s) FILTER (WHERE %s))::pg_catalog.text "
							  "FROM ONLY %s WHERE %s",
							  col, below_cond, above_cond, col, below_cond, col, above_cond,
							  table, partman_range_exclusion(key, reach)),
					 false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not count rows outside the set's partitions: %s",
			 SPI_result_code_string(rc));
	memset(strays, 0, sizeof(*strays));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	strays->nulls = (uint64) DatumGetInt64(d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	strays->below = (uint64) DatumGetInt64(d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
	strays->above = (uint64) DatumGetInt64(d);
	/* SPI_getvalue copies into the caller's context, NULL for NULL */
	strays->lowest = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	strays->highest = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5);
	return strays->nulls + strays->below + strays->above;
}

/* "1 row has" or "N rows have" */
static char *
rows_have(uint64 n)
{
	return psprintf(UINT64_FORMAT " %s", n, n == 1 ? "row has" : "rows have");
}

/*
 * partman_strays_detail
 *		Why the rows partman_count_strays counted have no partition, as DETAIL
 *		sentences: one per kind, with a count and an example.
 */
char *
partman_strays_detail(const PartmanKey *key, const PartmanStrays *strays,
					  const PartmanBound *reach)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (strays->nulls > 0)
		appendStringInfo(&buf, "%s a NULL %s, and no range partition holds a NULL key.",
						 rows_have(strays->nulls), key->attname);
	if (strays->below > 0)
		appendStringInfo(&buf, "%s%s %s before %s, the lower end of the partitions the set's grid can express, for example %s.",
						 buf.len ? " " : "", rows_have(strays->below), key->attname,
						 partman_value_to_text(key->typid, reach->lower),
						 quote_literal_cstr(strays->lowest));
	if (strays->above > 0)
		appendStringInfo(&buf, "%s%s %s at or after %s, the upper end of the partitions the set's grid can express, for example %s.",
						 buf.len ? " " : "", rows_have(strays->above), key->attname,
						 partman_value_to_text(key->typid, reach->upper),
						 quote_literal_cstr(strays->highest));
	return buf.data;
}
