/*-------------------------------------------------------------------------
 *
 * moves.c
 *	  partman.moves: one row per move_partition or shard_table that has not
 *	  cut over yet, with its phase and the snapshot of its copy, so that a
 *	  rerun after a crash resumes it.  Written as the catalog's owner (PUBLIC reads it).
 *	  Callers are connected to SPI.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

/*
 * partman_move_state_read
 *		The state of the move of partition, if one is unfinished.
 */
bool
partman_move_state_read(Oid partition, PartmanMoveState *state)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(partition)};
	char	   *rows;

	memset(state, 0, sizeof(*state));
	if (partman_spi_select("SELECT parent::pg_catalog.oid, server, phase, snapshot, rows_copied, "
						   "shard_key, servers, modulus "
						   "FROM partman.moves WHERE partition OPERATOR(pg_catalog.=) $1",
						   1, argtypes, values, "partman.moves") == 0)
		return false;
	partman_spi_one_row("partman.moves", 8);
	state->partition = partition;
	state->parent = atooid(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	state->server = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	state->phase = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	state->snapshot = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	rows = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5);
	state->rows_copied = rows ? strtoi64(rows, NULL, 10) : 0;
	state->shard_key = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6);
	state->servers = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7);
	rows = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 8);
	state->modulus = rows ? pg_strtoint32(rows) : 0;
	return true;
}

/* partman_move_state_write: insert or update the row of state->partition */
void
partman_move_state_write(const PartmanMoveState *state)
{
	Oid			argtypes[9] = {OIDOID, OIDOID, NAMEOID, TEXTOID, TEXTOID, INT8OID,
	TEXTOID, TEXTOID, INT4OID};
	Datum		values[9];
	char		nulls[10] = "         ";

	values[0] = ObjectIdGetDatum(state->partition);
	values[1] = ObjectIdGetDatum(state->parent);
	partman_arg_name(values, nulls, 2, state->server);
	values[3] = CStringGetTextDatum(state->phase);
	partman_arg_text(values, nulls, 4, state->snapshot);
	values[5] = Int64GetDatum(state->rows_copied);
	partman_arg_text(values, nulls, 6, state->shard_key);
	partman_arg_text(values, nulls, 7, state->servers);
	values[8] = Int32GetDatum(state->modulus);
	if (state->shard_key == NULL)
		nulls[8] = 'n';
	partman_catalog_write("moves",
						  "INSERT INTO partman.moves AS m (partition, parent, server, phase, snapshot, rows_copied, "
						  "shard_key, servers, modulus) "
						  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::pg_catalog.name[], $9) ON CONFLICT (partition) DO UPDATE SET "
						  "parent = excluded.parent, server = excluded.server, phase = excluded.phase, "
						  "snapshot = excluded.snapshot, rows_copied = excluded.rows_copied, "
						  "shard_key = excluded.shard_key, servers = excluded.servers, modulus = excluded.modulus, "
						  "updated_at = pg_catalog.now()",
						  9, argtypes, values, nulls, SPI_OK_INSERT);
}

void
partman_move_state_delete(Oid partition)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(partition)};

	partman_catalog_write("moves", "DELETE FROM partman.moves WHERE partition OPERATOR(pg_catalog.=) $1",
						  1, argtypes, values, NULL, SPI_OK_DELETE);
}
