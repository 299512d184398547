/*-------------------------------------------------------------------------
 *
 * shard_table.c
 *	  partman.shard_table: an existing table, plain or partitioned, becomes
 *	  a HASH set on a key whose partitions live on postgres_fdw servers
 *	  (remainder r on servers[r % n]), while the application goes on
 *	  reading and writing it.  The background document's Exercise 3 in one
 *	  call.
 *
 * The source stays the truth until the cut-over, as in move_partition
 * (whose journal, batches and checks this follows), with one target per
 * remainder:
 *
 *	1. prepare: the sharded table under a working name, LIKE the source and
 *	   partitioned by HASH on the key; for each remainder its table on its
 *	   server (the source's columns, indexes, unique keys and primary key:
 *	   each server enforces them on its own rows, and the key is in every
 *	   one of them, so they hold across servers) with a list of the journal
 *	   entries applied there, and the foreign table that reads it as a
 *	   partition; on the source a trigger journaling every change as row
 *	   images.
 *	2. copy: one snapshot of the source, read by a WITH HOLD cursor, in
 *	   batches of batch_rows, each row routed by PostgreSQL's own hash of
 *	   the key to its remainder's table (COPY), one transaction a batch.
 *	3. catch up: journal entries the snapshot did not show, routed the same
 *	   way and applied on each server with its applied list, exactly once.
 *	4. verify: rows and checksum of the source by remainder, minus the
 *	   entries not applied yet, in one snapshot, against each server's.
 *	5. cut over under ACCESS EXCLUSIVE on the source (within
 *	   partman.lock_timeout): the journal's tail applied, counts compared
 *	   by remainder, the source renamed <name>_unsharded (kept until the
 *	   user drops it), the sharded table renamed to the source's name, its
 *	   sequences, identity, privileges and dependent views carried over,
 *	   and the set registered.  The lock time is reported.
 *
 * partman.moves holds the unfinished sharding (shard_key set), so that a
 * rerun after any failure resumes it.  Commits on several servers are not
 * atomic: nothing depends on it, since the cut-over happens only after the
 * check, and a check that fails copies again.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/relation.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "partitioning/partbounds.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/partcache.h"
#include "utils/rel.h"

#define CAPTURE_TRIGGER "partman_move_capture"

typedef struct Shard
{
	PartmanKey	key;			/* the source; key.parent is the source */
	char	   *source_q;
	bool		partitioned;	/* the source is a partitioned table */
	char	   *target_name;	/* the sharded table's name until the cut-over */
	char	   *target_q;
	char	   *kept_name;		/* the source's name after the cut-over */
	List	   *servers;
	int			modulus;
	/* by remainder */
	char	  **part_name;
	char	  **part_q;
	char	  **applied_q;
	char	  **server_of;
	char	   *cols;
	char	   *image;
	char	   *journal_image;
	int			key_position;	/* of the key in cols, from 1 */
	char	   *key_q;
	char	   *journal_q;
	char	   *capture_q;
	char	   *cursor;
	bool		routing;		/* hash_fn is set */
	FmgrInfo	hash_fn;
	Oid			hash_collation;
	PartmanOnlineCopy copy;		/* the shared phases, with the steps below */
	PartmanMoveState state;
} Shard;

/* ---------------------------------------------------------------------
 * Steps and routing
 * ---------------------------------------------------------------------
 */

/*
 * The remainder a key value routes to: the sharded table's own hash
 * support function, as PostgreSQL's tuple routing computes it (every
 * partition has the same modulus).
 */
static int
remainder_of(Shard *s, Datum value, bool isnull)
{
	if (!s->routing)
	{
		Relation	rel = relation_open(s->state.parent, AccessShareLock);
		PartitionKey partkey;

		partkey = RelationGetPartitionKey(rel);
		fmgr_info_copy(&s->hash_fn, &partkey->partsupfunc[0], s->copy.life_cxt);
		s->hash_collation = partkey->partcollation[0];
		relation_close(rel, AccessShareLock);
		s->routing = true;
	}
	return (int) (compute_partition_hash_value(1, &s->hash_fn, &s->hash_collation,
											   &value, &isnull) % (uint64) s->modulus);
}

