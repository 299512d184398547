/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  What PostgreSQL's own catalogs say about a partitioned table: its
 *	  partition key, its partitions and their bounds, and where a value is
 *	  routed.  Nothing here changes anything.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_partitioned_table.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/partcache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

/*
 * What to do with plain table rel, naming its own column: the
 * partition_table call that converts it by its first time column (else its
 * first integer column), or, without either, a CREATE TABLE to follow.
 */
static char *
not_partitioned_hint(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Form_pg_attribute integer = NULL;
	char	   *table = partman_qualified_in(get_namespace_name(RelationGetNamespace(rel)),
												   RelationGetRelationName(rel));

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->attgenerated)
			continue;
		if (att->atttypid == TIMESTAMPTZOID || att->atttypid == TIMESTAMPOID ||
			att->atttypid == DATEOID)
			return psprintf("Convert it online, for example by month of column \"%s\": %s",
							NameStr(att->attname),
							partman_sql_call_partition_table(table, NameStr(att->attname),
															 "1 month"));
		if (integer == NULL && (att->atttypid == INT8OID || att->atttypid == INT4OID))
			integer = att;
	}
	if (integer != NULL)
		return psprintf("Convert it online, for example by ranges of 100000 values of column \"%s\": %s",
						NameStr(integer->attname),
						partman_sql_call_partition_table(table, NameStr(integer->attname),
														 "100000"));
	return psprintf("Create the table with a partition key, for example: %s",
					partman_sql_example_parent(RelationGetRelationName(rel)));
}

/*
 * partman_read_key
 *		Fill *key from the partitioned table parent, or raise the error a user
 *		needs when parent is not something partman can manage.
 *
 * Takes AccessShareLock on parent (kept until the end of the transaction),
 * waiting at most partman.lock_timeout.
 */
void
partman_read_key(Oid parent, PartmanKey *key)
{
	Relation	rel;
	PartitionKey pkey;
	char	   *relname;

	/* even this first lock waits no longer than partman.lock_timeout */
	partman_lock_relation(parent, AccessShareLock);
	rel = try_relation_open(parent, NoLock);
	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", parent)));

	relname = RelationGetRelationName(rel);
	if (rel->rd_rel->relkind == RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("table \"%s\" is not partitioned", relname),
				 errdetail("partman manages tables declared with PARTITION BY."),
				 errhint("%s", not_partitioned_hint(rel))));
	if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a partitioned table", relname)));

	pkey = RelationGetPartitionKey(rel);
	if (pkey->partnatts != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("partition keys with more than one column are not supported yet"),
				 errdetail("Table \"%s\" is partitioned by %d columns.",
						   relname, pkey->partnatts)));
	if (pkey->partattrs[0] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("partition keys that are expressions are not supported yet"),
				 errdetail("Table \"%s\" is partitioned by an expression, not a column.",
						   relname)));

	key->parent = parent;
	key->nspname = get_namespace_name(RelationGetNamespace(rel));
	key->relname = pstrdup(relname);
	key->owner = rel->rd_rel->relowner;
	key->strategy = pkey->strategy;
	key->attnum = pkey->partattrs[0];
	key->attname = get_attname(parent, key->attnum, false);
	key->typid = pkey->parttypid[0];
	key->typmod = pkey->parttypmod[0];
	key->collation = pkey->partcollation[0];

	relation_close(rel, NoLock);
}

/*
 * partman_key_column
 *		The name of the column relid is partitioned by, from the catalog (a
 *		column keeps its number when renamed), or NULL when relid is not
 *		partitioned by one column.  Takes no lock.
 */
char *
partman_key_column(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(PARTRELID, ObjectIdGetDatum(relid));
	Form_pg_partitioned_table form;
	char	   *result = NULL;

	if (!HeapTupleIsValid(tuple))
		return NULL;
	form = (Form_pg_partitioned_table) GETSTRUCT(tuple);
	if (form->partnatts == 1 && form->partattrs.values[0] != 0)
		result = get_attname(relid, form->partattrs.values[0], true);
	ReleaseSysCache(tuple);
	return result;
}

/*
 * partman_sub_key_column
 *		The column the partitions of parent are themselves partitioned by
 *		(a composite set's sub_key), read from the first such partition, or
 *		NULL when none is partitioned.  Takes no lock.
 */
char *
partman_sub_key_column(Oid parent)
{
	List	   *children = find_inheritance_children(parent, NoLock);
	ListCell   *lc;

	foreach(lc, children)
	{
		Oid			child = lfirst_oid(lc);

		if (get_rel_relkind(child) == RELKIND_PARTITIONED_TABLE)
			return partman_key_column(child);
	}
	return NULL;
}

