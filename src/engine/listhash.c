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
 * partman_parse_list_values
 *		Read list_values, a jsonb object that maps partition suffixes to
 *		non-empty arrays of values (JSON null stands for SQL NULL), as a List
 *		of PartmanListMember in suffix order, each value read as key's type.
 *		ERROR on the first problem, naming the setting as what.  Caller is
 *		connected to SPI.
 */
List *
partman_parse_list_values(const PartmanKey *key, Datum list_values, const char *what)
{
	Oid			argtypes[1] = {JSONBOID};
	Datum		values[1] = {list_values};
	SPITupleTable *tuptable;
	uint64		nrows;
	List	   *result = NIL;

	(void) partman_spi_select("SELECT pg_catalog.jsonb_typeof($1), "
							   "(SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_each($1) e "
							   " WHERE CASE WHEN pg_catalog.jsonb_typeof(e.value) OPERATOR(pg_catalog.<>) 'array' THEN true "
							   "   WHEN pg_catalog.jsonb_array_length(e.value) OPERATOR(pg_catalog.=) 0 THEN true "
							   /* values are scalars: a nested array or object is no value */
							   "   ELSE EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(e.value) x "
							   "     WHERE pg_catalog.jsonb_typeof(x) OPERATOR(pg_catalog.=) ANY ('{array,object}')) END) "
							   "WHERE pg_catalog.jsonb_typeof($1) OPERATOR(pg_catalog.=) 'object'",
								 1, argtypes, values, what);
	if (SPI_processed == 0 ||
		strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2), "0") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object that maps each partition suffix to a non-empty array of values", what),
				 errhint("For example: '{\"americas\": [\"US\", \"CA\"], \"europe\": [\"DE\", \"FR\"]}'.")));

	(void) partman_spi_select("SELECT e.key, pg_catalog.array_agg(v.value ORDER BY v.ord) "
							   "FROM pg_catalog.jsonb_each($1) e, "
							   "LATERAL pg_catalog.jsonb_array_elements_text(e.value) WITH ORDINALITY v(value, ord) "
							   "GROUP BY e.key ORDER BY e.key",
								 1, argtypes, values, what);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must name at least one partition", what)));

	tuptable = SPI_tuptable;
	nrows = SPI_processed;
	for (uint64 row = 0; row < nrows; row++)
	{
		PartmanListMember *member = palloc0(sizeof(PartmanListMember));
		char	   *suffix = SPI_getvalue(tuptable->vals[row], tuptable->tupdesc, 1);
		bool		isnull;
		ArrayType  *arr = DatumGetArrayTypeP(SPI_getbinval(tuptable->vals[row], tuptable->tupdesc,
														   2, &isnull));
		Datum	   *items;
		bool	   *nulls;
		int			n;

		if (strlen(suffix) == 0 || strlen(suffix) > NAMEDATALEN - 12)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("list partition suffix \"%s\" must have 1 to %d bytes",
							suffix, NAMEDATALEN - 12)));
		member->suffix = suffix;
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
		for (int i = 0; i < n; i++)
		{
			if (nulls[i])
				member->bound.has_null = true;
			else
				member->bound.values = lappend(member->bound.values,
											   DatumGetPointer(partman_value_from_text(key, TextDatumGetCString(items[i]),
																					   NULL, "list value")));
		}
		result = lappend(result, member);
	}
	return result;
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
