/*-------------------------------------------------------------------------
 *
 * ddl.c
 *	  The statements that change partitions, and the rules they all follow:
 *	  - every lock wait is bounded by partman.lock_timeout;
 *	  - DDL runs as the parent's owner (the caller must already have the
 *		owner's privileges), so new partitions belong to that owner and no
 *		statement runs with more rights than the owner has;
 *	  - every statement is schema-qualified and quoted, and runs with
 *		search_path = pg_catalog, pg_temp;
 *	  - a new partition gets the parent's privileges, storage parameters and
 *		replica identity (PostgreSQL itself carries indexes, constraints and
 *		row triggers).
 *
 * Callers are connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "access/genam.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/partition.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "commands/defrem.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "access/twophase.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/jsonb.h"
#include "catalog/pg_type.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/relcache.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"

static void
set_local_guc(const char *name, const char *value)
{
	(void) set_config_option(name, value, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

static void
set_local_lock_timeout(void)
{
	char		buf[32];

	snprintf(buf, sizeof(buf), "%d", partman_lock_timeout_ms);
	set_local_guc("lock_timeout", buf);
}

/*
 * partman_lock_relation
 *		Lock relid in mode, waiting at most partman.lock_timeout.  When the
 *		lock is not granted in time, the ERROR names the lock and the table.
 */
void
partman_lock_relation(Oid relid, LOCKMODE mode)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	int			nestlevel;

	if (ConditionalLockRelationOid(relid, mode))
		return;

	nestlevel = NewGUCNestLevel();
	set_local_lock_timeout();
	PG_TRY();
	{
		LockRelationOid(relid, mode);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("could not obtain %s on table \"%s\" within partman.lock_timeout (%d ms)",
						GetLockmodeName(DEFAULT_LOCKMETHOD, mode),
						get_rel_name(relid), partman_lock_timeout_ms),
				 errdetail("Another session holds a conflicting lock on the table."),
				 errhint("Retry when the table is less busy, or raise partman.lock_timeout.")));
	}
	PG_END_TRY();
	AtEOXact_GUC(true, nestlevel);

	/* the table may have been dropped while we waited */
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u was dropped concurrently", relid)));
}

/*
 * Lock budget.  Every table partman creates or drops stays locked until
 * commit, with its indexes, TOAST table and types, and all sessions share
 * one lock table of max_locks_per_transaction slots per process, which can
 * grow into spare shared memory to about twice that (measured: a lone
 * session filled it at 16,500 locks under the default 7,808).  One
 * transaction over thousands of partitions fills it ("out of shared
 * memory") and fails as a whole.  So:
 *	- where partman can commit (CALL at top level, the worker), it commits in
 *	  batches of at most a quarter of the table;
 *	- where it cannot (create_parent, a transaction block), it refuses up
 *	  front work that cannot fit (more than twice the table), and turns a
 *	  table that fills anyway, because other sessions hold locks too, into
 *	  the same error: nothing is half-done.
 */

static int64
lock_table_size(void)
{
	return (int64) max_locks_per_xact * (MaxBackends + max_prepared_xacts);
}

/* The locks one batch of a procedure that commits may take. */
int
partman_lock_batch(void)
{
	return (int) Max(64, lock_table_size() / 4);
}

/* Tables one new partition of the set makes: itself and its sub-partitions. */
static int
tables_per_partition(const PartmanTemplate *tmpl)
{
	if (tmpl == NULL || tmpl->sub_strategy == 0)
		return 1;
	if (tmpl->sub_strategy == PARTITION_STRATEGY_HASH)
		return 1 + tmpl->sub_modulus;
	return 1 + (int) JB_ROOT_COUNT(DatumGetJsonbP(tmpl->sub_list_values)) + (tmpl->sub_default ? 1 : 0);
}