/* Read one partition's bound from pg_class.relpartbound. */
static void
read_partition_bound(Oid relid, PartmanPartition *part)
{
	HeapTuple	tuple;
	Datum		datum;
	bool		isnull;
	PartitionBoundSpec *spec;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	datum = SysCacheGetAttr(RELOID, tuple, Anum_pg_class_relpartbound, &isnull);
	if (isnull)
		elog(ERROR, "relation %u has no partition bound", relid);
	spec = (PartitionBoundSpec *) stringToNode(TextDatumGetCString(datum));
	ReleaseSysCache(tuple);

	memset(part, 0, sizeof(*part));
	part->relid = relid;
	part->is_default = spec->is_default;
	if (spec->is_default)
		return;

	switch (spec->strategy)
	{
		case PARTITION_STRATEGY_RANGE:
			{
				PartitionRangeDatum *lo = linitial_node(PartitionRangeDatum, spec->lowerdatums);
				PartitionRangeDatum *hi = linitial_node(PartitionRangeDatum, spec->upperdatums);

				part->lower_unbounded = (lo->kind != PARTITION_RANGE_DATUM_VALUE);
				part->upper_unbounded = (hi->kind != PARTITION_RANGE_DATUM_VALUE);
				if (!part->lower_unbounded)
					part->lower = castNode(Const, lo->value)->constvalue;
				if (!part->upper_unbounded)
					part->upper = castNode(Const, hi->value)->constvalue;
				break;
			}
		case PARTITION_STRATEGY_LIST:
			part->list_values = spec->listdatums;
			break;
		case PARTITION_STRATEGY_HASH:
			part->modulus = spec->modulus;
			part->remainder = spec->remainder;
			break;
	}
}

/*
 * partman_list_partitions
 *		The partitions of parent as a List of PartmanPartition, in PostgreSQL's
 *		bound order (ascending ranges, list values, hash remainders) with the
 *		default partition last.  Partitions being detached concurrently are
 *		left out.  The caller holds a lock on parent.
 */
List *
partman_list_partitions(Oid parent)
{
	Relation	rel = relation_open(parent, NoLock);
	PartitionDesc pd = RelationGetPartitionDesc(rel, true);
	List	   *result = NIL;
	PartmanPartition *deflt = NULL;

	for (int i = 0; i < pd->nparts; i++)
	{
		PartmanPartition *part = palloc(sizeof(PartmanPartition));

		read_partition_bound(pd->oids[i], part);
		if (part->is_default)
			deflt = part;
		else
			result = lappend(result, part);
	}
	if (deflt)
		result = lappend(result, deflt);
	relation_close(rel, NoLock);
	return result;
}

/*
 * partman_range_upper
 *		The upper bound of a RANGE parent's newest (or oldest) partition, read
 *		from the partition descriptor without decoding every partition's
 *		bound.  False when there is none, or it is unbounded.
 */
bool
partman_range_upper(Oid parent, bool newest, Datum *bound)
{
	Relation	rel = relation_open(parent, NoLock);
	PartitionKey pkey = RelationGetPartitionKey(rel);
	PartitionBoundInfo bi = RelationGetPartitionDesc(rel, true)->boundinfo;
	bool		found = false;

	/*
	 * datums are the sorted distinct bounds; indexes[i] is the partition
	 * whose upper bound is datums[i] (-1 for a bound that only starts one)
	 */
	if (bi != NULL && bi->strategy == PARTITION_STRATEGY_RANGE)
	{
		for (int n = 0; n < bi->ndatums; n++)
		{
			int			i = newest ? bi->ndatums - 1 - n : n;

			if (bi->indexes[i] < 0)
				continue;
			if (bi->kind[i][0] == PARTITION_RANGE_DATUM_VALUE)
			{
				*bound = datumCopy(bi->datums[i][0], pkey->parttypbyval[0], pkey->parttyplen[0]);
				found = true;
			}
			break;
		}
	}
	relation_close(rel, NoLock);
	return found;
}

/*
 * partman_range_gaps
 *		The ranges between a RANGE parent's partitions that no partition
 *		covers (a partition dropped by hand, say): from one partition's upper
 *		bound to the next one's lower bound.  One pass over the bound
 *		descriptor the relcache keeps; nothing before the first partition or
 *		after the last is a gap, nor (when after is not NULL) a gap that ends
 *		at or before *after.  Returns how many there are and copies the
 *		bounds of the first max into lower[] and upper[].  The caller holds a
 *		lock on parent.
 */
