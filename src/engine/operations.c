/*-------------------------------------------------------------------------
 *
 * operations.c
 *	  The partition operations behind create_partition, attach_partition,
 *	  detach_partition, drop_partition, split_partition, merge_partitions
 *	  and split_hash_partition (their SQL entry points: sql_api/operations.c).
 *
 * Each runs in the caller's transaction: a failure rolls back every step, so
 * a failed call changes nothing and rows are never lost.  Locks are taken up
 * front, each within partman.lock_timeout, and held until the transaction
 * ends; DDL runs as the parent's owner (see ddl.c).  Callers are connected
 * to SPI and opened the set (which checks ownership).
 *
 * A bound that has to be proven (attach, and the re-attach steps of split and
 * merge) is proven by a NOT VALID CHECK constraint that is then validated, so
 * ATTACH PARTITION finds it and does not scan the table again.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#define HELPER_CONSTRAINT "partman_bound_check"

/* An argument or operation that does not fit the set's strategy. */
void
partman_wrong_strategy(const PartmanSet *set, const char *what, const char *fits)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("%s does not apply to table \"%s\", which is partitioned by %s",
					what, set->key.relname, partman_strategy_keyword(set->key.strategy)),
			 fits ? errhint("%s", fits) : 0));
}

/*
 * Find the set and the bound of an existing partition; the caller must have
 * the parent owner's privileges.
 */
PartmanPartition *
partman_open_partition(Oid relid, PartmanSet *set)
{
	List	   *parts;
	ListCell   *lc;

	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (!get_rel_relispartition(relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partition", get_rel_name(relid))));
	partman_open_set(get_partition_parent(relid, false), set);
	parts = partman_list_partitions(set->key.parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);

		if (part->relid == relid)
			return part;
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("partition \"%s\" is being detached", get_rel_name(relid))));
	return NULL;
}

/*
 * Splitting and merging move rows between the tables named, which a
 * composite set's partition (a partitioned table) does not hold itself.
 */
void
partman_refuse_subpartitioned(Oid relid, const char *what)
{
	/*
	 * Rows would have to move between servers inside one transaction, and
	 * postgres_fdw's connection cannot see a table partman made on a server
	 * before commit: refused rather than done half-way.
	 */
	if (get_rel_relkind(relid) == RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support partition \"%s\", which is on server \"%s\"",
						what, get_rel_name(relid), partman_partition_server(relid)),
				 errdetail("Its rows would move between servers in one transaction, which partman does not do."),
				 errhint("Move the partition back to this server first (partman.move_partition with server => NULL).")));
	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s does not support partition \"%s\", which is itself partitioned",
						what, get_rel_name(relid)),
				 errhint("Split or merge its sub-partitions, or detach it and attach new partitions.")));
}

