/*-------------------------------------------------------------------------
 *
 * move_partition.c
 *	  partman.move_partition: move a partition to a postgres_fdw server (a
 *	  foreign table then reads a table there), or a foreign partition back
 *	  into a local table, while the set stays in use.  Also the engine of
 *	  retention_action 'move'.
 *
 * The source stays the truth until the cut-over.  The phases, each its own
 * transaction (or all in one, for maintenance):
 *
 *	1. prepare: the target table (on the server: same columns, the parent's
 *	   indexes; locally: LIKE the parent, with a CHECK proving the bound), a
 *	   table there listing the journal entries it has applied, and on the
 *	   source a trigger that journals every change of its rows as row
 *	   images (-1 old, +1 new) with the writer's transaction id.  Rows need
 *	   no key: the journal speaks of rows, and equal rows are equal.
 *	2. copy: the source is read once, by a WITH HOLD cursor, in a snapshot
 *	   the cursor returns too; its rows go to the target in batches of
 *	   batch_rows, one transaction each.  A rerun after a crash (the cursor
 *	   is gone then) empties the target and copies again.
 *	3. catch up: journal entries the copy's snapshot did not show are sent
 *	   to the target in batches and applied there (net count per row image:
 *	   inserts, or deletes of that many equal rows), recorded in its
 *	   applied list in the same remote transaction, so that an entry never
 *	   applies twice even when the local commit that forgets it is lost.
 *	4. verify: rows and an order-free checksum of the source, minus the
 *	   entries not applied yet, all read in one local snapshot, against
 *	   those of the target.
 *	5. cut over, under ACCESS EXCLUSIVE on the parent, the source and the
 *	   default partition (within partman.lock_timeout): the journal's tail
 *	   is applied, row counts compared, the source detached (dropped, or
 *	   kept renamed with keep_source) and the target attached with the
 *	   same bound.  The lock time is reported.
 *
 * partman.moves holds each unfinished move's phase and snapshot.  Rows are
 * rendered the same on both sides (ISO dates, UTC, C monetary) for the
 * images and the checksums.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/xact.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "access/relation.h"
#include "portability/instr_time.h"

typedef struct Move
{
	PartmanSet	set;
	Oid			partition;
	char	   *partname;
	char	   *source_q;
	const char *server;			/* target server; NULL: back to a local table */
	bool		to_remote;
	char	   *remote_server;	/* the server of the target or of the source */
	char	   *remote_table_q; /* the table there */
	bool		nonatomic;
	int			batch_rows;
	bool		keep_source;
	char	   *cols;			/* the parent's columns, quoted */
	char	   *image;			/* ROW(cols)::text */
	char	   *journal_image;	/* the same of a journal entry j */
	char	   *key_q;
	char	   *journal_q;
	char	   *capture_q;
	char	   *target_q;
	char	   *target_name;	/* local target (back): its name until the cut-over */
	char	   *applied_q;
	char	   *kept_name;		/* the source's name after the move, kept */
	char	   *cursor;
	char	   *bound;			/* FOR VALUES ... */
	char	   *bound_condition;	/* the bound as a condition on the key */
	PartmanOnlineCopy copy;		/* the shared phases, with the steps below */
	PartmanMoveState state;
} Move;

/* Run sql (one or more statements) where the target is. */
static void
target_exec(Move *m, const char *sql)
{
	if (m->to_remote)
		partman_remote_command(m->remote_server, m->set.key.owner, sql);
	else if (SPI_execute(sql, false, 0) < 0)
		elog(ERROR, "SPI_execute failed: %s", sql);
}

/* The first row of sql where the target is, n values. */
static char **
target_row(Move *m, const char *sql, int n)
{
	char	  **values;

	if (m->to_remote)
	{
		values = partman_remote_row(m->remote_server, m->set.key.owner, sql, n);
		if (values == NULL)
			elog(ERROR, "no row from server \"%s\": %s", m->remote_server, sql);
		return values;
	}
	(void) partman_fresh_select(sql, 0, NULL, NULL, "the copy");
	partman_spi_one_row("the copy", n);
	values = palloc(sizeof(char *) * n);
	for (int i = 0; i < n; i++)
		values[i] = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1);
	return values;
}

/* ---------------------------------------------------------------------
 * Opening a move: checks and names
 * ---------------------------------------------------------------------
 */