/*
 * partman_locks_per_partition
 *		How many locks creating or dropping one partition of parent takes
 *		until commit.  Measured on PostgreSQL 15 (pg_locks of the backend,
 *		per partition): creating takes 2, plus 5 with a TOAST table, plus 1
 *		per index; dropping 3, plus 3 with a TOAST table, plus 1 per index.
 *		This is the larger of the two, for each table a composite set's
 *		partition makes.
 */
int
partman_locks_per_partition(Oid parent, const PartmanTemplate *tmpl)
{
	Relation	rel = relation_open(parent, NoLock);
	TupleDesc	desc = RelationGetDescr(rel);
	int			indexes = list_length(RelationGetIndexList(rel));
	bool		toast = false;

	/* a column stored out of line gives each partition a TOAST table */
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && att->attlen == -1 && att->attstorage != TYPSTORAGE_PLAIN)
			toast = true;
	}
	relation_close(rel, NoLock);
	return (3 + (toast ? 5 : 0) + indexes) * tables_per_partition(tmpl);
}

static void
lock_table_full(Oid parent, const char *what, int64 partitions, int64 locks, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s of table \"%s\" touches " INT64_FORMAT " partitions, more than one transaction can lock",
					what, get_rel_name(parent), partitions),
			 errdetail("That takes about " INT64_FORMAT " locks, held until commit; the lock table has " INT64_FORMAT " for all sessions (max_locks_per_transaction = %d).",
					   locks, lock_table_size(), max_locks_per_xact),
			 errhint("%s", hint)));
}

/*
 * partman_check_lock_budget
 *		Refuse up front work on partitions partitions of parent that one
 *		transaction cannot lock; hint says what to do instead.
 */
void
partman_check_lock_budget(Oid parent, const PartmanTemplate *tmpl, int64 partitions,
						  const char *what, const char *hint)
{
	int64		locks = partitions * partman_locks_per_partition(parent, tmpl);

	if (locks > lock_table_size() * 2)
		lock_table_full(parent, what, partitions, locks, hint);
}

/*
 * partman_lock_table_filled
 *		Raise the error of partman_check_lock_budget for edata when it is the
 *		lock table filling up ("out of shared memory"), after the caller has
 *		rolled back what it did; otherwise do nothing.
 */
void
partman_lock_table_filled(const ErrorData *edata, Oid parent, const PartmanTemplate *tmpl,
						  int64 partitions, const char *what, const char *hint)
{
	if (edata->sqlerrcode != ERRCODE_OUT_OF_MEMORY ||
		strstr(edata->message, "shared memory") == NULL)
		return;
	lock_table_full(parent, what, partitions,
					partitions * partman_locks_per_partition(parent, tmpl), hint);
}

/*
 * partman_begin_ddl
 *		Act as the parent's owner with a safe search_path and bounded lock
 *		waits until partman_end_ddl().  The caller has checked that the
 *		current user has the owner's privileges.
 */
void
partman_begin_ddl(const PartmanKey *key, PartmanDdlState *state)
{
	GetUserIdAndSecContext(&state->userid, &state->sec_context);
	SetUserIdAndSecContext(key->owner,
						   state->sec_context | SECURITY_LOCAL_USERID_CHANGE);
	state->nestlevel = NewGUCNestLevel();
	partman_pin_search_path();
	set_local_lock_timeout();
}

void
partman_end_ddl(const PartmanDdlState *state)
{
	AtEOXact_GUC(true, state->nestlevel);
	SetUserIdAndSecContext(state->userid, state->sec_context);
}

/* Run one utility statement (built in statements.c); returns it. */
const char *
partman_ddl_exec(const char *sql)
{
	partman_spi_exec(sql, SPI_OK_UTILITY);
	return sql;
}

/* Run utility statements in order. */
void
partman_ddl_exec_list(List *statements)
{
	ListCell   *lc;

	foreach(lc, statements)
		partman_spi_exec(lfirst(lc), SPI_OK_UTILITY);
}

/*
 * partman_exec_as
 *		Run a utility statement as role owner, with partman's search_path
 *		and lock timeout (the caller checked the current user has owner's
 *		privileges).
 */