int
partman_range_gaps(Oid parent, const Datum *after, int max, Datum *lower, Datum *upper)
{
	Relation	rel = relation_open(parent, NoLock);
	PartitionKey pkey = RelationGetPartitionKey(rel);
	PartitionBoundInfo bi = RelationGetPartitionDesc(rel, true)->boundinfo;
	int			ngaps = 0;

	/*
	 * indexes[i] is the partition covering [datums[i - 1], datums[i]), or -1
	 * when none does
	 */
	if (bi != NULL && bi->strategy == PARTITION_STRATEGY_RANGE)
	{
		for (int i = 1; i < bi->ndatums; i++)
		{
			if (bi->indexes[i] >= 0 ||
				bi->kind[i - 1][0] != PARTITION_RANGE_DATUM_VALUE ||
				bi->kind[i][0] != PARTITION_RANGE_DATUM_VALUE)
				continue;
			/* compared as PostgreSQL orders the bounds */
			if (after != NULL &&
				DatumGetInt32(FunctionCall2Coll(&pkey->partsupfunc[0], pkey->partcollation[0],
												bi->datums[i][0], *after)) <= 0)
				continue;
			if (ngaps < max)
			{
				lower[ngaps] = datumCopy(bi->datums[i - 1][0], pkey->parttypbyval[0],
										 pkey->parttyplen[0]);
				upper[ngaps] = datumCopy(bi->datums[i][0], pkey->parttypbyval[0],
										 pkey->parttyplen[0]);
			}
			ngaps++;
		}
	}
	relation_close(rel, NoLock);
	return ngaps;
}

/* The default partition of parent, or InvalidOid. */
Oid
partman_default_partition(Oid parent)
{
	Relation	rel = relation_open(parent, AccessShareLock);
	PartitionDesc pd = RelationGetPartitionDesc(rel, true);
	Oid			result = InvalidOid;

	if (pd->boundinfo && partition_bound_has_default(pd->boundinfo))
		result = pd->oids[pd->boundinfo->default_index];
	relation_close(rel, NoLock);
	return result;
}

/*
 * partman_route_value
 *		The partition of parent that a row with this key value goes to, found
 *		the way the executor routes rows (binary search over the bound
 *		descriptor, hash of the value for HASH), or InvalidOid when no
 *		partition accepts it.
 */
Oid
partman_route_value(Oid parent, Datum value, bool isnull)
{
	Relation	rel = relation_open(parent, AccessShareLock);
	PartitionKey pkey = RelationGetPartitionKey(rel);
	PartitionDesc pd = RelationGetPartitionDesc(rel, true);
	PartitionBoundInfo bi = pd->boundinfo;
	int			index = -1;
	Oid			result = InvalidOid;

	if (pd->nparts == 0)
	{
		relation_close(rel, NoLock);
		return InvalidOid;
	}

	switch (pkey->strategy)
	{
		case PARTITION_STRATEGY_HASH:
			{
				uint64		hash = compute_partition_hash_value(1, pkey->partsupfunc,
																pkey->partcollation,
																&value, &isnull);

				index = bi->indexes[hash % get_hash_partition_greatest_modulus(bi)];
				break;
			}
		case PARTITION_STRATEGY_LIST:
			if (isnull)
				index = partition_bound_accepts_nulls(bi) ? bi->null_index : -1;
			else
			{
				bool		equal;
				int			offset = partition_list_bsearch(pkey->partsupfunc,
															pkey->partcollation,
															bi, value, &equal);

				if (offset >= 0 && equal)
					index = bi->indexes[offset];
			}
			break;
		case PARTITION_STRATEGY_RANGE:
			if (!isnull)
			{
				bool		equal;
				int			offset = partition_range_datum_bsearch(pkey->partsupfunc,
																   pkey->partcollation,
																   bi, 1, &value, &equal);

				/* bound at offset is <= value; offset + 1 is the upper bound */
				index = bi->indexes[offset + 1];
			}
			break;
	}
	if (index < 0)
		index = bi->default_index;
	if (index >= 0)
		result = pd->oids[index];
	relation_close(rel, NoLock);
	return result;
}

/* Compare two key values with the key type's default btree order. */
int
partman_compare_keys(const PartmanKey *key, Datum a, Datum b)
{
	TypeCacheEntry *tce = lookup_type_cache(key->typid, TYPECACHE_CMP_PROC_FINFO);

	if (!OidIsValid(tce->cmp_proc_finfo.fn_oid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not identify a comparison function for type %s",
						format_type_be(key->typid))));
	return DatumGetInt32(FunctionCall2Coll(&tce->cmp_proc_finfo,
										   key->collation, a, b));
}

