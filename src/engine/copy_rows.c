/*-------------------------------------------------------------------------
 *
 * copy_rows.c
 *	  What the online copies share (move_partition, shard_table): rows
 *	  rendered as text the same way here and on the servers, COPY's text
 *	  format, the checksums' arithmetic, and the phases themselves
 *	  (prepare, copy, catch up, verify, cut over), each copy lending its
 *	  own steps.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/relation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
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

/*
 * Columns first_column.. of tuple as one line of COPY's text format, rendered
 * by their output functions (under the rendering above).
 */
void
partman_append_copy_row(StringInfo buf, HeapTuple tuple, TupleDesc desc, int first_column)
{
	for (int c = first_column; c <= desc->natts; c++)
	{
		if (c > first_column)
			appendStringInfoChar(buf, '\t');
		partman_append_copy_field(buf, SPI_getvalue(tuple, desc, c));
	}
	appendStringInfoChar(buf, '\n');
}

/*
 * Column a minus column b of row of t, both numeric-valued (counts and
 * checksums), as numeric's text: what a target's count or checksum must read.
 */
char *
partman_numeric_difference(SPITupleTable *t, uint64 row, int a, int b)
{
	Datum		x = DirectFunctionCall3(numeric_in, CStringGetDatum(SPI_getvalue(t->vals[row], t->tupdesc, a)),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	Datum		y = DirectFunctionCall3(numeric_in, CStringGetDatum(SPI_getvalue(t->vals[row], t->tupdesc, b)),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));

	return DatumGetCString(DirectFunctionCall1(numeric_out, DirectFunctionCall2(numeric_sub, x, y)));
}

/* A text[] of n row images, for a local target's batch */
Datum
partman_images_array(char **images, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(images[i]);
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

/* ---------------------------------------------------------------------
 * The phases an online copy goes through, for move_partition and
 * shard_table alike (see move_partition.c's header)
 * ---------------------------------------------------------------------
 */

/*
 * partman_online_copy_init
 *		c for arg's copy: steps are arg's own, key the table whose owner acts,
 *		servers those it writes to (each step renders rows there alike),
 *		state its row of partman.moves as read (phase NULL: a new copy).
 */
void
partman_online_copy_init(PartmanOnlineCopy *c, const PartmanCopySteps *steps, void *arg,
						 const PartmanKey *key, List *servers, PartmanMoveState *state,
						 const char *name, const char *cursor, int batch_rows, bool nonatomic)
{
	memset(c, 0, sizeof(*c));
	c->steps = steps;
	c->arg = arg;
	c->key = key;
	c->servers = servers;
	c->state = state;
	c->name = name;
	c->cursor = cursor;
	c->batch_rows = batch_rows;
	c->nonatomic = nonatomic;
	c->life_cxt = CurrentMemoryContext;
	c->batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "partman online copy batch",
										 ALLOCSET_DEFAULT_SIZES);
}

/* A step: as the owner, rows rendered alike here and on every server. */
void
partman_copy_step_begin(PartmanOnlineCopy *c)
{
	ListCell   *lc;

	partman_begin_ddl(c->key, &c->ddl);
	partman_render_rows_here();
	foreach(lc, c->servers)
		partman_remote_command(lfirst(lc), c->key->owner, partman_render_rows_there());
}

/* End the step; in a procedure, commit it (here and on the servers). */
void
partman_copy_step_end(PartmanOnlineCopy *c)
{
	partman_end_ddl(&c->ddl);
	if (c->nonatomic)
		partman_spi_commit();
}

/*
 * partman_copy_start_journal
 *		The end of a prepare: the journal of source_q's changes (rows of its
 *		row type), the trigger function that writes it (by column name when
 *		by_name: a partitioned source's partitions may order their columns
 *		otherwise), its triggers, and the state at phase 'copying'.
 */
void
partman_copy_start_journal(PartmanOnlineCopy *c, const char *source_q, const char *journal_q,
						   const char *capture_q, bool by_name, bool truncate_guard)
{
	PartmanMoveState *state = c->state;

	partman_ddl_exec(partman_sql_move_journal(journal_q, source_q));
	partman_ddl_exec(partman_sql_move_capture_function(capture_q, journal_q, by_name ? source_q : NULL,
													   psprintf("partman.%s", c->steps->procedure)));
	partman_ddl_exec_list(partman_sql_move_capture_triggers(source_q, capture_q, truncate_guard));
	state->phase = "copying";
	state->snapshot = NULL;
	state->rows_copied = 0;
	partman_move_state_write(state);
}

/* A failed prepare leaves nothing behind (its transaction rolled back). */
static void
forget_copy(void *arg)
{
	partman_move_state_delete(((PartmanOnlineCopy *) arg)->state->partition);
}