/* The default name of a new partition with this bound. */
static char *
default_name(const PartmanSet *set, const PartmanBound *bound)
{
	const PartmanKey *key = &set->key;

	switch (key->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			if (set->has_grid)
			{
				int64		cell = partman_grid_cell_of(&set->grid, bound->lower);

				if (partman_compare_keys(key, partman_grid_bound(&set->grid, cell), bound->lower) == 0 &&
					partman_compare_keys(key, partman_grid_bound(&set->grid, cell + 1), bound->upper) == 0)
					return partman_cell_name(key, &set->grid, cell);
			}
			return partman_range_name(key, partman_value_suffix(key, bound->lower, set->zone));
		case PARTITION_STRATEGY_LIST:
			/* named after its first value */
			return partman_list_name(key, bound->values == NIL ? NULL :
									 partman_value_suffix(key, PointerGetDatum(linitial(bound->values)),
														  NULL));
		case PARTITION_STRATEGY_HASH:
			return partman_hash_name(key, bound->remainder);
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Steps shared by the operations
 * ---------------------------------------------------------------------
 */

/*
 * Refuse a new partition whose bound overlaps an existing partition, naming
 * that partition, before any statement runs: PostgreSQL's own error would
 * quote partman's internal statement instead.  One pass over the
 * partitions; the caller holds a lock on the parent.
 */
static void
check_overlap(const PartmanSet *set, const PartmanBound *bound, const char *name)
{
	List	   *parts = partman_list_partitions(set->key.parent);
	ListCell   *lc;

	foreach(lc, parts)
	{
		PartmanBound existing;

		partman_bound_of(lfirst(lc), &existing);
		if (partman_bounds_overlap(&set->key, &existing, bound))
		{
			char	   *other = get_rel_name(((PartmanPartition *) lfirst(lc))->relid);

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("new partition \"%s\" would overlap existing partition \"%s\" of table \"%s\"",
							name, other, set->key.relname),
					 errdetail("The new partition is %s; \"%s\" is %s.",
							   partman_bound_clause(&set->key, bound), other,
							   partman_bound_clause(&set->key, &existing)),
					 set->key.strategy == PARTITION_STRATEGY_RANGE ?
					 errhint("Choose a range outside the existing partitions, or split \"%s\" with partman.split_partition.",
							 other) : 0));
		}
	}
}

static void
lock_default(Oid parent)
{
	Oid			deflt = partman_default_partition(parent);

	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
}

/*
 * A managed set whose default partition was dropped or detached through
 * partman no longer has one by choice: default_partition becomes false, so
 * neither the health view nor maintenance takes it for missing.
 */
static void
forget_default(const PartmanSet *set, const PartmanPartition *part)
{
	if (part->is_default && set->managed && set->cfg.default_partition)
		partman_config_set_default(set->key.parent, false);
}

static void
run_sql(void *sql)
{
	partman_ddl_exec(sql);
}

/*
 * Prove that every row of table satisfies bound with a validated CHECK
 * constraint (so ATTACH does not scan again).  When some do not, ERROR with
 * how many and an example.  The check is validated in a subtransaction so the
 * count can be reported.
 */
static void
prove_bound(const PartmanKey *key, Oid relid, const PartmanBound *bound)
{
	char	   *table = partman_qualified_name(relid);
	char	   *condition = partman_bound_condition(key, bound);
	ErrorData  *edata;

	partman_ddl_exec(partman_sql_add_check(table, HELPER_CONSTRAINT, condition, true, false));

	edata = partman_try_subtransaction(run_sql,
									   partman_sql_validate_constraint(table, HELPER_CONSTRAINT));
	if (edata != NULL && edata->sqlerrcode != ERRCODE_CHECK_VIOLATION)
		ReThrowError(edata);

	if (edata != NULL)
	{
		char	   *outside = psprintf("(%s) IS NOT TRUE", condition);
		uint64		count = partman_count_rows(table, outside);
		char	   *example = partman_key_example(key, table, outside);

		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg_plural("table \"%s\" has " UINT64_FORMAT " row outside the partition bound",
							   "table \"%s\" has " UINT64_FORMAT " rows outside the partition bound",
							   count, get_rel_name(relid), count),
				 errdetail("For example, a row with %s = %s. The bound is %s.",
						   key->attname, example, partman_bound_clause(key, bound)),
				 errhint("Move those rows elsewhere first, or choose a bound that covers them.")));
	}
}

/* ATTACH relid with bound, proving it first; drops the helper constraint. */
static void
attach_proven(const PartmanKey *key, Oid relid, const PartmanBound *bound)
{
	char	   *table = partman_qualified_name(relid);

	prove_bound(key, relid, bound);
	partman_ddl_exec(partman_sql_attach(partman_qualified_name(key->parent), table,
										partman_bound_clause(key, bound)));
	partman_ddl_exec(partman_sql_drop_constraint(table, HELPER_CONSTRAINT, false));
}

