/*-------------------------------------------------------------------------
 *
 * advise.c
 *	  SQL entry point of the key advisor: advise_key.  Here the arguments
 *	  are read and the caller's right to the table's statistics checked;
 *	  the candidates are advisor/advise_key.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "sql_api.h"

PG_FUNCTION_INFO_V1(partman_advise_key);

/* The source must be a table the caller may read the statistics of. */
static void
check_source(Oid relid)
{
	char		relkind;
	char	   *name;

	/* keep it from being dropped while its statistics are read */
	LockRelationOid(relid, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	relkind = get_rel_relkind(relid);
	name = get_rel_name(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", name),
				 errdetail("partman.advise_key judges a table by the statistics ANALYZE gathered of it."),
				 relkind == RELKIND_VIEW || relkind == RELKIND_MATVIEW ?
				 errhint("Pass the table the view reads.") : 0));
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck_all(relid, GetUserId(), ACL_SELECT, ACLMASK_ANY) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for table %s", name),
				 errdetail("pg_stats shows the statistics of a column only to roles that may read it.")));
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("row-level security hides the statistics of table \"%s\"", name),
				 errdetail("pg_stats shows no statistics of a table whose row security policies apply to you.")));
}

/* Argument argno, purpose: 'partition' (false) or 'shard' (true). */
static bool
purpose_arg(FunctionCallInfo fcinfo, int argno)
{
	const char *purpose;

	partman_require_arg(fcinfo, argno, "purpose");
	purpose = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (strcmp(purpose, "partition") == 0)
		return false;
	if (strcmp(purpose, "shard") == 0)
		return true;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown purpose \"%s\"", purpose),
			 errhint("Use 'partition' (one server) or 'shard' (several servers).")));
	pg_unreachable();
}

/*
 * partman.advise_key(source regclass, purpose text DEFAULT 'partition')
 *	   RETURNS TABLE(key text, strategy text, "interval" text, score numeric,
 *	   distribution text, query_fit text, cross_partition text, verdict text,
 *	   reasons text[])
 *		One row per candidate key of source, best first.  Reads pg_stats,
 *		the catalog and pg_stat_statements; never table data.  Takes
 *		AccessShareLock on source, and for a moment (in a subtransaction
 *		rolled back at once) the locks parse analysis of each recorded
 *		statement takes.
 */
Datum
partman_advise_key(PG_FUNCTION_ARGS)
{
	Oid			relid;
	bool		shard;
	ListCell   *lc;

	partman_require_arg(fcinfo, 0, "source");
	relid = PG_GETARG_OID(0);
	shard = purpose_arg(fcinfo, 1);
	check_source(relid);
	InitMaterializedSRF(fcinfo, 0);

	foreach(lc, partman_advise(relid, shard))
	{
		AdviseRow  *advice = lfirst(lc);
		PartmanRow	row = {0};

		partman_row_add_text(&row, advice->key);
		partman_row_add_text(&row, advice->strategy);
		partman_row_add_text(&row, advice->interval);
		partman_row_add(&row, DirectFunctionCall3(numeric_in, CStringGetDatum(advice->score),
												  ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
		partman_row_add_text(&row, advice->distribution);
		partman_row_add_text(&row, advice->query_fit);
		partman_row_add_text(&row, advice->cross_partition);
		partman_row_add_text(&row, advice->verdict);
		partman_row_add(&row, partman_text_array(advice->reasons));
		partman_row_put(fcinfo, &row);
	}
	return (Datum) 0;
}