/* 1. prepare, unless done: the state row first, so a crash leaves a trace */
static void
prepare_once(PartmanOnlineCopy *c)
{
	PartmanMoveState *state = c->state;
	ErrorData  *edata;

	if (state->phase != NULL && strcmp(state->phase, "preparing") != 0)
		return;
	c->again = state->phase != NULL;
	state->phase = "preparing";
	partman_move_state_write(state);
	if (c->nonatomic)
		partman_spi_commit();
	edata = partman_try_subtransaction(c->steps->prepare, c->arg);
	if (edata != NULL)
	{
		if (c->nonatomic)
		{
			(void) partman_try_subtransaction(forget_copy, c);
			partman_spi_commit();
		}
		ReThrowError(edata);
	}
	if (c->nonatomic)
		partman_spi_commit();
}

/* 2. copy: (again) from the start, in one snapshot, batch by batch */
static void
copy_batches(PartmanOnlineCopy *c)
{
	PartmanMoveState *state = c->state;
	Portal		portal = SPI_cursor_find(c->cursor);
	instr_time	start;
	instr_time	now;

	if (portal != NULL)
		SPI_cursor_close(portal);
	INSTR_TIME_SET_CURRENT(start);
	partman_copy_step_begin(c);
	c->steps->restart(c->arg);
	partman_copy_step_end(c);		/* the cursor reads its rows now */

	for (bool first = true;; first = false)
	{
		MemoryContext old;
		uint64		n;

		CHECK_FOR_INTERRUPTS();
		partman_copy_step_begin(c);
		MemoryContextReset(c->batch_cxt);
		old = MemoryContextSwitchTo(c->batch_cxt);
		portal = SPI_cursor_find(c->cursor);
		if (portal == NULL)
			elog(ERROR, "cursor \"%s\" of the copy is gone", c->cursor);
		SPI_cursor_fetch(portal, true, c->batch_rows);
		n = SPI_processed;
		if (first)
		{
			if (n == 0)
				elog(ERROR, "cursor \"%s\" returned no snapshot", c->cursor);
			state->snapshot = MemoryContextStrdup(c->life_cxt,
												  SPI_getvalue(SPI_tuptable->vals[0],
															   SPI_tuptable->tupdesc, 1));
			state->rows_copied = 0;
		}
		c->steps->load(c->arg, SPI_tuptable, n);
		SPI_freetuptable(SPI_tuptable);
		MemoryContextSwitchTo(old);
		if (n < (uint64) c->batch_rows)
			state->phase = "copied";
		/* the snapshot outlives this transaction in the state row */
		partman_move_state_write(state);
		INSTR_TIME_SET_CURRENT(now);
		INSTR_TIME_SUBTRACT(now, start);
		if (c->nonatomic)
			ereport(NOTICE,
					(errmsg("copied " INT64_FORMAT " rows of \"%s\" (%.0f rows/s)", state->rows_copied,
							c->name, state->rows_copied / Max(INSTR_TIME_GET_DOUBLE(now), 0.001))));
		if (strcmp(state->phase, "copied") == 0)
			break;
		partman_copy_step_end(c);
	}
	SPI_cursor_close(SPI_cursor_find(c->cursor));
	partman_copy_step_end(c);
}

/*
 * 3. catch up until the journal's batches are short, 4. verify.  A
 * mismatch changes nothing: the next run copies anew.
 */
static void
catch_up_and_verify(PartmanOnlineCopy *c)
{
	char	   *detail = NULL;
	int64		rows = 0;
	bool		matched;

	for (int round = 0; round < 50; round++)
	{
		uint64		n;

		partman_copy_step_begin(c);
		n = c->steps->apply_round(c->arg, c->batch_rows);
		partman_copy_step_end(c);
		if (n < (uint64) Max(c->batch_rows / 10, 100))
			break;
	}
	partman_copy_step_begin(c);
	matched = c->steps->verify(c->arg, &detail, &rows);
	if (!matched)
	{
		c->state->phase = "copying";
		partman_move_state_write(c->state);
	}
	partman_copy_step_end(c);
	if (!matched)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the copy of %s \"%s\" does not match it", c->steps->kind, c->name),
				 errdetail("In one snapshot, %s.", detail),
				 errhint("Nothing was switched.  Run %s again to copy it anew.", c->steps->procedure)));
	if (c->nonatomic)
		ereport(NOTICE,
				(errmsg("verified: %s \"%s\" and %s hold the same " INT64_FORMAT " rows and checksum",
						c->steps->kind, c->name, c->steps->copy_noun, rows)));
}

/*
 * partman_online_copy_run
 *		Phases 1 to 5 of c, resuming where its state row says.  Returns the
 *		cut-over's time in milliseconds, its commit included (the lock is
 *		held until then).
 */
double
partman_online_copy_run(PartmanOnlineCopy *c)
{
	instr_time	started;
	instr_time	ended;

	prepare_once(c);
	if (strcmp(c->state->phase, "copying") == 0)
		copy_batches(c);
	catch_up_and_verify(c);

	INSTR_TIME_SET_CURRENT(started);
	c->steps->cutover(c->arg);
	if (c->nonatomic)
		partman_spi_commit();
	INSTR_TIME_SET_CURRENT(ended);
	INSTR_TIME_SUBTRACT(ended, started);
	return INSTR_TIME_GET_MILLISEC(ended);
}