static void
detach(const PartmanKey *key, Oid relid)
{
	partman_ddl_exec(partman_sql_detach(partman_qualified_name(key->parent),
										partman_qualified_name(relid), NULL));
}

/* Check that source has exactly the parent's columns, types and NOT NULLs. */
void
partman_check_shape(const PartmanKey *key, Oid source)
{
	char	   *srcname = get_rel_name(source);

	for (int pass = 0; pass < 2; pass++)
	{
		Oid			from = pass == 0 ? key->parent : source;
		Oid			to = pass == 0 ? source : key->parent;

		for (AttrNumber attnum = 1;; attnum++)
		{
			HeapTuple	tuple = SearchSysCache2(ATTNUM, ObjectIdGetDatum(from), Int16GetDatum(attnum));
			Form_pg_attribute att;
			HeapTuple	other;
			Form_pg_attribute oatt;

			if (!HeapTupleIsValid(tuple))
				break;
			att = (Form_pg_attribute) GETSTRUCT(tuple);
			if (att->attisdropped)
			{
				ReleaseSysCache(tuple);
				continue;
			}
			other = SearchSysCacheAttName(to, NameStr(att->attname));
			if (!HeapTupleIsValid(other))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 pass == 0 ?
						 errmsg("table \"%s\" lacks column \"%s\" of table \"%s\"",
								srcname, NameStr(att->attname), key->relname) :
						 errmsg("table \"%s\" has column \"%s\", which table \"%s\" does not have",
								srcname, NameStr(att->attname), key->relname),
						 errhint("A partition must have exactly the columns of its parent.")));
			oatt = (Form_pg_attribute) GETSTRUCT(other);
			if (pass == 0 && (att->atttypid != oatt->atttypid || att->atttypmod != oatt->atttypmod))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of table \"%s\" has type %s, but the parent's column has type %s",
								NameStr(att->attname), srcname,
								format_type_with_typemod(oatt->atttypid, oatt->atttypmod),
								format_type_with_typemod(att->atttypid, att->atttypmod))));
			if (pass == 0 && att->attnotnull && !oatt->attnotnull)
				ereport(ERROR,
						(errcode(ERRCODE_NOT_NULL_VIOLATION),
						 errmsg("column \"%s\" of table \"%s\" must be NOT NULL, as it is in table \"%s\"",
								NameStr(att->attname), srcname, key->relname),
						 errhint("%s;", partman_sql_set_not_null(partman_qualified_name(source),
																 NameStr(att->attname)))));
			ReleaseSysCache(other);
			ReleaseSysCache(tuple);
		}
	}
}

/* ---------------------------------------------------------------------
 * The operations
 * ---------------------------------------------------------------------
 */

/*
 * What partman_op_create refuses for a partition on server: the default
 * partition, a parent PostgreSQL allows no foreign partition, and rows of
 * the bound waiting in the default partition (they would move through
 * postgres_fdw's own connection, which cannot see the table partman makes
 * on the server until the transaction commits).
 */
static void
check_remote_create(const PartmanSet *set, const PartmanBound *bound, PartmanTemplate *tmpl,
					const char *server, Oid deflt)
{
	if (bound->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the default partition of table \"%s\" cannot be on another server",
						set->key.relname)));
	(void) partman_remote_server(server, set->key.owner);
	partman_remote_check_parent(&set->key, tmpl);
	if (OidIsValid(deflt) &&
		partman_count_rows(partman_qualified_name(deflt),
						   partman_bound_condition(&set->key, bound)) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("rows of this bound wait in default partition \"%s\"",
						get_rel_name(deflt)),
				 errdetail("partman does not yet move rows to another server."),
				 errhint("Create the partition without server to take in those rows.")));
	tmpl->server = server;
}