static StringInfo
buffers(Shard *s)
{
	StringInfo	data = palloc(sizeof(StringInfoData) * s->modulus);

	for (int r = 0; r < s->modulus; r++)
		initStringInfo(&data[r]);
	return data;
}

/* ---------------------------------------------------------------------
 * Opening: checks and names
 * ---------------------------------------------------------------------
 */

static void
refuse(const Shard *s, const char *why, const char *detail, const char *hint)
{
	partman_refuse_table(s->key.relname, "sharded", why, detail, hint);
}

static void
refuse_taken(const Shard *s, const char *name, const char *why)
{
	if (OidIsValid(get_relname_relid(name, get_rel_namespace(s->key.parent))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", name),
				 errdetail("%s", why)));
}

/* The source and its key, read and checked as a table partman may shard */
static void
read_source(Shard *s, Oid source, const char *keycol)
{
	PartmanRelation rel;

	partman_read_table_key(source, &rel, &s->key);
	if ((rel.relkind != RELKIND_RELATION && rel.relkind != RELKIND_PARTITIONED_TABLE) ||
		rel.relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table that shard_table can shard", rel.relname),
				 errdetail("shard_table takes a plain or partitioned table that is not a partition.")));
	if (rel.relpersistence != RELPERSISTENCE_PERMANENT || OidIsValid(rel.reloftype))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" is temporary, unlogged or typed", rel.relname)));
	s->key.strategy = PARTITION_STRATEGY_HASH;
	s->partitioned = rel.relkind == RELKIND_PARTITIONED_TABLE;
	partman_check_owner(source);
	if (s->partitioned && partman_config_exists(source))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is managed by partman", rel.relname),
				 errdetail("Its maintenance would go on on the old table after the cut-over."),
				 errhint("Stop managing it with partman.undo_parent first.")));
	partman_read_key_column(&s->key, keycol);
}

/*
 * What a sharded table cannot have (PostgreSQL 15 gives foreign partitions
 * no foreign keys, triggers of their own, row-level security or unique
 * index across servers), and objects that would go on reading the old
 * table, refuse the call before anything is made.
 */
static void
check_source(Shard *s)
{
	Oid			source = s->key.parent;
	bool		primary;
	bool		exclusion;
	char	   *columns;
	char	   *index = partman_unique_index_without(source, s->key.attnum, &primary, &exclusion,
													 &columns);
	bool		inherits;
	bool		rules;
	ListCell   *lc;
	static const PartmanDependent kinds[] = {PARTMAN_DEPENDENT_MATVIEW, PARTMAN_DEPENDENT_FUNCTION,
	PARTMAN_DEPENDENT_PUBLICATION};

	if (index != NULL)
		refuse(s, psprintf("%s \"%s\" does not include column \"%s\"",
						   exclusion ? "exclusion constraint" : primary ? "primary key" : "unique index",
						   index, s->key.attname),
			   "Each server enforces uniqueness on its own rows only, which holds across servers only for keys that include the shard key.",
			   "Include the shard key in the unique key, or shard on a column of it.");
	foreach(lc, partman_index_definitions(source))
	{
		PartmanIndexDef *def = lfirst(lc);

		if (def->condef != NULL && strncmp(def->condef, "EXCLUDE", 7) == 0)
			refuse(s, psprintf("it has exclusion constraint \"%s\"", def->conname),
				   "Each server would enforce it on its own rows only.",
				   "Drop the exclusion constraint first.");
	}
	foreach(lc, partman_check_and_fk_constraints(source))
	{
		PartmanConstraint *con = lfirst(lc);

		if (con->contype == 'f')
			refuse(s, psprintf("it has foreign key \"%s\"", con->name),
				   "PostgreSQL 15 enforces no foreign key on foreign tables.",
				   "Drop the foreign key first.");
		if (con->noinherit)
			refuse(s, psprintf("check constraint \"%s\" is NO INHERIT", con->name),
				   "A partitioned table takes no NO INHERIT constraint.",
				   "Drop it, or make it inheritable.");
	}
	if (partman_fks_of_others(source) != NIL)
		refuse(s, psprintf("foreign key \"%s\" of another table references it",
						   ((PartmanReference *) linitial(partman_fks_of_others(source)))->conname),
			   "A table whose partitions are on other servers can have no unique key for a foreign key to reference.",
			   "Drop the foreign key first.");
	foreach(lc, partman_trigger_definitions(source))
	{
		PartmanTriggerDef *trigger = lfirst(lc);

		if (strncmp(trigger->name, CAPTURE_TRIGGER, strlen(CAPTURE_TRIGGER)) != 0)
			refuse(s, psprintf("it has trigger \"%s\"", trigger->name),
				   "Rows written on the servers would not fire it.",
				   "Drop the trigger first, and create it on the sharded table afterwards.");
	}
	if (partman_row_security(source))
		refuse(s, "it has row-level security", "Foreign tables have no row-level security.", NULL);
	partman_inheritance_and_rules(source, &inherits, &rules);
	if (rules || (inherits && !s->partitioned))
		refuse(s, rules ? "it has rules" : "it takes part in table inheritance", NULL, NULL);
	for (int i = 0; i < lengthof(kinds); i++)
	{
		char	   *name = partman_first_dependent(source, kinds[i]);

		if (name != NULL)
			refuse(s, psprintf("%s \"%s\" depends on it",
							   kinds[i] == PARTMAN_DEPENDENT_PUBLICATION ? "publication" :
							   kinds[i] == PARTMAN_DEPENDENT_MATVIEW ? "materialized view" : "function",
							   name),
				   "It would go on reading the old table.",
				   "Drop it first and create it again afterwards.");
	}
}

