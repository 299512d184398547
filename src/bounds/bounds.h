/*-------------------------------------------------------------------------
 *
 * bounds.h
 *	  Bounds and names: pure functions of a set's key and settings.  The
 *	  grid of RANGE bounds (time zones, DST, integer widths), key values as
 *	  text, and partition names and suffixes (the only place they are made).
 *
 * Included by partman.h, after the types shared by every layer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_BOUNDS_H
#define PARTMAN_BOUNDS_H

/* ---------------------------------------------------------------------
 * functions in bounds.c: the grid of RANGE bounds, and value text
 * ---------------------------------------------------------------------
 */
extern void partman_parse_grid(const PartmanKey *key, const char *interval,
							   const char *time_zone, const char *epoch,
							   RangeGrid *grid);
extern pg_tz *partman_lookup_zone(const char *time_zone);
extern int64 partman_grid_cell_of(const RangeGrid *grid, Datum value);
extern void partman_grid_span(const RangeGrid *grid, int64 *first, int64 *last);
extern Datum partman_grid_bound(const RangeGrid *grid, int64 cell);
extern bool partman_grid_cell_empty(const RangeGrid *grid, int64 cell);
extern int64 partman_grid_now_cell(const RangeGrid *grid);
extern Datum partman_time_threshold(const RangeGrid *grid, const char *retention);
extern Datum partman_integer_threshold(const RangeGrid *grid, Datum newest,
									   const char *retention);
extern char *partman_grid_suffix(const RangeGrid *grid, int64 cell);
extern char *partman_bound_literal(Oid typid, Datum value);
extern bool partman_int_value(Oid typid, Datum value, int64 *result);
extern Datum partman_value_from_text(const PartmanKey *key, const char *text,
									 pg_tz *zone, const char *what);
extern Datum partman_uuid7_floor(TimestampTz t);
extern bool partman_written_as_time(const RangeGrid *grid, const char *text);
extern Datum partman_grid_value_from_text(const PartmanKey *key, const RangeGrid *grid,
										  const char *text, pg_tz *zone, const char *what);
extern char *partman_value_to_text(Oid typid, Datum value);
extern char *partman_value_suffix(const PartmanKey *key, Datum value, pg_tz *zone);

/* ---------------------------------------------------------------------
 * functions in naming.c: partition names within 63 bytes, names quoted
 * ---------------------------------------------------------------------
 */
extern char *partman_partition_name(const PartmanKey *key, const char *suffix);
extern char *partman_helper_name(const char *relname, const char *suffix);
extern char *partman_qualified_name(Oid relid);
extern char *partman_qualified_in(const char *nspname, const char *relname);
extern const char *partman_quote_name(const char *name);
extern char *partman_temp_name(const char *prefix, Oid relid);
extern char *partman_work_name(const char *what, uint32 n);
extern char *partman_range_name(const PartmanKey *key, const char *suffix);
extern char *partman_hash_name(const PartmanKey *key, int remainder);
extern char *partman_list_name(const PartmanKey *key, const char *suffix);
extern char *partman_default_name(const PartmanKey *key, int n);

#endif							/* PARTMAN_BOUNDS_H */
