/*-------------------------------------------------------------------------
 *
 * rows.c
 *	  The queries partman runs against the rows of user tables: moving rows
 *	  between the tables of a set inside the caller's transaction (a failure
 *	  anywhere rolls every move back, so a row is never lost or doubled),
 *	  counting them, and reading key ranges and examples.  Callers are
 *	  connected to SPI and hold the locks.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/datum.h"
#include "utils/syscache.h"


/*
 * min(key) or max(key): PostgreSQL 15 has neither for uuid, so uuid keys use
 * partman's (with the same sort operator, so an index answers them too).
 */
static char *
key_aggregate(const PartmanKey *key, const char *which)
{
	return psprintf("%s%s(%s)", key->typid == UUIDOID ? "partman.uuid_" : "pg_catalog.",
					which, quote_identifier(key->attname));
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
 * [with] INSERT INTO to (columns) ... SELECT columns FROM source, keeping the
 * rows' identity values.  Returns the number of rows inserted.
 */
static uint64
insert_rows(const char *with, const char *to, const char *columns, const char *source)
{
	int			rc;

	rc = SPI_execute(psprintf("%sINSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s",
							  with, to, columns, columns, source), false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not move rows into %s: %s", to, SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * partman_move_rows_sql
 *		The statement that deletes the rows of table from (only that table)
 *		that match condition (all rows when NULL) and inserts them into to.
 */
char *
partman_move_rows_sql(Oid parent, const char *from, const char *to, const char *condition)
{
	char	   *columns = partman_column_list(parent);

	return psprintf("WITH moved AS (DELETE FROM ONLY %s%s%s RETURNING %s) "
					"INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM moved",
					from, condition ? " WHERE " : "", condition ? condition : "", columns,
					to, columns, columns);
}

/* Run a statement of partman_move_rows_sql; returns the number of rows moved. */
static uint64
run_move(const char *sql, const char *to)
{
	int			rc = SPI_execute(sql, false, 0);

	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not move rows into %s: %s", to, SPI_result_code_string(rc));
	return SPI_processed;
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
	return run_move(partman_move_rows_sql(parent, from, to, condition), to);
}

/*
 * partman_move_rows_locked
 *		As partman_move_rows, for a caller holding ACCESS EXCLUSIVE on from:
 *		no one else can change its rows, so INSERT ... SELECT statements
 *		copy them (into each table of to the rows of the matching condition
 *		of parts, so that no row is routed) and one DELETE removes the rows
 *		of condition, sparing the DELETE ... RETURNING its tuplestore
 *		(written to disk past work_mem).  The counts must agree: a row of
 *		condition that no part takes fails the move.  Returns the number of
 *		rows moved.
 */
uint64
partman_move_rows_locked(Oid parent, const char *from, List *to, List *parts,
						 const char *condition)
{
	char	   *columns = partman_column_list(parent);
	uint64		copied = 0;
	ListCell   *tc;
	ListCell   *pc;
	int			rc;

	forboth(tc, to, pc, parts)
		copied += insert_rows("", lfirst(tc), columns,
							  psprintf("ONLY %s WHERE %s", from, (char *) lfirst(pc)));
	rc = SPI_execute(psprintf("DELETE FROM ONLY %s WHERE %s", from, condition), false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "could not delete the rows moved out of %s: %s", from, SPI_result_code_string(rc));
	if (SPI_processed != copied)
		elog(ERROR, "copied " UINT64_FORMAT " rows out of %s but deleted " UINT64_FORMAT,
			 copied, from, SPI_processed);
	return copied;
}

/*
 * A rescue: rows parked in the default partition deflt that belong to the
 * new partition name are moved aside into a temporary table (PostgreSQL
 * refuses the new partition while the default holds them), the partition is
 * made, and they are moved into it.
 */
typedef struct Rescue
{
	char	   *holding;		/* the temporary table */
	char	   *aside;			/* default -> holding */
	char	   *back;			/* holding -> partition */
	char	   *drop;			/* the temporary table */
} Rescue;

static void
rescue_statements(const PartmanKey *key, const char *name, const PartmanBound *bound, Oid deflt,
				  Rescue *rescue)
{
	char	   *condition = partman_bound_condition(key, bound);

	rescue->holding = partman_temp_name("partman_rescue", InvalidOid);
	rescue->aside = partman_move_rows_sql(key->parent, partman_qualified_name(deflt),
										  rescue->holding, condition);
	rescue->back = partman_move_rows_sql(key->parent, rescue->holding,
										 partman_qualified_in(key->nspname, name), NULL);
	rescue->drop = partman_sql_drop_table(rescue->holding, false);
}

/*
 * partman_rescue_statements
 *		What partman_create_with_rescue runs when rows wait in the default
 *		partition, in order, as maintenance_plan prints them.
 */
List *
partman_rescue_statements(const PartmanKey *key, const PartmanTemplate *tmpl,
						  const char *name, const PartmanBound *bound)
{
	Oid			deflt = partman_default_partition(key->parent);
	Rescue		rescue;
	List	   *result;

	if (!OidIsValid(deflt))
		return partman_create_partition_statements(key, tmpl, name,
												   partman_bound_clause(key, bound));
	rescue_statements(key, name, bound, deflt, &rescue);
	result = list_make2(partman_sql_create_temp_like(rescue.holding,
													 partman_qualified_name(key->parent)),
						rescue.aside);
	result = list_concat(result, partman_create_partition_statements(key, tmpl, name,
																	 partman_bound_clause(key, bound)));
	return lappend(lappend(result, rescue.back), rescue.drop);
}

/*
 * partman_create_with_rescue
 *		Create a partition with this bound, moving into it the rows already
 *		parked in the default partition that belong to it (see Rescue).
 *		Caller holds AccessExclusiveLock on parent and default, inside
 *		begin_ddl.
 */
Oid
partman_create_with_rescue(const PartmanKey *key, const PartmanTemplate *tmpl,
						   const char *name, const PartmanBound *bound)
{
	Oid			deflt = partman_default_partition(key->parent);
	Rescue		rescue;
	uint64		moved;
	uint64		back;
	Oid			relid;

	if (!OidIsValid(deflt) ||
		partman_count_rows(partman_qualified_name(deflt), partman_bound_condition(key, bound)) == 0)
		return partman_create_partition(key, tmpl, name, partman_bound_clause(key, bound));

	rescue_statements(key, name, bound, deflt, &rescue);
	partman_ddl_exec(partman_sql_create_temp_like(rescue.holding, partman_qualified_name(key->parent)));
	moved = run_move(rescue.aside, rescue.holding);
	relid = partman_create_partition(key, tmpl, name, partman_bound_clause(key, bound));
	back = run_move(rescue.back, name);
	if (back != moved)
		elog(ERROR, "moved " UINT64_FORMAT " rows out of the default partition but " UINT64_FORMAT " into \"%s\"",
			 moved, back, name);
	partman_ddl_exec(rescue.drop);
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

/* Whether table (only that table) has a row that matches condition. */
bool
partman_any_row(const char *table, const char *condition)
{
	int			rc;
	bool		isnull;

	rc = SPI_execute(psprintf("SELECT EXISTS (SELECT FROM ONLY %s WHERE %s)", table, condition),
					 false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s: %s", table, SPI_result_code_string(rc));
	partman_spi_one_row("a row's existence", 1);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
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

	return insert_rows("", to, columns, psprintf("ONLY %s", from));
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
							  "(%s FILTER (WHERE %s))::pg_catalog.text, "
							  "(%s FILTER (WHERE %s))::pg_catalog.text "
							  "FROM ONLY %s WHERE %s",
							  col, below_cond, above_cond, key_aggregate(key, "min"), below_cond,
							  key_aggregate(key, "max"), above_cond,
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

/* A copy of a key value out of SPI's memory. */
static Datum
copy_key(const PartmanKey *key, Datum value)
{
	int16		typlen;
	bool		typbyval;

	get_typlenbyval(key->typid, &typlen, &typbyval);
	return datumCopy(value, typbyval, typlen);
}

/*
 * partman_key_range
 *		The smallest and largest key of the rows of table (only that table)
 *		that match condition (all when NULL), copied to the caller's context.
 *		Returns false when there is none.  With one_scan both come from one
 *		pass (a range of blocks); otherwise from separate aggregates, which
 *		an index on the key answers without a scan.
 */
bool
partman_key_range(const PartmanKey *key, const char *table, const char *condition,
				  bool one_scan, Datum *min, Datum *max)
{
	const char *where = condition ? " WHERE " : "";
	const char *cond = condition ? condition : "";
	bool		isnull;
	Datum		d;
	int			rc;

	if (one_scan)
		rc = SPI_execute(psprintf("SELECT %s, %s FROM ONLY %s%s%s",
								  key_aggregate(key, "min"), key_aggregate(key, "max"),
								  table, where, cond), false, 1);
	else
		rc = SPI_execute(psprintf("SELECT (SELECT %s FROM ONLY %s%s%s), "
								  "(SELECT %s FROM ONLY %s%s%s)",
								  key_aggregate(key, "min"), table, where, cond,
								  key_aggregate(key, "max"), table, where, cond), false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the key range of %s: %s", table, SPI_result_code_string(rc));
	partman_spi_one_row("the key range", 2);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	*min = copy_key(key, d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	*max = copy_key(key, d);
	return true;
}

/*
 * partman_default_batch_keys
 *		What partition_data needs to know about the rows of default
 *		partition table, with queries an index on the key answers without a
 *		scan: the smallest and largest key of the rows matching placeable,
 *		and the key at position offset of those (*has_offset false when there
 *		are fewer rows).  Returns false when no row matches.
 */
bool
partman_default_batch_keys(const PartmanKey *key, const char *table, const char *placeable,
						   int64 offset, PartmanBatchKeys *keys)
{
	const char *col = quote_identifier(key->attname);
	bool		isnull;
	Datum		d;
	int			rc;

	rc = SPI_execute(psprintf("SELECT (SELECT %s FROM ONLY %s WHERE %s), "
							  "(SELECT %s FROM ONLY %s WHERE %s), "
							  "(SELECT %s FROM ONLY %s WHERE %s ORDER BY 1 OFFSET " INT64_FORMAT " LIMIT 1)",
							  key_aggregate(key, "min"), table, placeable,
							  key_aggregate(key, "max"), table, placeable,
							  col, table, placeable, offset),
					 false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read default partition: %s", SPI_result_code_string(rc));
	partman_spi_one_row("the default partition's key range", 3);
	memset(keys, 0, sizeof(*keys));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	keys->min = copy_key(key, d);
	keys->max = copy_key(key, SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
	keys->has_offset = !isnull;
	if (!isnull)
		keys->offset = copy_key(key, d);
	return true;
}

/*
 * partman_max_key_between
 *		The largest key of parent's rows in [lower, upper), or false when
 *		there is none.  An index on the key (or the partition holding that
 *		range) answers it without a full scan.
 */
bool
partman_max_key_between(const PartmanKey *key, Datum lower, Datum upper, Datum *result)
{
	const char *col = quote_identifier(key->attname);
	Oid			argtypes[2] = {key->typid, key->typid};
	Datum		values[2] = {lower, upper};
	bool		isnull;
	Datum		max;
	int			rc;

	rc = SPI_execute_with_args(psprintf("SELECT %s FROM %s WHERE %s OPERATOR(pg_catalog.>=) $1 AND %s OPERATOR(pg_catalog.<) $2",
										key_aggregate(key, "max"), partman_qualified_in(key->nspname, key->relname),
										col, col),
							   2, argtypes, values, NULL, false, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read newest key: %s", SPI_result_code_string(rc));
	partman_spi_one_row("the newest key", 1);
	max = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	*result = copy_key(key, max);
	return true;
}

/*
 * partman_key_example
 *		The key of one row of table (only that table) matching condition, as
 *		a quoted literal for a message: "NULL" when the key is NULL or no row
 *		matches.
 */
char *
partman_key_example(const PartmanKey *key, const char *table, const char *condition)
{
	int			rc;
	char	   *value;

	rc = SPI_execute(psprintf("SELECT %s::pg_catalog.text FROM ONLY %s WHERE %s LIMIT 1",
							  quote_identifier(key->attname), table, condition), false, 1);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		return "NULL";
	value = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return value ? quote_literal_cstr(value) : "NULL";
}

/*
 * partman_continue_identity
 *		Continue the identity sequence of column of table_q where old_seq_q,
 *		the sequence it replaces, left off.
 */
void
partman_continue_identity(const char *table_q, const char *column, const char *old_seq_q)
{
	int			rc = SPI_execute(partman_sql_continue_identity(table_q, column, old_seq_q),
								 false, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not continue the identity sequence: %s", SPI_result_code_string(rc));
}

/* The rows of blocks [from, to) of a table, as a condition. */
char *
partman_block_range(BlockNumber from, BlockNumber to)
{
	return psprintf("ctid OPERATOR(pg_catalog.>=) '(%u,0)'::pg_catalog.tid AND "
					"ctid OPERATOR(pg_catalog.<) '(%u,0)'::pg_catalog.tid", from, to);
}

/*
 * partman_copy_blocks
 *		Copy the rows of blocks [from, to) of table from_q (only that table)
 *		into to_q, skipping rows already there (ON CONFLICT DO NOTHING).  The
 *		rows are read FOR SHARE, so a concurrent change either commits first
 *		or waits for this copy.  Returns the number copied.
 */
uint64
partman_copy_blocks(const char *from_q, const char *to_q, const char *columns,
					BlockNumber from, BlockNumber to)
{
	int			rc;

	rc = SPI_execute(psprintf("INSERT INTO %s (%s) SELECT %s FROM ONLY %s WHERE %s "
							  "FOR SHARE ON CONFLICT DO NOTHING",
							  to_q, columns, columns, from_q, partman_block_range(from, to)),
					 false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not copy rows: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * partman_fingerprints
 *		Row count and checksum of the columns of a_q (only that table) and of
 *		b_q (with its partitions), read in one snapshot, as "count:sum" each.
 */
void
partman_fingerprints(const char *a_q, const char *b_q, const char *columns, char **a, char **b)
{
	char	   *fp = "pg_catalog.count(*) || ':' || "
		"coalesce(pg_catalog.sum(pg_catalog.hashtext(pg_catalog.row_to_json(x)::pg_catalog.text)::pg_catalog.int8), 0)";
	int			rc;

	rc = SPI_execute(psprintf("SELECT (SELECT %s FROM (SELECT %s FROM ONLY %s) x), (SELECT %s FROM (SELECT %s FROM %s) x)",
							  fp, columns, a_q, fp, columns, b_q), true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not verify the copy: %s", SPI_result_code_string(rc));
	partman_spi_one_row("the copy's checksum", 2);
	*a = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	*b = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
}