/*
 * partman_op_create
 *		Create a partition with bound (the default partition when
 *		bound->is_default) named name, or by the set's naming when name is
 *		NULL.  A bound that overlaps an existing partition, or a name that is
 *		taken, is refused before anything runs; rows of the bound parked in
 *		the default partition move into the new partition; a managed set's
 *		default_partition becomes true with a new default partition.  With
 *		server, the partition is a foreign table on that server (not the
 *		default partition, and not while rows of its bound wait in the
 *		default partition).
 *		Locks: ACCESS EXCLUSIVE on the parent and its default partition until
 *		commit (PostgreSQL's CREATE TABLE ... PARTITION OF needs it).
 */
Oid
partman_op_create(const PartmanSet *set, const PartmanBound *bound, const char *name,
				  const char *server)
{
	PartmanTemplate tmpl;
	Oid			relid;
	Oid			deflt;
	PartmanDdlState ddl;

	if (name == NULL)
		name = bound->is_default ? partman_default_name(&set->key, 1) : default_name(set, bound);

	partman_lock_relation(set->key.parent, AccessExclusiveLock);
	lock_default(set->key.parent);
	/* under the lock, so a concurrent call cannot slip in between */
	deflt = partman_default_partition(set->key.parent);
	if (bound->is_default && OidIsValid(deflt))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("table \"%s\" already has a default partition, \"%s\"",
						set->key.relname, get_rel_name(deflt))));
	check_overlap(set, bound, name);
	if (OidIsValid(get_relname_relid(name, get_rel_namespace(set->key.parent))))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", name),
				 errhint("Pass another name with name => '...'.")));

	partman_read_template(&set->key, set->managed ? &set->cfg : NULL, &tmpl);
	if (server != NULL)
		check_remote_create(set, bound, &tmpl, server, deflt);
	partman_begin_ddl(&set->key, &ddl);
	if (bound->is_default)
		relid = partman_create_partition(&set->key, &tmpl, name, "DEFAULT");
	else
		relid = partman_create_with_rescue(&set->key, &tmpl, name, bound);
	partman_end_ddl(&ddl);
	/* part_config says what the set has, for the health view and maintenance */
	if (bound->is_default && set->managed && !set->cfg.default_partition)
		partman_config_set_default(set->key.parent, true);
	return relid;
}

/*
 * partman_op_attach
 *		Attach source with bound, proving the bound first.  Locks: ACCESS
 *		EXCLUSIVE on source (it is not a partition yet, so nobody reads it
 *		through the parent).  In a set without a default partition, only
 *		SHARE UPDATE EXCLUSIVE on the parent, so reads and writes of the set
 *		go on; with one, ACCESS EXCLUSIVE on the parent and the default
 *		partition, since rows of the new bound found there are moved into
 *		source first.
 */
void
partman_op_attach(const PartmanSet *set, Oid source, const PartmanBound *bound)
{
	Oid			deflt;
	PartmanDdlState ddl;

	partman_lock_relation(source, AccessExclusiveLock);
	deflt = partman_default_partition(set->key.parent);
	/*
	 * With a default partition, rows move out of it: sessions must not plan
	 * with the old partition list and run after we commit, so they wait
	 * behind ACCESS EXCLUSIVE.  Without one, SHARE UPDATE EXCLUSIVE lets the
	 * set's readers and writers go on.
	 */
	partman_lock_relation(set->key.parent, OidIsValid(deflt) ? AccessExclusiveLock :
						  ShareUpdateExclusiveLock);
	lock_default(set->key.parent);

	/* before the proof, which scans source */
	check_overlap(set, bound, get_rel_name(source));
	partman_begin_ddl(&set->key, &ddl);
	prove_bound(&set->key, source, bound);
	if (OidIsValid(deflt))
	{
		uint64		moved = partman_move_rows(set->key.parent, partman_qualified_name(deflt),
											  partman_qualified_name(source),
											  partman_bound_condition(&set->key, bound));

		if (moved > 0)
			ereport(NOTICE,
					(errmsg("moved " UINT64_FORMAT " rows from default partition \"%s\" into \"%s\"",
							moved, get_rel_name(deflt), get_rel_name(source))));
	}
	partman_ddl_exec(partman_sql_attach(partman_qualified_name(set->key.parent),
										partman_qualified_name(source),
										partman_bound_clause(&set->key, bound)));
	partman_ddl_exec(partman_sql_drop_constraint(partman_qualified_name(source),
												 HELPER_CONSTRAINT, false));
	partman_end_ddl(&ddl);
}