/* The servers: usable by the owner (mapping) and the caller (USAGE), no repeats */
static void
check_servers(Shard *s)
{
	ListCell   *lc;

	foreach(lc, s->servers)
	{
		Oid			serverid = partman_remote_server(lfirst(lc), s->key.owner);
		AclResult	aclresult = pg_foreign_server_aclcheck(serverid, GetUserId(), ACL_USAGE);

		if (aclresult != ACLCHECK_OK)
			aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, lfirst(lc));
		for (ListCell *other = lnext(s->servers, lc); other; other = lnext(s->servers, other))
			if (strcmp(lfirst(lc), lfirst(other)) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("server \"%s\" is named twice in servers", (char *) lfirst(lc))));
	}
	if (s->modulus < list_length(s->servers) || s->modulus > PARTMAN_MAX_HASH_MODULUS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("modulus must be between the number of servers (%d) and %d, not %d",
						list_length(s->servers), PARTMAN_MAX_HASH_MODULUS, s->modulus)));
}

/* servers as name[]'s text, as partman.moves gives it back */
static char *
servers_text(List *servers)
{
	Datum	   *names = palloc(sizeof(Datum) * list_length(servers));
	ListCell   *lc;
	Oid			output;
	bool		varlena;

	foreach(lc, servers)
		names[foreach_current_index(lc)] = DirectFunctionCall1(namein, CStringGetDatum(lfirst(lc)));
	getTypeOutputInfo(NAMEARRAYOID, &output, &varlena);
	return OidOutputFunctionCall(output,
								 PointerGetDatum(construct_array(names, list_length(servers), NAMEOID,
																 NAMEDATALEN, false, TYPALIGN_CHAR)));
}