void
partman_exec_as(Oid owner, const char *sql)
{
	PartmanKey	as;
	PartmanDdlState ddl;

	memset(&as, 0, sizeof(as));
	as.owner = owner;
	partman_begin_ddl(&as, &ddl);
	partman_ddl_exec(sql);
	partman_end_ddl(&ddl);
}

/*
 * partman_try_subtransaction
 *		Run fn(arg) in a subtransaction.  Returns NULL when it succeeded, or
 *		the error it raised (in the caller's memory context) after rolling
 *		the subtransaction back, so the caller can decide what to report.
 */
ErrorData *
partman_try_subtransaction(void (*fn) (void *), void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return edata;
}

/*
 * partman_fail_after_cleanup
 *		How an online operation (a nonatomic CALL that commits between its
 *		steps) ends when a step failed with edata: cleanup(arg) removes what
 *		the operation left, in a subtransaction, and that is committed; when
 *		the cleanup fails too, warn(arg, its error) says what is left.  Then
 *		edata is raised.
 */
void
partman_fail_after_cleanup(ErrorData *edata, void (*cleanup) (void *),
						   void (*warn) (void *, ErrorData *), void *arg)
{
	ErrorData  *failed = partman_try_subtransaction(cleanup, arg);

	partman_spi_commit();
	if (failed != NULL)
		warn(arg, failed);
	ReThrowError(edata);
}

/*
 * The storage parameters of the newest non-default partition as
 * "name=value, ...", or NULL: without a storage_parameters setting, new
 * partitions continue what the DBA last tuned.
 */
static char *
newest_partition_options(Oid parent)
{
	List	   *parts = partman_list_partitions(parent);
	StringInfoData buf;
	HeapTuple	tuple;
	Datum		options;
	bool		isnull;
	ListCell   *lc;
	PartmanPartition *newest = NULL;

	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (!part->is_default)
			newest = part;
	}
	if (newest == NULL)
		return NULL;
	/* a composite set's partitions have none: those of its newest leaf */
	if (get_rel_relkind(newest->relid) == RELKIND_PARTITIONED_TABLE)
	{
		partman_lock_relation(newest->relid, AccessShareLock);
		return newest_partition_options(newest->relid);
	}

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(newest->relid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", newest->relid);
	options = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_reloptions, &isnull);
	initStringInfo(&buf);
	if (!isnull)
	{
		ArrayType  *arr = DatumGetArrayTypeP(options);
		Datum	   *items;
		int			nitems;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &items, NULL, &nitems);
		for (int i = 0; i < nitems; i++)
			appendStringInfo(&buf, "%s%s", i ? ", " : "", TextDatumGetCString(items[i]));
	}
	ReleaseSysCache(tuple);
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * partman_read_template
 *		What new partitions copy from the parent, and from the set's settings
 *		cfg (NULL for a table partman does not manage): its
 *		storage_parameters, or when they are NULL the newest partition's
 *		storage parameters (PostgreSQL keeps none on a partitioned table
 *		itself), and a composite set's sub-partitioning.
 */
void
partman_read_template(const PartmanKey *key, const PartmanConfig *cfg,
					  PartmanTemplate *tmpl)
{
	HeapTuple	tuple;
	bool		isnull;
	Datum		acl;
	Relation	rel;
	const char *storage = cfg ? cfg->storage_parameters : NULL;

	memset(tmpl, 0, sizeof(*tmpl));
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(key->parent));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", key->parent);
	acl = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relacl, &isnull);
	if (!isnull)
	{
		tmpl->relacl = PointerGetDatum(DatumGetAclPCopy(acl));
		tmpl->has_acl = true;
	}
	tmpl->row_security = ((Form_pg_class) GETSTRUCT(tuple))->relrowsecurity;
	ReleaseSysCache(tuple);

	rel = relation_open(key->parent, NoLock);
	tmpl->replident = rel->rd_rel->relreplident;
	if (tmpl->replident == REPLICA_IDENTITY_INDEX)
		tmpl->replident_index = RelationGetReplicaIndex(rel);
	relation_close(rel, NoLock);

	if (storage == NULL)
		storage = newest_partition_options(key->parent);
	tmpl->storage_parameters = storage ? partman_storage_clause(storage) : NULL;
	partman_template_add_sub(tmpl, cfg);
	tmpl->servers = cfg ? cfg->servers : NIL;
}

