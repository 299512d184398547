/*-------------------------------------------------------------------------
 *
 * naming.c
 *	  Partition names: <parent>_<suffix>, always within NAMEDATALEN.
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