static void
open_shard(Shard *s, Oid source, const char *keycol, List *servers, int modulus)
{
	bool		has_state;
	PartmanKey *key = &s->key;

	read_source(s, source, keycol);
	s->servers = servers;
	s->modulus = modulus > 0 ? modulus : list_length(servers);
	check_servers(s);
	check_source(s);
	/* the cut-over registers the set, which checks the same: better refused now than then */
	partman_check_lock_budget(source, NULL, s->modulus, "shard_table",
							  "Choose a smaller modulus, or raise max_locks_per_transaction.");

	has_state = partman_move_state_read(source, &s->state);
	if (has_state && (s->state.shard_key == NULL || strcmp(s->state.shard_key, keycol) != 0 ||
					  strcmp(s->state.servers, servers_text(servers)) != 0 ||
					  s->state.modulus != s->modulus))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is being %s", key->relname,
						s->state.shard_key ? "sharded with other arguments" : "moved"),
				 s->state.shard_key ?
				 errdetail("key \"%s\", servers %s, modulus %d.", s->state.shard_key,
						   s->state.servers, s->state.modulus) : 0,
				 errhint("Run that call again to finish it.")));

	s->source_q = partman_qualified_name(source);
	s->target_name = partman_helper_name(key->relname, "sharding");
	s->target_q = partman_qualified_in(key->nspname, s->target_name);
	s->kept_name = partman_helper_name(key->relname, "unsharded");
	s->key_q = pstrdup(partman_quote_name(key->attname));
	s->journal_q = partman_qualified_in(key->nspname, partman_helper_name(key->relname, "shard_journal"));
	s->capture_q = partman_qualified_in(key->nspname, partman_helper_name(key->relname, "shard_capture"));
	s->cursor = partman_work_name("shard", source);
	s->key_position = partman_row_columns(source, key->attname, &s->cols, &s->image,
										  &s->journal_image);
	s->part_name = palloc(sizeof(char *) * s->modulus);
	s->part_q = palloc(sizeof(char *) * s->modulus);
	s->applied_q = palloc(sizeof(char *) * s->modulus);
	s->server_of = palloc(sizeof(char *) * s->modulus);
	for (int r = 0; r < s->modulus; r++)
	{
		s->part_name[r] = partman_hash_name(key, r);
		s->part_q[r] = partman_qualified_in(key->nspname, s->part_name[r]);
		s->applied_q[r] = partman_qualified_in(key->nspname,
											   partman_helper_name(s->part_name[r], "shard_applied"));
		s->server_of[r] = list_nth(servers, r % list_length(servers));
		if (!has_state)
			refuse_taken(s, s->part_name[r], "shard_table names the partitions of the sharded table so.");
	}
	if (!has_state)
	{
		refuse_taken(s, s->target_name, "shard_table builds the sharded table under that name.");
		s->state.partition = source;
		s->state.shard_key = pstrdup(keycol);
		s->state.servers = servers_text(servers);
		s->state.modulus = s->modulus;
	}
	refuse_taken(s, s->kept_name, "shard_table keeps the old table under that name.");
}

/* ---------------------------------------------------------------------
 * The phases
 * ---------------------------------------------------------------------
 */

/* What an interrupted prepare may have left (ours: the state says so). */
static void
remove_prepared(Shard *s)
{
	partman_ddl_exec(partman_sql_drop_table(s->target_q, true));
	for (int r = 0; r < s->modulus; r++)
		partman_remote_command(s->server_of[r], s->key.owner,
							   psprintf("%s; %s", partman_sql_drop_table(s->applied_q[r], true),
										partman_sql_drop_table(s->part_q[r], true)));
	partman_ddl_exec(partman_sql_drop_function(s->capture_q, true, true));
	partman_ddl_exec(partman_sql_drop_table(s->journal_q, true));
}

/* 1. prepare */
static void
prepare(void *arg)
{
	Shard	   *s = arg;
	PartmanKey *key = &s->key;
	ListCell   *lc;

	/* the trigger waits for the source's writers, within lock_timeout */
	partman_lock_relation(key->parent, ShareRowExclusiveLock);
	partman_copy_step_begin(&s->copy);
	if (s->copy.again)
		remove_prepared(s);
	partman_ddl_exec(partman_sql_create_parent_like(s->target_q, s->source_q, "HASH",
													key->attname, NULL));
	s->state.parent = get_relname_relid(s->target_name, get_rel_namespace(key->parent));
	/* the CHECK constraints: declared here, enforced where the rows are (remote.c) */
	foreach(lc, partman_constraint_definitions(key->parent))
	{
		PartmanConstraintDef *check = lfirst(lc);

		partman_ddl_exec(partman_sql_add_constraint(s->target_q, check->name, check->definition, false));
	}
	for (int r = 0; r < s->modulus; r++)
	{
		PartmanBound bound;

		memset(&bound, 0, sizeof(bound));
		bound.modulus = s->modulus;
		bound.remainder = r;
		/* the source's columns, indexes and CHECK constraints, its unique keys included */
		partman_remote_create_table(key, s->part_name[r], s->server_of[r]);
		partman_remote_command(s->server_of[r], key->owner,
							   partman_sql_move_applied(s->applied_q[r], false));
		partman_ddl_exec(partman_sql_create_foreign_partition(s->part_q[r], s->target_q,
															  partman_bound_clause(key, &bound),
															  partman_remote_table_options(key, s->part_name[r],
																						   s->server_of[r])));
	}
	partman_copy_start_journal(&s->copy, s->source_q, s->journal_q, s->capture_q, s->partitioned,
							   true);
	partman_end_ddl(&s->copy.ddl);
}