static List *referencing_keys(Oid relid);

/*
 * partman_drop_partition_statements
 *		What dropping partition relid of parent runs.  DROP TABLE alone,
 *		unless a foreign key references the partition: PostgreSQL refuses
 *		DROP TABLE of a partition of a table that a foreign key references,
 *		even with no referencing row left; DETACH checks the key instead (and
 *		names the referencing table and constraint when rows still point
 *		into the partition), and the detached table then drops like any
 *		other.  DETACH is not used otherwise: it rebuilds the parent's
 *		partition descriptor (every partition's bound, read again after each
 *		change), so retiring k of n partitions took time k * n (500 of 3,000:
 *		8.2 s, with DROP TABLE alone 0.63 s); DROP TABLE does not read it.
 */
List *
partman_drop_partition_statements(Oid parent, Oid relid)
{
	char	   *table = partman_qualified_name(relid);
	char	   *drop = get_rel_relkind(relid) == RELKIND_FOREIGN_TABLE ?
		partman_sql_drop_foreign_table(table) : partman_sql_drop_table(table, false);

	if (referencing_keys(relid) == NIL)
		return list_make1(drop);
	return list_make2(partman_sql_detach(partman_qualified_name(parent), table, NULL), drop);
}

/*
 * partman_archive_statements
 *		ALTER TABLE ... SET SCHEMA statements that move a detached partition
 *		and, when it is partitioned, every partition below it (PostgreSQL
 *		moves only the table named) to schema.  The caller holds a lock on
 *		relid.
 */
List *
partman_archive_statements(Oid relid, const char *schema)
{
	List	   *tables = find_all_inheritors(relid, NoLock, NULL);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, tables)
		result = lappend(result, partman_sql_set_schema(partman_qualified_name(lfirst_oid(lc)),
														schema));
	return result;
}

/*
 * partman_retire_statements
 *		What retiring partition relid of parent with action runs: 'drop'
 *		DETACH and DROP (see partman_drop_partition_statements); 'detach'
 *		DETACH, with how (NULL or "CONCURRENTLY"); 'archive' DETACH, then
 *		SET SCHEMA of the table and its sub-partitions.
 */
List *
partman_retire_statements(Oid parent, Oid relid, const char *action, const char *schema,
						  const char *how)
{
	List	   *statements;

	if (strcmp(action, "drop") == 0)
		return partman_drop_partition_statements(parent, relid);
	statements = list_make1(partman_sql_detach(partman_qualified_name(parent),
											   partman_qualified_name(relid), how));
	if (strcmp(action, "archive") == 0)
		statements = list_concat(statements, partman_archive_statements(relid, schema));
	return statements;
}

/* A foreign key that references a partition: PostgreSQL's clone of it, and the user's. */
typedef struct ReferencingKey
{
	char	   *clone;			/* the constraint PostgreSQL's error names */
	char	   *name;			/* the constraint the user created */
	char	   *table;			/* the referencing table, qualified */
} ReferencingKey;

/*
 * The foreign keys that reference partition relid, found through pg_depend
 * (pg_constraint has no index on the referenced table).  Read before the
 * DETACH, so that its error can name them without catalog access after it.
 */
