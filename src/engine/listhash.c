/*-------------------------------------------------------------------------
 *
 * listhash.c
 *	  The partitions create_parent makes for LIST sets (from list_values) and
 *	  HASH sets (from modulus).
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

/* An existing partition of parent named name, or InvalidOid. */
static Oid
existing_partition(const PartmanKey *key, const char *name)
{
	Oid			relid = get_relname_relid(name, get_rel_namespace(key->parent));

	if (OidIsValid(relid) && get_rel_relispartition(relid))
		return relid;
	return InvalidOid;
}

/*
 * partman_create_list_partitions
 *		One partition <parent>_<suffix> per member of list_values (see
 *		partman_parse_list_values).  A partition of that name that already
 *		exists is kept.  Returns how many were made.  Caller holds the locks,
 *		inside partman_begin_ddl().
 */
int
partman_create_list_partitions(const PartmanKey *key, const PartmanTemplate *tmpl,
							   Datum list_values)
{
	List	   *members = partman_parse_list_values(key, list_values, "list_values");
	ListCell   *lc;
	int			created = 0;

	foreach(lc, members)
	{
		PartmanListMember *member = lfirst(lc);
		char	   *name = partman_partition_name(key, member->suffix);

		if (OidIsValid(existing_partition(key, name)))
			continue;
		partman_create_partition(key, tmpl, name, partman_bound_clause(key, &member->bound));
		created++;
	}
	return created;
}

/*
 * partman_create_hash_partitions
 *		Partitions <parent>_h0 .. <parent>_h<modulus-1>; existing ones of
 *		those names are kept.  With servers in the template, remainder r is
 *		a foreign partition on servers[r % n].  Returns how many were made.
 */
int
partman_create_hash_partitions(const PartmanKey *key, const PartmanTemplate *tmpl,
							   int modulus)
{
	int			created = 0;

	if (modulus <= 0 || modulus > PARTMAN_MAX_HASH_MODULUS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("modulus must be between 1 and %d, not %d",
						PARTMAN_MAX_HASH_MODULUS, modulus)));
	for (int remainder = 0; remainder < modulus; remainder++)
	{
		PartmanBound bound;
		PartmanTemplate placed = *tmpl;
		char	   *name = partman_hash_name(key, remainder);

		CHECK_FOR_INTERRUPTS();
		if (OidIsValid(existing_partition(key, name)))
			continue;
		memset(&bound, 0, sizeof(bound));
		bound.modulus = modulus;
		bound.remainder = remainder;
		if (tmpl->servers != NIL)
			placed.server = list_nth(tmpl->servers, remainder % list_length(tmpl->servers));
		partman_create_partition(key, &placed, name, partman_bound_clause(key, &bound));
		created++;
	}
	return created;
}