/* One fetched batch of the cursor, each row to its remainder's table */
static void
load_batch(void *arg, SPITupleTable *tuptable, uint64 n)
{
	Shard	   *s = arg;
	TupleDesc	desc = tuptable->tupdesc;
	StringInfo	data = buffers(s);

	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		key;

		if (!DatumGetBool(SPI_getbinval(tuptable->vals[i], desc, 2, &isnull)))
			continue;
		key = SPI_getbinval(tuptable->vals[i], desc, 2 + s->key_position, &isnull);
		partman_append_copy_row(&data[remainder_of(s, key, isnull)], tuptable->vals[i], desc, 3);
		s->state.rows_copied++;
	}
	for (int r = 0; r < s->modulus; r++)
		if (data[r].len > 0)
			partman_remote_copy_in(s->server_of[r], s->key.owner,
								   partman_sql_move_load_copy(s->part_q[r], s->cols),
								   data[r].data, data[r].len);
}

/* 2. copy, from the start: the servers' tables emptied, the cursor declared */
static void
restart_copy(void *arg)
{
	Shard	   *s = arg;

	for (int r = 0; r < s->modulus; r++)
		partman_remote_command(s->server_of[r], s->key.owner,
							   partman_sql_move_reset(s->part_q[r], s->applied_q[r]));
	partman_ddl_exec(partman_sql_move_cursor(s->cursor, s->source_q, s->cols, false, s->partitioned));
}

/*
 * 3. catch up: one batch (limit 0: all) of the journal entries the copy's
 * snapshot did not show, each applied on its remainder's server with the
 * list there of what it applied.  Returns how many.  Caller is inside a
 * step.
 */
static uint64
apply_round(void *arg, int limit)
{
	Shard	   *s = arg;
	Datum		snap = CStringGetTextDatum(s->state.snapshot);
	SPITupleTable *tuptable;
	StringInfo	data = buffers(s);
	Datum	   *seqs;
	uint64		n;

	n = partman_fresh_select(partman_sql_move_journal_batch(s->journal_q, s->journal_image, s->key_q,
															limit),
							 1, (Oid[]) {TEXTOID}, &snap, "the journal");
	tuptable = SPI_tuptable;
	seqs = palloc(sizeof(Datum) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		key = SPI_getbinval(tuptable->vals[i], tuptable->tupdesc, 4, &isnull);
		StringInfo	buf = &data[remainder_of(s, key, isnull)];

		seqs[i] = SPI_getbinval(tuptable->vals[i], tuptable->tupdesc, 1, &isnull);
		appendStringInfo(buf, "%s\t%s\t", SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 1),
						 SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 2));
		partman_append_copy_field(buf, SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 3));
		appendStringInfoChar(buf, '\n');
	}
	/* one remainder at a time: the stage is the server's, shared by its tables */
	for (int r = 0; r < s->modulus; r++)
	{
		if (data[r].len == 0)
			continue;
		partman_remote_command(s->server_of[r], s->key.owner, partman_sql_move_stage());
		partman_remote_copy_in(s->server_of[r], s->key.owner, partman_sql_move_stage_copy(),
							   data[r].data, data[r].len);
		partman_remote_command(s->server_of[r], s->key.owner,
							   partman_sql_move_apply(s->part_q[r], s->applied_q[r], s->key_q));
	}
	/* entries the copy showed, and those applied, are forgotten here */
	if (SPI_execute_with_args(partman_sql_move_journal_forget(s->journal_q), 2,
							  (Oid[]) {TEXTOID, INT8ARRAYOID},
							  (Datum[]) {snap, PointerGetDatum(construct_array(seqs, n, INT8OID, 8,
																			   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE))},
							  NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not forget the journal entries of \"%s\"", s->key.relname);
	return n;
}

/*
 * 4. verify: the source by remainder (one snapshot: rows, checksum, and the
 * journal entries not applied yet) against each remainder's table.
 * Returns whether all match; detail names the first that does not.
 */
