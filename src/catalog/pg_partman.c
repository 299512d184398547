/*-------------------------------------------------------------------------
 *
 * pg_partman.c
 *	  pg_partman's configuration, for adopt_pg_partman: its part_config (the
 *	  extension's table, or a copy of it) read through to_jsonb(), so a
 *	  column a pg_partman version lacks reads as NULL instead of failing,
 *	  and its automatic_maintenance switched off for a set partman adopted.
 *	  Callers are connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * partman_pg_partman_config
 *		pg_partman's part_config in schema; ERROR when there is none.
 */
Oid
partman_pg_partman_config(const char *schema)
{
	Oid			nsp = get_namespace_oid(schema, false);
	Oid			config = get_relname_relid("part_config", nsp);

	if (!OidIsValid(config) || get_attnum(config, "parent_table") == InvalidAttrNumber ||
		get_attnum(config, "partition_interval") == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("schema \"%s\" has no pg_partman configuration table part_config", schema),
				 errhint("Pass the schema that CREATE EXTENSION pg_partman used, as \\dx shows it.")));
	return config;
}

/*
 * partman_pg_partman_sets
 *		The rows of pg_partman's part_config config, one per set in order of
 *		parent_table: the settings named by columns as text (NULL when that
 *		pg_partman lacks the column), then whether part_config_sub names the
 *		set as a sub-parent ('true' / 'false').  Returns SPI's tuple table;
 *		*nsets gets its number of rows.
 */
SPITupleTable *
partman_pg_partman_sets(Oid config, const char *const *columns, int ncolumns, uint64 *nsets)
{
	Oid			sub = get_relname_relid("part_config_sub", get_rel_namespace(config));
	StringInfoData sql;
	int			rc;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (int i = 0; i < ncolumns; i++)
		appendStringInfo(&sql, "j->>'%s', ", columns[i]);
	if (OidIsValid(sub))
		appendStringInfo(&sql, "EXISTS (SELECT FROM %s s "
						 "WHERE s.sub_parent OPERATOR(pg_catalog.=) (j->>'parent_table'))::pg_catalog.text ",
						 partman_qualified_name(sub));
	else
		appendStringInfoString(&sql, "'false' ");
	appendStringInfo(&sql, "FROM (SELECT pg_catalog.to_jsonb(c) AS j FROM %s c) s ORDER BY 1",
					 partman_qualified_name(config));
	rc = SPI_execute(sql.data, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s: %s", partman_qualified_name(config),
			 SPI_result_code_string(rc));
	*nsets = SPI_processed;
	return SPI_tuptable;
}

/* Switch pg_partman's maintenance of parent_table off. */
void
partman_pg_partman_disable(Oid config, const char *parent_table)
{
	int			rc;

	rc = SPI_execute_with_args(psprintf("UPDATE %s SET automatic_maintenance = 'off' "
										"WHERE parent_table OPERATOR(pg_catalog.=) $1",
										partman_qualified_name(config)),
							   1, (Oid[]) {TEXTOID}, (Datum[]) {CStringGetTextDatum(parent_table)},
							   NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update pg_partman's part_config: %s", SPI_result_code_string(rc));
}