static pg_noinline List *
referencing_keys(Oid relid)
{
	Relation	depend = table_open(DependRelationId, AccessShareLock);
	ScanKeyData scankey[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	ScanKeyInit(&scankey[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&scankey[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(depend, DependReferenceIndexId, true, NULL, 2, scankey);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);
		HeapTuple	contuple;
		Form_pg_constraint con;
		ReferencingKey *key;

		if (dep->classid != ConstraintRelationId)
			continue;
		contuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(dep->objid));
		if (!HeapTupleIsValid(contuple))
			continue;
		con = (Form_pg_constraint) GETSTRUCT(contuple);
		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != relid)
		{
			ReleaseSysCache(contuple);
			continue;
		}
		key = palloc(sizeof(ReferencingKey));
		key->clone = pstrdup(NameStr(con->conname));
		/* the user's constraint is the root of the clones */
		while (OidIsValid(con->conparentid))
		{
			HeapTuple	up = SearchSysCache1(CONSTROID, ObjectIdGetDatum(con->conparentid));

			if (!HeapTupleIsValid(up))
				break;
			ReleaseSysCache(contuple);
			contuple = up;
			con = (Form_pg_constraint) GETSTRUCT(contuple);
		}
		key->name = pstrdup(NameStr(con->conname));
		key->table = partman_qualified_name(con->conrelid);
		ReleaseSysCache(contuple);
		result = lappend(result, key);
	}
	systable_endscan(scan);
	table_close(depend, AccessShareLock);
	return result;
}

/*
 * partman_drop_partition_table
 *		Drop partition relid of parent (see above).  When rows still
 *		reference it, the error names the user's foreign key and the
 *		referencing table.  A foreign partition's table on its server is
 *		dropped after it, in the owner's remote transaction (detach keeps
 *		that table).  Caller holds AccessExclusiveLock on both, inside
 *		partman_begin_ddl().
 */
void
partman_drop_partition_table(Oid parent, Oid relid)
{
	List	   *statements = partman_drop_partition_statements(parent, relid);
	List	   *keys = referencing_keys(relid);
	MemoryContext oldcxt = CurrentMemoryContext;
	char	   *partition = pstrdup(get_rel_name(relid));
	PartmanRemoteTarget remote;
	bool		is_remote = partman_remote_target(relid, &remote);

	/* no foreign key references it: DROP TABLE alone (see above) */
	if (list_length(statements) == 1)
	{
		partman_ddl_exec(linitial(statements));
		if (is_remote)
			partman_remote_drop_table(&remote, GetUserId());
		return;
	}
	PG_TRY();
	{
		partman_ddl_exec(linitial(statements));
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		ListCell   *lc;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_FOREIGN_KEY_VIOLATION || edata->constraint_name == NULL)
			PG_RE_THROW();
		foreach(lc, keys)
		{
			ReferencingKey *key = lfirst(lc);

			if (strcmp(key->clone, edata->constraint_name) != 0)
				continue;
			FlushErrorState();
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("partition \"%s\" is still referenced by foreign key \"%s\" of table %s",
							partition, key->name, key->table),
					 edata->detail ? errdetail_internal("%s", edata->detail) : 0,
					 errhint("Delete the referencing rows (or drop the foreign key); the next run drops the partition.")));
		}
		PG_RE_THROW();
	}
	PG_END_TRY();
	partman_ddl_exec(lsecond(statements));
	/* then the table on the server, as the owner (the current user here) */
	if (is_remote)
		partman_remote_drop_table(&remote, GetUserId());
}

/*
 * partman_retire_partition
 *		action 'drop': DROP TABLE; 'detach': DETACH PARTITION, keeping the
 *		table; 'archive': detach, then move the table to schema.  Caller holds
 *		AccessExclusiveLock on the parent and the partition, inside
 *		partman_begin_ddl().
 */
void
partman_retire_partition(const PartmanKey *key, Oid relid, const char *action,
						 const char *schema)
{
	if (strcmp(action, "drop") == 0)
		partman_drop_partition_table(key->parent, relid);
	else
		partman_ddl_exec_list(partman_retire_statements(key->parent, relid, action, schema,
														NULL));
}