/*
 * partman_check_owner
 *		Managing a table requires owning it (or having the privileges of its
 *		owner role), exactly as ALTER TABLE does.
 */
void
partman_check_owner(Oid relid)
{
	if (!partman_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER,
					   get_relkind_objtype(get_rel_relkind(relid)),
					   get_rel_name(relid));
}

/* relid's row of pg_class, copied (the fixed-size part) */
static void
class_row(Oid relid, FormData_pg_class *row)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	memcpy(row, GETSTRUCT(tuple), sizeof(FormData_pg_class));
	ReleaseSysCache(tuple);
}

Oid
partman_class_owner(Oid relid)
{
	FormData_pg_class row;

	class_row(relid, &row);
	return row.relowner;
}

bool
partman_class_rowsecurity(Oid relid)
{
	FormData_pg_class row;

	class_row(relid, &row);
	return row.relrowsecurity;
}

/* reltuples when the table has been analyzed or vacuumed, else -1 */
double
partman_class_reltuples(Oid relid)
{
	FormData_pg_class row;

	class_row(relid, &row);
	return row.reltuples;
}

/* ---------------------------------------------------------------------
 * Per-backend caches keyed by relation OID
 *
 * What the planner hook derives from the catalogs (partition counts,
 * pruning policies) is kept in a hash in CacheMemoryContext and dropped
 * whole on any relcache invalidation: adding or detaching a partition, and
 * a change of partman.part_config (its guard trigger sends one), both send
 * one.
 * ---------------------------------------------------------------------
 */
static void
relid_cache_reset(Datum arg, Oid relid)
{
	PartmanRelidCache *cache = (PartmanRelidCache *) DatumGetPointer(arg);

	if (cache->hash != NULL)
	{
		hash_destroy(cache->hash);
		cache->hash = NULL;
	}
}

/*
 * partman_relid_cache_lookup
 *		The cached entry of relid, filled by fill(relid, entry) on a miss.
 *		fill may open relations, and so process invalidations that reset the
 *		cache; it fills a scratch copy, entered only once it is done.
 */
void *
partman_relid_cache_lookup(PartmanRelidCache *cache, Oid relid, PartmanRelidCacheFill fill)
{
	void	   *entry;
	void	   *scratch;

	if (!cache->registered)
	{
		CacheRegisterRelcacheCallback(relid_cache_reset, PointerGetDatum(cache));
		cache->registered = true;
	}
	if (cache->hash != NULL &&
		(entry = hash_search(cache->hash, &relid, HASH_FIND, NULL)) != NULL)
		return entry;

	scratch = palloc0(cache->entrysize);
	*(Oid *) scratch = relid;
	fill(relid, scratch);
	if (cache->hash == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = cache->entrysize;
		ctl.hcxt = CacheMemoryContext;
		cache->hash = hash_create(cache->name, 64, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	entry = hash_search(cache->hash, &relid, HASH_ENTER, NULL);
	memcpy(entry, scratch, cache->entrysize);
	pfree(scratch);
	return entry;
}

/* PARTITION_STRATEGY_LIST / HASH for 'list' / 'hash', else 0 */
char
partman_sub_strategy_code(const char *name)
{
	if (name == NULL)
		return 0;
	if (strcmp(name, "list") == 0)
		return PARTITION_STRATEGY_LIST;
	if (strcmp(name, "hash") == 0)
		return PARTITION_STRATEGY_HASH;
	return 0;
}

/*
 * partman_sub_key
 *		A key describing the sub-partitioning of key's partitions by column:
 *		enough to read sub_list_values with the column's type.  ERROR when
 *		the column does not exist or is the set's own key.
 */
void
partman_sub_key(const PartmanKey *key, const char *column, char strategy,
				PartmanKey *sub)
{
	AttrNumber	attnum = get_attnum(key->parent, column);

	if (attnum == InvalidAttrNumber || attnum < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("sub_key column \"%s\" does not exist in table \"%s\"",
						column, key->relname)));
	if (attnum == key->attnum)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sub_key \"%s\" is the partition key of table \"%s\" itself",
						column, key->relname),
				 errhint("Sub-partition by another column, such as the one most queries filter on next to the key.")));
	*sub = *key;
	sub->strategy = strategy;
	sub->attnum = attnum;
	sub->attname = pstrdup(column);
	get_atttypetypmodcoll(key->parent, attnum, &sub->typid, &sub->typmod, &sub->collation);
}