/*
 * partman_op_detach
 *		Retire partition part with action 'detach' (keep it as a plain
 *		table), 'archive' (detach and move it to schema) or 'drop'.  Locks:
 *		ACCESS EXCLUSIVE on the parent and the partition (and the default
 *		partition, which PostgreSQL locks too) until commit.  DETACH ...
 *		CONCURRENTLY cannot run inside a function; maintenance plans use it
 *		where PostgreSQL allows.
 */
void
partman_op_detach(const PartmanSet *set, const PartmanPartition *part, const char *action,
				  const char *schema)
{
	PartmanDdlState ddl;

	partman_lock_relation(set->key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(set->key.parent);
	partman_begin_ddl(&set->key, &ddl);
	partman_retire_partition(&set->key, part->relid, action, schema);
	partman_end_ddl(&ddl);
	forget_default(set, part);
}

/*
 * partman_op_drop
 *		Drop partition part; with only_if_empty, only when it (with its
 *		sub-partitions) holds no row.  Locks: ACCESS EXCLUSIVE on the parent
 *		and the partition until commit.
 */
void
partman_op_drop(const PartmanSet *set, const PartmanPartition *part, bool only_if_empty)
{
	PartmanDdlState ddl;

	partman_lock_relation(set->key.parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(set->key.parent);
	if (only_if_empty)
	{
		uint64		rows = 0;
		List	   *tables = find_all_inheritors(part->relid, NoLock, NULL);
		ListCell   *lc;

		/* a composite set's partition holds its rows in its sub-partitions */
		foreach(lc, tables)
		{
			Oid			relid = lfirst_oid(lc);

			/* on a server: counted through partman's connection, which drops it */
			if (get_rel_relkind(relid) == RELKIND_FOREIGN_TABLE)
				rows += partman_remote_count_rows(relid, set->key.owner);
			else
				rows += partman_count_rows(partman_qualified_name(relid), NULL);
		}
		if (rows > 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("%spartition \"%s\" is not empty", part->is_default ? "default " : "",
							get_rel_name(part->relid)),
					 errdetail("It holds " UINT64_FORMAT " rows.", rows),
					 errhint("Move the rows first (partman.partition_data), or call with only_if_empty => false.")));
	}
	partman_begin_ddl(&set->key, &ddl);
	partman_drop_partition_table(set->key.parent, part->relid);
	partman_end_ddl(&ddl);
	forget_default(set, part);
}

/*
 * partman_op_split
 *		Split RANGE partition part [lo, hi) at split_at (text of the key
 *		type) into [lo, split_at), which keeps the partition's name, and a
 *		new partition [split_at, hi): result[0] and result[1].  Locks: ACCESS
 *		EXCLUSIVE on the parent, the partition and the default partition
 *		until commit; the rows of the upper part are moved once.
 */
void
partman_op_split(const PartmanSet *set, const PartmanPartition *part, const char *split_at,
				 Oid *result)
{
	const PartmanKey *key = &set->key;
	PartmanBound lower_part;
	PartmanBound upper_part;
	PartmanTemplate tmpl;
	Datum		split;
	char	   *name;
	PartmanDdlState ddl;

	partman_refuse_subpartitioned(part->relid, "split_partition");
	if (key->strategy != PARTITION_STRATEGY_RANGE)
		partman_wrong_strategy(set, "split_partition", key->strategy == PARTITION_STRATEGY_HASH ?
							   "Use partman.split_hash_partition for a HASH partition." : NULL);
	if (part->is_default)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the default partition \"%s\" cannot be split", get_rel_name(part->relid)),
				 errhint("Create partitions for its rows with partman.create_partition; they are moved there.")));
	split = partman_value_from_text(key, split_at, set->zone, "split_at");
	partman_bound_of(part, &lower_part);
	if ((!part->lower_unbounded && partman_compare_keys(key, split, part->lower) <= 0) ||
		(!part->upper_unbounded && partman_compare_keys(key, split, part->upper) >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("split_at must lie strictly inside the range of partition \"%s\"",
						get_rel_name(part->relid)),
				 errdetail("The partition is %s.", partman_bound_clause(key, &lower_part))));

	lower_part.upper = split;
	lower_part.upper_unbounded = false;
	partman_bound_of(part, &upper_part);
	upper_part.lower = split;
	upper_part.lower_unbounded = false;
	name = upper_part.upper_unbounded ?
		partman_range_name(key, partman_value_suffix(key, split, set->zone)) :
		default_name(set, &upper_part);

	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	lock_default(key->parent);
	partman_read_template(key, set->managed ? &set->cfg : NULL, &tmpl);

	partman_begin_ddl(key, &ddl);
	detach(key, part->relid);
	result[0] = part->relid;
	result[1] = partman_create_partition(key, &tmpl, name, partman_bound_clause(key, &upper_part));
	(void) partman_move_rows(key->parent, partman_qualified_name(part->relid),
							 partman_qualified_name(result[1]),
							 partman_bound_condition(key, &upper_part));
	attach_proven(key, part->relid, &lower_part);
	partman_end_ddl(&ddl);
}