/* ---------------------------------------------------------------------
 * Foreign keys of other tables that reference a table being replaced
 * (partition_table, split_partition_online)
 * ---------------------------------------------------------------------
 */

/*
 * partman_referencing_fks
 *		The foreign keys of other tables that reference table, as the
 *		statements that drop them, add them again (NOT VALID, against
 *		whatever then has table's name) and validate them.  Takes ACCESS
 *		EXCLUSIVE on each referencing table (what DROP CONSTRAINT takes),
 *		within partman.lock_timeout.  Caller is inside partman_begin_ddl(), so
 *		the definitions name the referenced table schema-qualified.
 */
List *
partman_referencing_fks(Oid table)
{
	List	   *result = NIL;
	SPITupleTable *tuptable;
	uint64		n;

	(void) partman_spi_select("SELECT con.conrelid, c.relowner, con.conname, pg_catalog.pg_get_constraintdef(con.oid), "
							   "con.convalidated FROM pg_catalog.pg_constraint con "
							   "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid "
							   "WHERE con.contype OPERATOR(pg_catalog.=) 'f' AND con.confrelid OPERATOR(pg_catalog.=) $1 "
							   "AND con.conrelid OPERATOR(pg_catalog.<>) $1 AND con.conparentid OPERATOR(pg_catalog.=) 0 "
							   "ORDER BY 1, 3",
								 1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(table)}, "foreign keys");
	tuptable = SPI_tuptable;
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
	{
		PartmanForeignKey *fk = palloc0(sizeof(PartmanForeignKey));
		char	   *name = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 3);
		char	   *def = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 4);
		bool		valid = SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 5)[0] == 't';
		char	   *qualified;

		fk->relid = atooid(SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 1));
		fk->owner = atooid(SPI_getvalue(tuptable->vals[i], tuptable->tupdesc, 2));
		qualified = partman_qualified_name(fk->relid);
		partman_lock_relation(fk->relid, AccessExclusiveLock);
		fk->drop = partman_sql_drop_constraint(qualified, name, false);
		fk->add = partman_sql_add_constraint(qualified, name, def, valid);
		if (valid)
			fk->validate = partman_sql_validate_constraint(qualified, name);
		result = lappend(result, fk);
	}
	return result;
}

static void
validate_fk(void *arg)
{
	PartmanForeignKey *fk = arg;

	partman_exec_as(fk->owner, fk->validate);
}

/*
 * partman_validate_fks
 *		Validate foreign keys that were added again NOT VALID, one
 *		transaction each (SHARE UPDATE EXCLUSIVE on the referencing table:
 *		online).  One that fails stays NOT VALID, with a WARNING.  Caller is
 *		a procedure connected to SPI non-atomically.
 */
void
partman_validate_fks(List *fks)
{
	ListCell   *lc;

	foreach(lc, fks)
	{
		PartmanForeignKey *fk = lfirst(lc);
		ErrorData  *edata;

		if (fk->validate == NULL)
			continue;
		edata = partman_try_subtransaction(validate_fk, fk);
		if (edata != NULL)
			ereport(WARNING,
					(errmsg("foreign key could not be validated: %s", edata->message),
					 errdetail("It is enforced for new rows but still marked NOT VALID."),
					 errhint("Run it again later: %s;", fk->validate)));
		partman_spi_commit();
	}
}

/*
 * partman_storage_clause
 *		Storage parameters "name=value, ..." (validated by
 *		partman_parse_storage) as a quoted WITH (...) body, or NULL.
 */
char *
partman_storage_clause(const char *text)
{
	List	   *defs = partman_parse_storage(text);
	StringInfoData out;
	ListCell   *lc;

	if (defs == NIL)
		return NULL;
	initStringInfo(&out);
	foreach(lc, defs)
	{
		DefElem    *def = lfirst_node(DefElem, lc);

		appendStringInfo(&out, "%s%s = %s", out.len ? ", " : "",
						 quote_identifier(def->defname),
						 quote_literal_cstr(defGetString(def)));
	}
	return out.data;
}
