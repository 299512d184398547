/*-------------------------------------------------------------------------
 *
 * results.c
 *	  The rows the SQL entry points return: a PartmanRow is filled column
 *	  by column (a NULL string or an absent value is SQL NULL), then added
 *	  to a set-returning function's materialized result or returned as a
 *	  composite value.  One place, so that no entry point keeps its own
 *	  values/nulls arrays in step by hand.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "sql_api.h"

/* partman_row_add_if: value, or SQL NULL when it is not present */
void
partman_row_add_if(PartmanRow *row, bool present, Datum value)
{
	if (row->ncolumns >= PARTMAN_ROW_MAX)
		elog(ERROR, "a result row has more than %d columns", PARTMAN_ROW_MAX);
	row->values[row->ncolumns] = present ? value : (Datum) 0;
	row->nulls[row->ncolumns] = !present;
	row->ncolumns++;
}

void
partman_row_add(PartmanRow *row, Datum value)
{
	partman_row_add_if(row, true, value);
}

/* partman_row_add_text: text as a text value, NULL as SQL NULL */
void
partman_row_add_text(PartmanRow *row, const char *text)
{
	partman_row_add_if(row, text != NULL, text ? CStringGetTextDatum(text) : (Datum) 0);
}

/* The row's columns must be those of the result type. */
static void
check_columns(TupleDesc tupdesc, const PartmanRow *row)
{
	if (tupdesc->natts != row->ncolumns)
		elog(ERROR, "a result row has %d columns where its type has %d", row->ncolumns,
			 tupdesc->natts);
}

/*
 * partman_row_put
 *		Add row to the result of a set-returning function that called
 *		InitMaterializedSRF().
 */
void
partman_row_put(FunctionCallInfo fcinfo, PartmanRow *row)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	check_columns(rsinfo->setDesc, row);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row->values, row->nulls);
}

/* partman_row_datum: row as the composite value a function returns */
Datum
partman_row_datum(FunctionCallInfo fcinfo, PartmanRow *row)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	check_columns(tupdesc, row);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, row->values, row->nulls));
}

/* partman_text_array: a text[] of the strings in strings ('{}' for none) */
Datum
partman_text_array(List *strings)
{
	ArrayBuildState *state = NULL;
	ListCell   *lc;

	foreach(lc, strings)
		state = accumArrayResult(state, CStringGetTextDatum(lfirst(lc)), false, TEXTOID,
								 CurrentMemoryContext);
	if (state == NULL)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return makeArrayResult(state, CurrentMemoryContext);
}