/*
 * The partitions of relids (of set's parent), in bound order, and the bound
 * they make together: adjacent RANGE partitions, or LIST partitions.
 */
static List *
merged_partitions(const PartmanSet *set, const Oid *relids, int n, PartmanBound *merged)
{
	List	   *chosen = NIL;
	PartmanPartition *prev = NULL;
	ListCell   *lc;

	foreach(lc, partman_list_partitions(set->key.parent))
	{
		PartmanPartition *part = lfirst(lc);

		for (int i = 0; i < n; i++)
			if (relids[i] == part->relid)
			{
				if (part->is_default)
					ereport(ERROR,
							(errcode(ERRCODE_WRONG_OBJECT_TYPE),
							 errmsg("the default partition \"%s\" cannot be merged",
									get_rel_name(part->relid))));
				chosen = lappend(chosen, part);
			}
	}

	memset(merged, 0, sizeof(*merged));
	foreach(lc, chosen)
	{
		PartmanPartition *part = lfirst(lc);
		PartmanBound b;

		partman_bound_of(part, &b);
		if (prev == NULL)
			*merged = b;
		else if (set->key.strategy == PARTITION_STRATEGY_RANGE)
		{
			if (prev->upper_unbounded || part->lower_unbounded ||
				partman_compare_keys(&set->key, prev->upper, part->lower) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("partitions \"%s\" and \"%s\" are not adjacent",
								get_rel_name(prev->relid), get_rel_name(part->relid)),
						 errhint("Merge only neighbouring RANGE partitions; include those in between.")));
			merged->upper = b.upper;
			merged->upper_unbounded = b.upper_unbounded;
		}
		else
		{
			merged->values = list_concat(merged->values, b.values);
			merged->has_null |= b.has_null;
		}
		prev = part;
	}
	return chosen;
}

/*
 * partman_op_merge
 *		Merge partitions relids[0..n-1] of set's parent into relids[0], which
 *		keeps its name; returns it.  Locks: ACCESS EXCLUSIVE on the parent
 *		and every partition until commit.
 */
