/*-------------------------------------------------------------------------
 *
 * composite.c
 *	  Composite sets: a RANGE set whose every partition is itself partitioned
 *	  by LIST (sub_list_values) or HASH (sub_modulus) on a second column,
 *	  sub_key.  The partition template carries the sub-partitioning, so
 *	  every path that makes a RANGE partition (create_parent, maintenance,
 *	  partition_data, create_partition, rescue) makes its sub-partitions too
 *	  (see ddl/create.c, which also reads the settings into the template).
 *	  Here: finding LIST sub-partitions that sub_list_values names but existing
 *	  partitions lack (values added after the partitions were made), making
 *	  them with their parked rows (moving a whole sub-tree to another schema
 *	  is ddl.c's partman_archive_statements).
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * partman_missing_subpartitions
 *		For a composite set with LIST sub-partitions: the members of
 *		sub_list_values that a RANGE partition (sub-partitioned by sub_key)
 *		has no sub-partition of that name for, as PartmanMissingSub, in bound
 *		order.  Cheap when nothing is missing: one name look-up per partition
 *		and member.  Caller is connected to SPI and holds a lock on the
 *		parent.
 */
List *
partman_missing_subpartitions(const PartmanKey *key, const PartmanConfig *cfg)
{
	PartmanKey	sub;
	List	   *members;
	List	   *parts;
	List	   *result = NIL;
	ListCell   *lc;
	Oid			nsp = get_rel_namespace(key->parent);

	if (partman_sub_strategy_code(cfg->sub_strategy) != PARTITION_STRATEGY_LIST ||
		cfg->sub_list_values == NULL)
		return NIL;
	partman_sub_key(key, cfg->sub_key, PARTITION_STRATEGY_LIST, &sub);
	members = partman_parse_list_values(&sub,
										DirectFunctionCall1(jsonb_in,
															CStringGetDatum(cfg->sub_list_values)),
										"sub_list_values");
	parts = partman_list_partitions(key->parent);
	foreach(lc, parts)
	{
		PartmanPartition *part = lfirst(lc);
		PartmanKey	partkey;
		bool		have_key = false;
		ListCell   *mc;

		if (part->is_default || get_rel_relkind(part->relid) != RELKIND_PARTITIONED_TABLE)
			continue;
		/* partman_partition_name needs only the name */
		memset(&partkey, 0, sizeof(partkey));
		partkey.relname = get_rel_name(part->relid);
		foreach(mc, members)
		{
			PartmanListMember *member = lfirst(mc);
			char	   *name = partman_partition_name(&partkey, member->suffix);
			PartmanMissingSub *missing;

			if (OidIsValid(get_relname_relid(name, nsp)))
				continue;
			if (!have_key)
			{
				partman_read_key(part->relid, &partkey);
				have_key = true;
			}
			/* a partition sub-partitioned otherwise (attached by hand) is left alone */
			if (partkey.strategy != PARTITION_STRATEGY_LIST ||
				strcmp(partkey.attname, cfg->sub_key) != 0)
				break;
			missing = palloc0(sizeof(PartmanMissingSub));
			missing->key = partkey;
			missing->name = name;
			missing->bound = member->bound;
			result = lappend(result, missing);
		}
	}
	return result;
}

/*
 * partman_create_missing_sub
 *		Make one missing LIST sub-partition; rows parked in its RANGE
 *		partition's default sub-partition that belong to it move into it.
 *		Takes AccessExclusiveLock on the RANGE partition and its default
 *		sub-partition.  Caller is inside partman_begin_ddl().
 */
Oid
partman_create_missing_sub(const PartmanTemplate *tmpl, const PartmanMissingSub *missing)
{
	PartmanTemplate sub;
	Oid			deflt;

	partman_lock_relation(missing->key.parent, AccessExclusiveLock);
	deflt = partman_default_partition(missing->key.parent);
	if (OidIsValid(deflt))
		partman_lock_relation(deflt, AccessExclusiveLock);
	partman_sub_template(tmpl, missing->key.parent, &sub);
	return partman_create_with_rescue(&missing->key, &sub, missing->name, &missing->bound);
}
