/*-------------------------------------------------------------------------
 *
 * sql_api.h
 *	  What the SQL entry points share among themselves (and offer to no
 *	  other layer): building the rows they return, column by column.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_SQL_API_H
#define PARTMAN_SQL_API_H

#include "fmgr.h"
#include "nodes/pg_list.h"

/* more than any function of partman returns */
#define PARTMAN_ROW_MAX 16

/*
 * One result row, filled left to right by the partman_row_* calls.
 * Start it as {0}.
 */
typedef struct PartmanRow
{
	int			ncolumns;
	Datum		values[PARTMAN_ROW_MAX];
	bool		nulls[PARTMAN_ROW_MAX];
} PartmanRow;

extern void partman_row_add(PartmanRow *row, Datum value);
extern void partman_row_add_if(PartmanRow *row, bool present, Datum value);
extern void partman_row_add_text(PartmanRow *row, const char *text);
extern void partman_row_put(FunctionCallInfo fcinfo, PartmanRow *row);
extern Datum partman_row_datum(FunctionCallInfo fcinfo, PartmanRow *row);
extern Datum partman_text_array(List *strings);

#endif							/* PARTMAN_SQL_API_H */
