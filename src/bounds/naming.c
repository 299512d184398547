/*-------------------------------------------------------------------------
 *
 * naming.c
 *	  Partition names: <parent>_<suffix>, always within NAMEDATALEN; and
 *	  names as partman's statements write them, qualified and quoted.
 *
 * The suffix (p20240101, h3, default, americas) is unique within a set.
 * When parent name plus suffix would exceed 63 bytes, the parent part is
 * clipped (on a character boundary) and followed by a short hash of the full
 * parent name, so two long parents that share a prefix still get different
 * partition names.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

char *
partman_partition_name(const PartmanKey *key, const char *suffix)
{
	size_t		parent_len = strlen(key->relname);
	size_t		suffix_len = strlen(suffix);
	uint32		hash;
	int			keep;

	if (parent_len + 1 + suffix_len <= NAMEDATALEN - 1)
		return psprintf("%s_%s", key->relname, suffix);

	/* clipped parent + "_" + 8 hex digits + "_" + suffix */
	if (suffix_len + 10 >= NAMEDATALEN - 1)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("partition name suffix \"%s\" is too long", suffix)));
	keep = pg_mbcliplen(key->relname, parent_len,
						NAMEDATALEN - 1 - (int) suffix_len - 10);
	hash = hash_bytes((const unsigned char *) key->relname, (int) parent_len);
	return psprintf("%.*s_%08x_%s", keep, key->relname, hash, suffix);
}

/* schema.table of relation relid, quoted */
char *
partman_qualified_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  relname);
}

/* A name (a column, a role, a server) quoted for SQL text or a message. */
const char *
partman_quote_name(const char *name)
{
	return quote_identifier(name);
}

/* nspname.relname, quoted: a table that may not exist yet */
char *
partman_qualified_in(const char *nspname, const char *relname)
{
	return quote_qualified_identifier(nspname, relname);
}

/*
 * pg_temp.<prefix>_<relid>, quoted: partman's temporary table for relid;
 * pg_temp.<prefix> when relid is InvalidOid (a table that lives for one
 * statement list, so that its statements print the same every time)
 */
char *
partman_temp_name(const char *prefix, Oid relid)
{
	if (!OidIsValid(relid))
		return psprintf("pg_temp.%s", quote_identifier(prefix));
	return psprintf("pg_temp.%s", quote_identifier(psprintf("%s_%u", prefix, relid)));
}

/* A RANGE partition: <parent>_p<suffix> (suffix from the bound's lower end) */
char *
partman_range_name(const PartmanKey *key, const char *suffix)
{
	return partman_partition_name(key, psprintf("p%s", suffix));
}

/* A HASH partition: <parent>_h<remainder> */
char *
partman_hash_name(const PartmanKey *key, int remainder)
{
	return partman_partition_name(key, psprintf("h%d", remainder));
}

/*
 * A LIST partition named after a value (its suffix, in lower case), or
 * <parent>_null for the partition of NULL alone (suffix NULL).
 */
char *
partman_list_name(const PartmanKey *key, const char *suffix)
{
	char	   *lower;

	if (suffix == NULL)
		return partman_partition_name(key, "null");
	lower = pstrdup(suffix);
	for (char *c = lower; *c; c++)
		*c = pg_tolower((unsigned char) *c);
	return partman_partition_name(key, lower);
}

/*
 * The default partition: <parent>_default, or for n > 1 the n-th candidate
 * when that name is taken, <parent>_default_<n>.
 */
char *
partman_default_name(const PartmanKey *key, int n)
{
	if (n <= 1)
		return partman_partition_name(key, "default");
	return partman_partition_name(key, psprintf("default_%d", n));
}

/*
 * partman_<what>_<n>: the name of one of partman's own working objects (a
 * staging table, a temporary index or constraint, a cursor), n the OID of
 * the table it serves or a counter; unquoted.
 */
char *
partman_work_name(const char *what, uint32 n)
{
	return psprintf("partman_%s_%u", what, n);
}

/*
 * partman's helper object for table relname: <relname>_<suffix> within
 * NAMEDATALEN (the journal of a move, say), clipped as partition names are.
 */
char *
partman_helper_name(const char *relname, const char *suffix)
{
	PartmanKey	key;

	memset(&key, 0, sizeof(key));
	key.relname = (char *) relname;
	return partman_partition_name(&key, suffix);
}