/* The remote table a foreign table reads: its server and qualified name. */
static void
foreign_table_target(Oid relid, char **server, char **table_q)
{
	ForeignTable *ft = GetForeignTable(relid);
	char	   *schema = get_namespace_name(get_rel_namespace(relid));
	char	   *table = get_rel_name(relid);
	ListCell   *lc;

	foreach(lc, ft->options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "schema_name") == 0)
			schema = defGetString(def);
		else if (strcmp(def->defname, "table_name") == 0)
			table = defGetString(def);
	}
	*server = GetForeignServer(ft->serverid)->servername;
	*table_q = partman_qualified_in(schema, table);
}

static void
refuse_taken(const PartmanKey *key, const char *name, const char *why)
{
	if (OidIsValid(get_relname_relid(name, get_rel_namespace(key->parent))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", name),
				 errdetail("%s", why)));
}

static void
open_move(Move *m, Oid partition, const char *server, int batch_rows, bool keep_source,
		  bool nonatomic)
{
	PartmanKey *key = &m->set.key;
	PartmanPartition *part;
	char		relkind;
	bool		has_state;

	part = partman_open_partition(partition, &m->set);
	if (get_rel_relkind(partition) == RELKIND_PARTITIONED_TABLE)
		partman_refuse_subpartitioned(partition, "move_partition");
	if (part->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the default partition \"%s\" cannot be moved to another server",
						get_rel_name(partition))));
	{
		PartmanBound bound;

		partman_bound_of(part, &bound);
		m->bound_condition = partman_bound_condition(key, &bound);
	}
	relkind = get_rel_relkind(partition);
	m->partition = partition;
	m->partname = get_rel_name(partition);
	m->source_q = partman_qualified_name(partition);
	m->server = server;
	m->to_remote = server != NULL;
	m->batch_rows = batch_rows;
	m->keep_source = keep_source;
	m->nonatomic = nonatomic;
	m->key_q = pstrdup(partman_quote_name(key->attname));

	has_state = partman_move_state_read(partition, &m->state);
	if (has_state &&
		((m->state.server == NULL) != (server == NULL) ||
		 (server != NULL && strcmp(m->state.server, server) != 0)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("partition \"%s\" is being moved %s%s%s", m->partname,
						m->state.server ? "to server \"" : "back to a local table",
						m->state.server ? m->state.server : "", m->state.server ? "\"" : ""),
				 errhint("Run that move again to finish it.")));

	if (m->to_remote)
	{
		PartmanTemplate tmpl;
		AclResult	aclresult;
		Oid			serverid;

		if (relkind == RELKIND_FOREIGN_TABLE)
		{
			char	   *from = partman_partition_server(partition);

			if (strcmp(from, server) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partition \"%s\" is on server \"%s\" already", m->partname, server)));
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("partition \"%s\" is on server \"%s\"; move_partition does not move it to another server directly",
							m->partname, from),
					 errhint("Move it back first with server => NULL, then to server \"%s\".", server)));
		}
		if (relkind != RELKIND_RELATION)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("partition \"%s\" is not a table", m->partname)));
		serverid = partman_remote_server(server, key->owner);
		/* the caller too: the move is theirs */
		aclresult = pg_foreign_server_aclcheck(serverid, GetUserId(), ACL_USAGE);
		if (aclresult != ACLCHECK_OK)
			aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, server);
		partman_read_template(key, m->set.managed ? &m->set.cfg : NULL, &tmpl);
		partman_remote_check_parent(key, &tmpl);
		m->remote_server = pstrdup(server);
		m->target_q = partman_qualified_in(key->nspname, m->partname);
		m->remote_table_q = m->target_q;
		m->applied_q = partman_qualified_in(key->nspname, partman_helper_name(m->partname, "move_applied"));
		m->kept_name = partman_helper_name(m->partname, "local");
	}
	else
	{
		if (relkind != RELKIND_FOREIGN_TABLE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("partition \"%s\" is a local table already", m->partname),
					 errhint("Pass server => '...' to move it to a server.")));
		foreign_table_target(partition, &m->remote_server, &m->remote_table_q);
		m->target_name = partman_helper_name(m->partname, "move_target");
		m->target_q = partman_qualified_in(key->nspname, m->target_name);
		m->applied_q = partman_qualified_in(key->nspname, partman_helper_name(m->partname, "move_applied"));
		m->kept_name = partman_helper_name(m->partname, "remote");
		if (!has_state)
			refuse_taken(key, m->target_name, "move_partition copies the rows into a table of that name.");
	}
	if (keep_source)
		refuse_taken(key, m->kept_name, "With keep_source, move_partition keeps the old table under that name.");
	m->journal_q = partman_qualified_in(key->nspname, partman_helper_name(m->partname, "move_journal"));
	m->capture_q = partman_qualified_in(key->nspname, partman_helper_name(m->partname, "move_capture"));
	m->cursor = partman_work_name("move", partition);
	(void) partman_row_columns(key->parent, NULL, &m->cols, &m->image, &m->journal_image);

	(void) partman_spi_select("SELECT pg_catalog.pg_get_expr(relpartbound, oid) FROM pg_catalog.pg_class "
							  "WHERE oid OPERATOR(pg_catalog.=) $1", 1, (Oid[]) {OIDOID},
							  (Datum[]) {ObjectIdGetDatum(partition)}, "the partition's bound");
	partman_spi_one_row("the partition's bound", 1);
	m->bound = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (!has_state)
	{
		m->state.partition = partition;
		m->state.parent = key->parent;
		m->state.server = server ? pstrdup(server) : NULL;
	}
}