Oid
partman_op_merge(const PartmanSet *set, const Oid *relids, int n)
{
	Oid			parent = set->key.parent;
	Oid			target = relids[0];
	PartmanBound merged;
	List	   *chosen;
	ListCell   *lc;
	PartmanDdlState ddl;

	if (set->key.strategy == PARTITION_STRATEGY_HASH)
		partman_wrong_strategy(set, "merge_partitions", "HASH partitions cannot be merged; each holds one remainder.");
	chosen = merged_partitions(set, relids, n, &merged);

	partman_lock_relation(parent, AccessExclusiveLock);
	foreach(lc, chosen)
		partman_lock_relation(((PartmanPartition *) lfirst(lc))->relid, AccessExclusiveLock);
	lock_default(parent);

	partman_begin_ddl(&set->key, &ddl);
	foreach(lc, chosen)
		detach(&set->key, ((PartmanPartition *) lfirst(lc))->relid);
	foreach(lc, chosen)
	{
		Oid			relid = ((PartmanPartition *) lfirst(lc))->relid;

		if (relid == target)
			continue;

		(void) partman_copy_rows(parent, partman_qualified_name(relid),
								 partman_qualified_name(target));
		partman_ddl_exec(partman_sql_drop_table(partman_qualified_name(relid), false));
	}
	attach_proven(&set->key, target, &merged);
	partman_end_ddl(&ddl);
	return target;
}

/*
 * partman_op_split_hash
 *		HASH partition part (modulus m, remainder r) becomes two partitions
 *		with modulus 2m and remainders r and r + m, result[0] and result[1];
 *		every row is routed to one of them.  Locks: ACCESS EXCLUSIVE on the
 *		parent and the partition until commit.
 */
void
partman_op_split_hash(const PartmanSet *set, const PartmanPartition *part, Oid *result)
{
	const PartmanKey *key = &set->key;
	PartmanTemplate tmpl;
	PartmanBound halves[2];
	char	   *old_name;
	uint64		before;
	uint64		copied;
	PartmanDdlState ddl;

	partman_refuse_subpartitioned(part->relid, "split_hash_partition");
	if (key->strategy != PARTITION_STRATEGY_HASH)
		partman_wrong_strategy(set, "split_hash_partition",
							   key->strategy == PARTITION_STRATEGY_RANGE ?
							   "Use partman.split_partition for a RANGE partition." : NULL);
	if (part->modulus * 2 > PARTMAN_MAX_HASH_MODULUS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("modulus %d would exceed the limit of %d", part->modulus * 2,
						PARTMAN_MAX_HASH_MODULUS)));
	for (int i = 0; i < 2; i++)
	{
		memset(&halves[i], 0, sizeof(PartmanBound));
		halves[i].modulus = part->modulus * 2;
		halves[i].remainder = part->remainder + i * part->modulus;
	}

	partman_lock_relation(key->parent, AccessExclusiveLock);
	partman_lock_relation(part->relid, AccessExclusiveLock);
	partman_read_template(key, set->managed ? &set->cfg : NULL, &tmpl);
	partman_begin_ddl(key, &ddl);
	/* free the name <parent>_h<r> for the new half */
	old_name = partman_work_name("split", part->relid);
	partman_ddl_exec(partman_sql_rename("TABLE", partman_qualified_name(part->relid), old_name));
	detach(key, part->relid);
	for (int i = 0; i < 2; i++)
		result[i] = partman_create_partition(key, &tmpl, default_name(set, &halves[i]),
											 partman_bound_clause(key, &halves[i]));
	before = partman_count_rows(partman_qualified_name(part->relid), NULL);
	copied = partman_copy_rows(key->parent, partman_qualified_name(part->relid),
							   partman_qualified_name(key->parent));
	if (copied != before)
		elog(ERROR, "copied " UINT64_FORMAT " of " UINT64_FORMAT " rows", copied, before);
	partman_ddl_exec(partman_sql_drop_table(partman_qualified_name(part->relid), false));
	partman_end_ddl(&ddl);
}
