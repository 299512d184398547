/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Version guards: partman targets PostgreSQL 15 and keeps these shims so
 *	  it can be built against 16 to 18.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PARTMAN_COMPAT_H
#define PARTMAN_COMPAT_H

#if PG_VERSION_NUM < 150000
#error "partman requires PostgreSQL 15 or later"
#endif

#if PG_VERSION_NUM >= 160000
#include "catalog/pg_class.h"
#include "utils/acl.h"
#define partman_class_ownercheck(relid, roleid) \
	object_ownercheck(RelationRelationId, (relid), (roleid))
#else
#define partman_class_ownercheck(relid, roleid) \
	pg_class_ownercheck((relid), (roleid))
#endif

#endif							/* PARTMAN_COMPAT_H */