/* ---------------------------------------------------------------------
 * The phases
 * ---------------------------------------------------------------------
 */

/* What an interrupted prepare may have left (ours: the state says so). */
static void
remove_prepared(Move *m)
{
	if (m->to_remote)
		target_exec(m, psprintf("%s; %s", partman_sql_drop_table(m->applied_q, true),
								partman_sql_drop_table(m->target_q, true)));
	else
		target_exec(m, psprintf("%s; %s", partman_sql_drop_table(m->applied_q, true),
								partman_sql_drop_table(m->target_q, true)));
	partman_ddl_exec(partman_sql_drop_function(m->capture_q, true, true));
	partman_ddl_exec(partman_sql_drop_table(m->journal_q, true));
}

/* 1. prepare */
static void
prepare(void *arg)
{
	Move	   *m = arg;
	PartmanKey *key = &m->set.key;

	/* the trigger waits for the partition's writers, within lock_timeout */
	partman_lock_relation(m->partition, ShareRowExclusiveLock);
	partman_copy_step_begin(&m->copy);
	if (m->copy.again)
		remove_prepared(m);
	if (m->to_remote)
	{
		/* with the parent's indexes (remote.c makes them) */
		partman_remote_create_table(key, m->partname, m->server);
	}
	else
	{
		partman_ddl_exec(partman_sql_move_local_target(m->target_q,
													   partman_qualified_name(key->parent)));
		/* proves the bound, so that ATTACH at the cut-over scans nothing */
		partman_ddl_exec(partman_sql_add_check(m->target_q, "partman_move_bound",
											   m->bound_condition, false, false));
	}
	target_exec(m, partman_sql_move_applied(m->applied_q, false));
	/* foreign tables take no TRUNCATE triggers */
	partman_copy_start_journal(&m->copy, m->source_q, m->journal_q, m->capture_q, false,
							   m->to_remote);
	partman_end_ddl(&m->copy.ddl);
}

