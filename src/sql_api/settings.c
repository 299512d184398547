/*-------------------------------------------------------------------------
 *
 * settings.c
 *	  SQL entry points that change a set's settings: set_config and
 *	  set_pruning_policy.  The row is read, validated and written by the
 *	  catalog layer (catalog/config.c); here the arguments are read.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(partman_set_config);
PG_FUNCTION_INFO_V1(partman_set_pruning_policy);

/*
 * partman.set_config(parent regclass, setting text, value text) RETURNS void
 *		Change one setting of a managed set.  value is read with the input
 *		function of the setting's type and validated before anything is
 *		written.
 */
Datum
partman_set_config(PG_FUNCTION_ARGS)
{
	int			spi_level;
	Oid			parent;
	int			which;
	Datum		value = (Datum) 0;
	bool		isnull;
	PartmanConfig cfg;

	partman_require_arg(fcinfo, 0, "parent");
	partman_require_arg(fcinfo, 1, "setting");
	parent = PG_GETARG_OID(0);
	which = partman_setting(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	spi_level = partman_spi_connect(false);
	partman_config_read_own(parent, &cfg);
	isnull = PG_ARGISNULL(2);
	if (!isnull)
	{
		Oid			infunc;
		Oid			ioparam;

		getTypeInputInfo(partman_setting_type(which), &infunc, &ioparam);
		value = OidInputFunctionCall(infunc, text_to_cstring(PG_GETARG_TEXT_PP(2)),
									 ioparam, -1);
	}
	partman_config_change(&cfg, 1, &which, &value, &isnull);
	partman_spi_finish(spi_level);
	PG_RETURN_VOID();
}

/*
 * partman.set_pruning_policy(parent regclass, require_filter text,
 *							  max_partitions int) RETURNS void
 *		Both pruning settings of a set in one call; the planner hook of every
 *		session that loaded partman enforces them from the next plan on.
 */
Datum
partman_set_pruning_policy(PG_FUNCTION_ARGS)
{
	int			spi_level;
	Oid			parent;
	int			setting[2];
	Datum		values[2];
	bool		isnull[2];
	PartmanConfig cfg;

	partman_require_arg(fcinfo, 0, "parent");
	partman_require_arg(fcinfo, 1, "require_filter");
	parent = PG_GETARG_OID(0);

	setting[0] = partman_setting("require_filter");
	values[0] = PG_GETARG_DATUM(1);
	isnull[0] = false;
	setting[1] = partman_setting("max_partitions");
	values[1] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	isnull[1] = PG_ARGISNULL(2);

	spi_level = partman_spi_connect(false);
	partman_config_read_own(parent, &cfg);
	partman_config_change(&cfg, 2, setting, values, isnull);
	partman_spi_finish(spi_level);

	if (!partman_preloaded)
		ereport(WARNING,
				(errmsg("the pruning policy of table \"%s\" is enforced only in sessions that load partman",
						get_rel_name(parent)),
				 errhint("Add partman to shared_preload_libraries so that every session enforces it.")));
	PG_RETURN_VOID();
}
