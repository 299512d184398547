/*-------------------------------------------------------------------------
 *
 * spi.c
 *	  How partman talks to SPI.  Every query partman runs goes through a
 *	  connection opened here, which pins search_path to pg_catalog, pg_temp
 *	  for as long as it is open: a caller's own schema, with its own max(),
 *	  now() or = operator, can neither change what partman's queries mean
 *	  nor get its code run with partman's rights.  Results are checked
 *	  before they are read.
 *
 * A nonatomic connection (CALL at top level) commits through
 * partman_spi_commit(), which pins the path again in the new transaction:
 * a commit ends every GUC nesting level.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "executor/spi.h"
#include "utils/guc.h"

#define PINNED_SEARCH_PATH "pg_catalog, pg_temp"

/* Pin search_path until the current GUC nesting level ends. */
void
partman_pin_search_path(void)
{
	(void) set_config_option("search_path", PINNED_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * partman_spi_connect
 *		Connect to SPI with search_path pinned.  Returns the GUC nesting level
 *		to hand to partman_spi_finish().
 */
int
partman_spi_connect(bool nonatomic)
{
	int			level;
	int			rc = SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0);

	if (rc != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));
	level = NewGUCNestLevel();
	partman_pin_search_path();
	return level;
}

/*
 * partman_spi_commit
 *		Commit and start a new transaction on a nonatomic connection.  The
 *		commit ended the pinning level; the new one gets the same number,
 *		because a nonatomic connection is only ever made at the top of a
 *		transaction.
 */
void
partman_spi_commit(void)
{
	SPI_commit();
	(void) NewGUCNestLevel();
	partman_pin_search_path();
}

void
partman_spi_finish(int level)
{
	AtEOXact_GUC(true, level);
	SPI_finish();
}

/* Run one or more SQL statements through SPI and check the outcome. */
void
partman_spi_exec(const char *sql, int expected)
{
	int			rc = SPI_execute(sql, false, 0);

	if (rc != expected)
		elog(ERROR, "SPI_execute failed (%s): %s", SPI_result_code_string(rc), sql);
}

static uint64
spi_select(const char *sql, int nargs, Oid *argtypes, Datum *values, const char *what,
		   bool read_only)
{
	int			rc = SPI_execute_with_args(sql, nargs, argtypes, values, NULL, read_only, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read %s: %s", what, SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * partman_spi_select
 *		Run a read-only query with nargs parameters and check that it ran;
 *		returns its row count.  what names what is read, for the error.
 */
uint64
partman_spi_select(const char *sql, int nargs, Oid *argtypes, Datum *values, const char *what)
{
	return spi_select(sql, nargs, argtypes, values, what, true);
}

/*
 * partman_fresh_select
 *		The same for a query that must see everything committed before it (a
 *		new snapshot: SPI's read-only mode would reuse the transaction's
 *		first one).
 */
uint64
partman_fresh_select(const char *sql, int nargs, Oid *argtypes, Datum *values, const char *what)
{
	return spi_select(sql, nargs, argtypes, values, what, false);
}

/*
 * partman_spi_one_row
 *		The last query must have returned exactly one row of ncolumns
 *		columns: what partman reads next is vals[0].
 */
void
partman_spi_one_row(const char *what, int ncolumns)
{
	if (SPI_processed != 1 || SPI_tuptable == NULL || SPI_tuptable->tupdesc->natts != ncolumns)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("unexpected result while reading %s", what),
				 errdetail("Expected one row of %d columns, got " UINT64_FORMAT " rows.",
						   ncolumns, SPI_processed)));
}
