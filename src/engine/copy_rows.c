/*-------------------------------------------------------------------------
 *
 * copy_rows.c
 *	  What the online copies share (move_partition, shard_table): rows
 *	  rendered as text the same way here and on the servers, COPY's text
 *	  format, and reads that must see every commit before them.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "access/relation.h"
#include "utils/guc.h"
#include "utils/rel.h"

/*
 * Rows rendered as text the same way here and on the server (images are
 * parsed there, checksums compared).
 */
static const char *const rendering[][2] = {
	{"DateStyle", "ISO, YMD"},
	{"IntervalStyle", "postgres"},
	{"extra_float_digits", "1"},
	{"TimeZone", "UTC"},
	{"lc_monetary", "C"},
	{"bytea_output", "hex"},
};

/* The rendering here, until the end of the current GUC nest level. */
void
partman_render_rows_here(void)
{
	for (int i = 0; i < lengthof(rendering); i++)
		(void) set_config_option(rendering[i][0], rendering[i][1], PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * The same rendering for a server's transaction, with no statement timeout
 * there: a batch or a checksum of a big table may take longer than
 * remote_timeout.
 */
char *
partman_render_rows_there(void)
{
	List	   *names = NIL;
	List	   *values = NIL;

	for (int i = 0; i < lengthof(rendering); i++)
	{
		names = lappend(names, (char *) rendering[i][0]);
		values = lappend(values, (char *) rendering[i][1]);
	}
	names = lappend(names, "statement_timeout");
	values = lappend(values, "0");
	return partman_sql_set_local(names, values);
}

/*
 * A query that must see everything committed before it (a new snapshot:
 * SPI's read-only mode would reuse the transaction's first one).
 */
uint64
partman_fresh_select(const char *sql, int nargs, Oid *argtypes, Datum *values, const char *what)
{
	int			rc = SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s: %s", what, SPI_result_code_string(rc));
	return SPI_processed;
}

/* value as a field of COPY's text format */
void
partman_append_copy_field(StringInfo buf, const char *value)
{
	if (value == NULL)
	{
		appendStringInfoString(buf, "\\N");
		return;
	}
	for (const char *c = value; *c; c++)
	{
		const char *escaped = *c == '\\' ? "\\\\" : *c == '\n' ? "\\n" :
			*c == '\r' ? "\\r" : *c == '\t' ? "\\t" : NULL;

		if (escaped)
			appendStringInfoString(buf, escaped);
		else
			appendStringInfoChar(buf, *c);
	}
}

/* A text[] of n C strings */
Datum
partman_text_array(char **values, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(values[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * The columns of relid: their quoted list, the image of a row of them and
 * that of a journal entry's row j.r.  Returns the position of column key in
 * the list, from 1 (0 when key is NULL or not found).
 */
int
partman_row_columns(Oid relid, const char *key, char **cols, char **image, char **journal_image)
{
	Relation	rel = relation_open(relid, NoLock);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData list;
	StringInfoData jlist;
	int			n = 0;
	int			key_position = 0;

	initStringInfo(&list);
	initStringInfo(&jlist);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name;

		if (att->attisdropped)
			continue;
		n++;
		if (key != NULL && strcmp(NameStr(att->attname), key) == 0)
			key_position = n;
		name = partman_quote_name(NameStr(att->attname));
		appendStringInfo(&list, "%s%s", list.len ? ", " : "", name);
		appendStringInfo(&jlist, "%s(j.r).%s", jlist.len ? ", " : "", name);
	}
	relation_close(rel, NoLock);
	*cols = list.data;
	*image = psprintf("ROW(%s)::pg_catalog.text", list.data);
	*journal_image = psprintf("ROW(%s)::pg_catalog.text", jlist.data);
	return key_position;
}
