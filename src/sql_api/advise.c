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

static Datum
text_array(List *strings)
{
	ArrayBuildState *state = NULL;
	ListCell   *lc;

	foreach(lc, strings)
		state = accumArrayResult(state, CStringGetTextDatum(lfirst(lc)), false, TEXTOID,
								 CurrentMemoryContext);
	if (state == NULL)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return makeArrayResult(state, CurrentMemoryContext);
}

/* 'partition' (false) or 'shard' (true) */
static bool
read_purpose(const char *purpose)
{
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
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid;
	bool		shard;
	ListCell   *lc;

	partman_require_arg(fcinfo, 0, "source");
	partman_require_arg(fcinfo, 1, "purpose");
	relid = PG_GETARG_OID(0);
	shard = read_purpose(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	check_source(relid);
	InitMaterializedSRF(fcinfo, 0);

	foreach(lc, partman_advise(relid, shard))
	{
		AdviseRow  *row = lfirst(lc);
		Datum		values[9];
		bool		nulls[9] = {false};

		values[0] = CStringGetTextDatum(row->key);
		values[1] = CStringGetTextDatum(row->strategy);
		if (row->interval)
			values[2] = CStringGetTextDatum(row->interval);
		else
			nulls[2] = true;
		values[3] = DirectFunctionCall3(numeric_in, CStringGetDatum(row->score),
										ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		values[4] = CStringGetTextDatum(row->distribution);
		values[5] = CStringGetTextDatum(row->query_fit);
		values[6] = CStringGetTextDatum(row->cross_partition);
		values[7] = CStringGetTextDatum(row->verdict);
		values[8] = text_array(row->reasons);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