/* Load one fetched batch of the cursor into the target. */
static void
load_batch(void *arg, SPITupleTable *tuptable, uint64 n)
{
	Move	   *m = arg;
	TupleDesc	desc = tuptable->tupdesc;
	uint64		rows = 0;

	if (m->to_remote)
	{
		StringInfoData data;

		initStringInfo(&data);
		for (uint64 i = 0; i < n; i++)
		{
			bool		isnull;

			if (!DatumGetBool(SPI_getbinval(tuptable->vals[i], desc, 2, &isnull)))
				continue;
			partman_append_copy_row(&data, tuptable->vals[i], desc, 3);
			rows++;
		}
		if (rows > 0)
			partman_remote_copy_in(m->remote_server, m->set.key.owner,
								   partman_sql_move_load_copy(m->target_q, m->cols),
								   data.data, data.len);
	}
	else
	{
		char	  **images = palloc(sizeof(char *) * Max(n, 1));

		for (uint64 i = 0; i < n; i++)
		{
			bool		isnull;

			if (!DatumGetBool(SPI_getbinval(tuptable->vals[i], desc, 2, &isnull)))
				continue;
			images[rows++] = SPI_getvalue(tuptable->vals[i], desc, 3);
		}
		if (rows > 0 &&
			SPI_execute_with_args(partman_sql_move_load_images(m->target_q), 1,
								  (Oid[]) {TEXTARRAYOID}, (Datum[]) {partman_images_array(images, rows)},
								  NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not load a batch into \"%s\"", m->target_name);
	}
	m->state.rows_copied += rows;
}

/* 2. copy, from the start: the target emptied, the cursor declared */
static void
restart_copy(void *arg)
{
	Move	   *m = arg;

	/*
	 * A foreign source is read through postgres_fdw in a snapshot of its
	 * server taken when the cursor runs, at commit: its writers wait until
	 * then, so that the local snapshot says which of their changes the copy
	 * holds.  (A local source needs no lock: its snapshot is the cursor's.)
	 */
	if (!m->to_remote)
		partman_lock_relation(m->partition, ExclusiveLock);
	target_exec(m, partman_sql_move_reset(m->target_q, m->applied_q));
	partman_ddl_exec(partman_sql_move_cursor(m->cursor, m->source_q, m->cols, !m->to_remote, false));
}

/*
 * 3. catch up: one batch (limit 0: all) of the journal entries the copy's
 * snapshot did not show, applied to the target.  Returns how many.  Caller
 * is inside a step.
 */
static uint64
apply_round(void *arg, int limit)
{
	Move	   *m = arg;
	Datum		snap = CStringGetTextDatum(m->state.snapshot);
	uint64		n;
	int64	   *seqs;
	Datum	   *seq_datums;
	SPITupleTable *tuptable;

	n = partman_fresh_select(partman_sql_move_journal_batch(m->journal_q, m->journal_image, NULL, limit),
						   1, (Oid[]) {TEXTOID}, &snap, "the journal");
	tuptable = SPI_tuptable;
	seqs = palloc(sizeof(int64) * Max(n, 1));
	seq_datums = palloc(sizeof(Datum) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;

		seqs[i] = DatumGetInt64(SPI_getbinval(tuptable->vals[i], tuptable->tupdesc, 1, &isnull));
		seq_datums[i] = Int64GetDatum(seqs[i]);
	}
	if (n > 0)
	{
		target_exec(m, partman_sql_move_stage());
		if (m->to_remote)
		{
			StringInfoData data;

			initStringInfo(&data);
			for (uint64 i = 0; i < n; i++)
			{
				appendStringInfo(&data, INT64_FORMAT "\t%s\t", seqs[i],
								 SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 2));
				partman_append_copy_field(&data, SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 3));
				appendStringInfoChar(&data, '\n');
			}
			partman_remote_copy_in(m->remote_server, m->set.key.owner,
								   partman_sql_move_stage_copy(), data.data, data.len);
		}
		else
		{
			char	  **signs = palloc(sizeof(char *) * n);
			char	  **images = palloc(sizeof(char *) * n);
			Datum		args[3];

			for (uint64 i = 0; i < n; i++)
			{
				signs[i] = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 2);
				images[i] = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 3);
			}
			args[0] = PointerGetDatum(construct_array(seq_datums, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
			{
				Datum	   *sd = palloc(sizeof(Datum) * n);

				for (uint64 i = 0; i < n; i++)
					sd[i] = Int32GetDatum(pg_strtoint32(signs[i]));
				args[1] = PointerGetDatum(construct_array(sd, n, INT4OID, 4, true, TYPALIGN_INT));
			}
			args[2] = partman_images_array(images, n);
			if (SPI_execute_with_args(partman_sql_move_stage_arrays(), 3,
									  (Oid[]) {INT8ARRAYOID, INT4ARRAYOID, TEXTARRAYOID},
									  args, NULL, false, 0) != SPI_OK_INSERT)
				elog(ERROR, "could not stage the journal of \"%s\"", m->partname);
		}
		target_exec(m, partman_sql_move_apply(m->target_q, m->applied_q, m->key_q));
	}
	/* entries the copy showed, and those applied, are forgotten here */
	if (SPI_execute_with_args(partman_sql_move_journal_forget(m->journal_q), 2,
							  (Oid[]) {TEXTOID, INT8ARRAYOID},
							  (Datum[]) {snap, PointerGetDatum(construct_array(seq_datums, n, INT8OID, 8,
																			   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE))},
							  NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not forget the journal entries of \"%s\"", m->partname);
	return n;
}

/*
 * 4. verify: the source (one snapshot: rows, checksum, and the journal
 * entries not applied yet) against the target.  Returns whether they
 * match; detail gets the figures.
 */