static bool
verify(void *arg, char **detail, int64 *rows)
{
	Shard	   *s = arg;
	Datum		snap = CStringGetTextDatum(s->state.snapshot);
	char	  **target = palloc(sizeof(char *) * s->modulus * 2);
	SPITupleTable *tuptable;

	for (int r = 0; r < s->modulus; r++)
	{
		char	  **row = partman_remote_row(s->server_of[r], s->key.owner,
											 partman_sql_move_target_fingerprint(s->part_q[r]), 2);

		if (row == NULL)
			elog(ERROR, "no checksum from server \"%s\"", s->server_of[r]);
		target[2 * r] = row[0];
		target[2 * r + 1] = row[1];
	}
	if (partman_fresh_select(partman_sql_shard_source_fingerprint(s->source_q, s->partitioned,
																  s->journal_q, s->image,
																  s->journal_image, s->state.parent,
																  s->modulus, s->key_q),
							 1, (Oid[]) {TEXTOID}, &snap, "the table's checksum") != (uint64) s->modulus)
		elog(ERROR, "the table's checksum has no row for every remainder");
	tuptable = SPI_tuptable;
	*rows = 0;
	for (int r = 0; r < s->modulus; r++)
	{
		char	   *want_rows;
		char	   *want_sum;

		want_rows = partman_numeric_difference(tuptable, r, 2, 4);
		want_sum = partman_numeric_difference(tuptable, r, 3, 5);
		*rows += strtoi64(target[2 * r], NULL, 10);
		if (strcmp(want_rows, target[2 * r]) != 0 || strcmp(want_sum, target[2 * r + 1]) != 0)
		{
			*detail = psprintf("remainder %d: the table holds %s rows (checksum %s), server \"%s\" %s rows (checksum %s)",
							   r, want_rows, want_sum, s->server_of[r], target[2 * r], target[2 * r + 1]);
			return false;
		}
	}
	return true;
}

/*
 * The source's sequences: a serial column's sequence now belongs to the
 * sharded table's column (the old table may be dropped); an identity
 * column's continues where the old one left off.
 */
static void
carry_sequences(Shard *s, List *sequences)
{
	ListCell   *lc;

	foreach(lc, sequences)
	{
		PartmanColumnSequence *seq = lfirst(lc);
		char	   *seq_q = partman_qualified_name(seq->seq);

		if (seq->identity)
			partman_continue_identity(s->source_q, seq->attname, seq_q);
		else
			partman_ddl_exec(partman_sql_sequence_owned_by(seq_q, s->source_q, seq->attname));
	}
}

/* The sharded table registered as a HASH set on the servers */
static void
register_set(Shard *s, Oid sharded)
{
	PartmanKey	key;
	PartmanConfig cfg;

	partman_read_key(sharded, &key);
	memset(&cfg, 0, sizeof(cfg));
	cfg.parent = sharded;
	cfg.strategy = unconstify(char *, partman_strategy_name(PARTITION_STRATEGY_HASH));
	cfg.key = key.attname;
	cfg.premake = 4;
	cfg.retention_action = "drop";
	cfg.time_zone = "UTC";
	cfg.require_filter = "off";
	cfg.servers = s->servers;
	(void) partman_create_set(&key, &cfg, NULL, s->modulus, (Datum) 0);
}