static bool
verify(void *arg, char **detail, int64 *rows)
{
	Move	   *m = arg;
	Datum		snap = CStringGetTextDatum(m->state.snapshot);
	char	  **target;
	char	   *want_rows;
	char	   *want_sum;
	char	   *target_sql = partman_sql_move_target_fingerprint(m->target_q);

	/* a foreign source: its server's snapshot and ours agree while writes wait */
	if (!m->to_remote)
		partman_lock_relation(m->partition, ExclusiveLock);

	/* the server computes its side while the local side is read */
	if (m->to_remote)
		partman_remote_send(m->remote_server, m->set.key.owner, target_sql);
	(void) partman_fresh_select(partman_sql_move_source_fingerprint(m->source_q, m->journal_q,
																  m->image, m->journal_image),
							  1, (Oid[]) {TEXTOID}, &snap, "the partition's checksum");
	partman_spi_one_row("the partition's checksum", 4);
	/* the source's figures minus the journal's, as the target must read them */
	want_rows = partman_numeric_difference(SPI_tuptable, 0, 1, 3);
	want_sum = partman_numeric_difference(SPI_tuptable, 0, 2, 4);
	if (m->to_remote)
	{
		target = partman_remote_receive_row(m->remote_server, m->set.key.owner, target_sql, 2);
		if (target == NULL)
			elog(ERROR, "no row from server \"%s\": %s", m->remote_server, target_sql);
	}
	else
		target = target_row(m, target_sql, 2);
	*detail = psprintf("the partition holds %s rows (checksum %s), the copy %s rows (checksum %s)",
					   want_rows, want_sum, target[0], target[1]);
	*rows = strtoi64(target[0], NULL, 10);
	return strcmp(want_rows, target[0]) == 0 && strcmp(want_sum, target[1]) == 0;
}

/* 5. cut over */
static void
cutover(void *arg)
{
	Move	   *m = arg;
	PartmanKey *key = &m->set.key;
	char	   *parent_q = partman_qualified_name(key->parent);
	char	   *kept_q = partman_qualified_in(key->nspname, m->kept_name);
	Oid			deflt;
	char	  **count;
	int64		source_rows;
	Oid			target;
	bool		isnull;

	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(m->partition, AccessExclusiveLock);
	deflt = partman_default_partition(key->parent);
	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
	partman_copy_step_begin(&m->copy);
	/* the journal's tail: no writer is left */
	(void) apply_round(m, 0);
	/* both counts at once: the server's while the local one runs */
	if (m->to_remote)
		partman_remote_send(m->remote_server, key->owner, partman_sql_move_count(m->target_q, false));
	(void) partman_fresh_select(partman_sql_move_count(m->source_q, false), 0, NULL, NULL, "the partition's rows");
	partman_spi_one_row("the partition's rows", 1);
	source_rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (m->to_remote)
	{
		count = partman_remote_receive_row(m->remote_server, key->owner,
										   partman_sql_move_count(m->target_q, false), 1);
		if (count == NULL)
			elog(ERROR, "no row count from server \"%s\"", m->remote_server);
	}
	else
		count = target_row(m, partman_sql_move_count(m->target_q, false), 1);
	if (source_rows != strtoi64(count[0], NULL, 10))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the copy of partition \"%s\" does not match it at the cut-over", m->partname),
				 errdetail("The partition holds " INT64_FORMAT " rows, the copy %s.", source_rows, count[0])));

	partman_ddl_exec(partman_sql_drop_trigger(m->source_q, "partman_move_capture"));
	if (m->to_remote)
		partman_ddl_exec(partman_sql_drop_trigger(m->source_q, "partman_move_capture_truncate"));
	partman_ddl_exec(partman_sql_drop_function(m->capture_q, false, false));
	partman_ddl_exec(partman_sql_drop_table(m->journal_q, false));
	partman_ddl_exec(partman_sql_detach(parent_q, m->source_q, NULL));
	partman_ddl_exec(partman_sql_rename(m->to_remote ? "TABLE" : "FOREIGN TABLE", m->source_q,
										m->kept_name));
	if (m->to_remote)
	{
		partman_ddl_exec(partman_sql_create_foreign_partition(m->source_q, parent_q, m->bound,
															  partman_remote_table_options(key, m->partname, m->server)));
		target = get_relname_relid(m->partname, get_rel_namespace(key->parent));
	}
	else
	{
		partman_ddl_exec(partman_sql_drop_table(m->applied_q, false));
		partman_ddl_exec(partman_sql_rename("TABLE", m->target_q, m->partname));
		partman_ddl_exec(partman_sql_attach(parent_q, m->source_q, m->bound));
		partman_ddl_exec(partman_sql_drop_constraint(m->source_q, "partman_move_bound", false));
		target = get_relname_relid(m->partname, get_rel_namespace(key->parent));
	}
	partman_copy_table_privileges(m->partition, target);
	if (!m->keep_source)
		partman_ddl_exec(m->to_remote ? partman_sql_drop_table(kept_q, false) :
						 partman_sql_drop_foreign_table(kept_q));
	partman_move_state_delete(m->partition);
	partman_end_ddl(&m->copy.ddl);
}