/* 5. cut over */
static void
cutover(void *arg)
{
	Shard	   *s = arg;
	PartmanKey *key = &s->key;
	List	   *views;
	List	   *sequences;
	ListCell   *lc;
	int64		copied = 0;
	int64		source_rows;
	bool		isnull;
	Oid			sharded = s->state.parent;

	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(sharded, AccessExclusiveLock);
	partman_copy_step_begin(&s->copy);
	/* the journal's tail: no writer is left */
	(void) apply_round(s, 0);
	/*
	 * Totals only: the copy was checked by remainder before the lock, and
	 * the tail applied since is the journal's, exactly once.
	 */
	for (int r = 0; r < s->modulus; r++)
	{
		char	  **there = partman_remote_row(s->server_of[r], key->owner,
											   partman_sql_move_count(s->part_q[r], false), 1);

		if (there == NULL)
			elog(ERROR, "no row count from server \"%s\"", s->server_of[r]);
		copied += strtoi64(there[0], NULL, 10);
	}
	(void) partman_fresh_select(partman_sql_move_count(s->source_q, s->partitioned),
								0, NULL, NULL, "the table's rows");
	partman_spi_one_row("the table's rows", 1);
	source_rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (source_rows != copied)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the copy of table \"%s\" does not match it at the cut-over", key->relname),
				 errdetail("The table holds " INT64_FORMAT " rows, its shards " INT64_FORMAT ".",
						   source_rows, copied)));
	/* read while the names still point at the old table */
	views = partman_view_definitions(key->parent);
	sequences = partman_column_sequences(key->parent);

	partman_ddl_exec(partman_sql_drop_trigger(s->source_q, CAPTURE_TRIGGER));
	partman_ddl_exec(partman_sql_drop_trigger(s->source_q, CAPTURE_TRIGGER "_truncate"));
	partman_ddl_exec(partman_sql_drop_function(s->capture_q, false, false));
	partman_ddl_exec(partman_sql_drop_table(s->journal_q, false));
	partman_ddl_exec(partman_sql_rename("TABLE", s->source_q, s->kept_name));
	partman_ddl_exec(partman_sql_rename("TABLE", s->target_q, key->relname));
	carry_sequences(s, sequences);
	partman_copy_table_privileges(key->parent, sharded);
	foreach(lc, views)
	{
		PartmanViewDef *view = lfirst(lc);

		partman_exec_as(view->owner, partman_sql_replace_view(partman_qualified_name(view->relid),
															  view->options, view->definition));
	}
	register_set(s, sharded);
	partman_move_state_delete(key->parent);
	partman_end_ddl(&s->copy.ddl);
}

/* After the cut-over: the applied lists on the servers go (a WARNING if one cannot). */
static void
drop_applied(void *arg)
{
	Shard	   *s = arg;

	partman_copy_step_begin(&s->copy);
	for (int r = 0; r < s->modulus; r++)
		partman_remote_command(s->server_of[r], s->key.owner,
							   partman_sql_drop_table(s->applied_q[r], true));
	partman_end_ddl(&s->copy.ddl);
}

/* kind, copy noun, procedure; prepare, restart, load, apply_round, verify, cutover */
static const PartmanCopySteps shard_steps = {"table", "its shards", "shard_table",
prepare, restart_copy, load_batch, apply_round, verify, cutover};

/* ---------------------------------------------------------------------
 * The sharding
 * ---------------------------------------------------------------------
 */

/*
 * partman_shard_table_run
 *		Shard table source on key over servers (names, char *) with modulus
 *		partitions (0: one per server), or finish its unfinished sharding.
 *		nonatomic: called by CALL at top level, so each phase and batch
 *		commits.  Caller is connected to SPI; ownership (42501) and USAGE on
 *		the servers are checked here.  Returns the cut-over's lock time in
 *		milliseconds.
 */
double
partman_shard_table_run(Oid source, const char *key, List *servers, int modulus,
						int batch_rows, bool nonatomic)
{
	Shard	   *s = palloc0(sizeof(Shard));
	PartmanOnlineCopy *c = &s->copy;
	double		lock_ms;
	ErrorData  *edata;

	open_shard(s, source, key, servers, modulus);
	partman_online_copy_init(c, &shard_steps, s, &s->key, s->servers, &s->state,
							 s->key.relname, s->cursor, batch_rows, nonatomic);
	/* the state row's parent until the sharded table exists */
	if (s->state.phase == NULL)
		s->state.parent = source;
	lock_ms = partman_online_copy_run(c);
	ereport(NOTICE,
			(errmsg("table \"%s\" is sharded over %d partitions on %d servers; the old table is \"%s\"; the cut-over held its lock for %.1f ms",
					s->key.relname, s->modulus, list_length(servers), s->kept_name, lock_ms)));
	edata = partman_try_subtransaction(drop_applied, s);
	if (edata != NULL)
		ereport(WARNING,
				(errmsg("table \"%s\" was sharded, but its lists of applied changes on the servers were not removed: %s",
						s->key.relname, edata->message)));
	if (nonatomic)
		partman_spi_commit();
	return lock_ms;
}