/* The statement that removes what is left on the server after the cut-over. */
static char *
remote_leftover(Move *m)
{
	if (m->to_remote)
		return partman_sql_drop_table(m->applied_q, true);
	if (!m->keep_source)
		return partman_sql_drop_table(m->remote_table_q, true);
	return NULL;
}

static void
cleanup_step(void *arg)
{
	Move	   *m = arg;

	partman_copy_step_begin(&m->copy);
	partman_remote_command(m->remote_server, m->set.key.owner, remote_leftover(m));
	partman_end_ddl(&m->copy.ddl);
}

/*
 * After the cut-over: what is left on the server goes.  The move is done
 * whatever happens here, so a failure (the server gone meanwhile) is a
 * WARNING naming the statement to run there.
 */
static void
cleanup_remote(Move *m)
{
	ErrorData  *edata;

	if (remote_leftover(m) == NULL)
		return;
	edata = partman_try_subtransaction(cleanup_step, m);
	if (edata != NULL)
		ereport(WARNING,
				(errmsg("partition \"%s\" was moved, but its leftovers on server \"%s\" were not removed: %s",
						m->partname, m->remote_server, edata->message),
				 errhint("Run on server \"%s\": %s;", m->remote_server, remote_leftover(m))));
	if (m->nonatomic)
		partman_spi_commit();
}

/* kind, copy noun, procedure; prepare, restart, load, apply_round, verify, cutover */
static const PartmanCopySteps move_steps = {"partition", "its copy", "move_partition",
prepare, restart_copy, load_batch, apply_round, verify, cutover};

/* ---------------------------------------------------------------------
 * The move
 * ---------------------------------------------------------------------
 */

/*
 * partman_move_partition_run
 *		Move partition to server (NULL: back to a local table), or finish
 *		its unfinished move.  nonatomic: called by CALL at top level, so
 *		each phase and batch commits; otherwise all runs in the caller's
 *		transaction (maintenance), holding the partition's writers from the
 *		prepare on.  Caller is connected to SPI and has checked nothing:
 *		ownership of the set (42501) and USAGE on the server are checked
 *		here.  Returns the cut-over's lock time in milliseconds.
 */
double
partman_move_partition_run(Oid partition, const char *server, int batch_rows, bool keep_source,
						   bool nonatomic)
{
	Move	   *m = palloc0(sizeof(Move));
	PartmanOnlineCopy *c = &m->copy;
	double		lock_ms;

	open_move(m, partition, server, batch_rows, keep_source, nonatomic);
	partman_online_copy_init(c, &move_steps, m, &m->set.key,
							 m->to_remote ? list_make1(m->remote_server) : NIL, &m->state,
							 m->partname, m->cursor, batch_rows, nonatomic);
	lock_ms = partman_online_copy_run(c);
	ereport(NOTICE,
			(errmsg("partition \"%s\" moved %s%s%s; the cut-over held its lock for %.1f ms",
					m->partname, server ? "to server \"" : "back to a local table",
					server ? server : "", server ? "\"" : "", lock_ms)));
	cleanup_remote(m);
	return lock_ms;
}

/*
 * partman_retention_move
 *		Retention action 'move': relid to server in the caller's transaction,
 *		as the set's owner (maintenance may run as a role that only has the
 *		owner's rights through partman, such as the worker's).  Returns the
 *		cut-over's lock time in milliseconds.
 */
double
partman_retention_move(const PartmanKey *key, Oid relid, const char *server)
{
	Oid			save_userid;
	int			save_sec_context;
	double		lock_ms;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(key->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	lock_ms = partman_move_partition_run(relid, server, 50000, false, false);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return lock_ms;
}
