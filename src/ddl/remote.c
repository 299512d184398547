/*-------------------------------------------------------------------------
 *
 * remote.c
 *	  Statements on other servers: the tables behind a set's foreign
 *	  partitions.  A server is a postgres_fdw foreign server that the DBA
 *	  made; partman connects to it with the user mapping of the set's owner,
 *	  under the rules postgres_fdw follows (a role that is not a superuser
 *	  connects only with a password, which the mapping holds: partman never
 *	  asks for one, stores one or shows one).
 *
 * Connections live for one local transaction.  The first statement on a
 * server opens a remote transaction there (and a savepoint per local
 * subtransaction level), so that what partman did on that server is rolled
 * back with the local work that needed it.  At local commit the remote
 * transactions commit one after another (PostgreSQL 15 has no atomic
 * commit across servers: a failure between two of them leaves the first
 * committed); at local abort the connections are closed, which rolls their
 * transactions back.  Every connection is closed at transaction end.
 *
 * Waits (connecting, each statement) are bounded by partman.remote_timeout:
 * connect_timeout and the remote statement_timeout.
 *
 *-------------------------------------------------------------------------
 */
#include "partman.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_index.h"
#include "commands/defrem.h"
#include "foreign/foreign.h"
#include "libpq-fe.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

int			partman_remote_timeout_ms = 10000;

/* An open connection, for the current local transaction. */
typedef struct RemoteConnection
{
	Oid			serverid;
	Oid			userid;			/* whose user mapping it uses */
	char	   *servername;
	PGconn	   *conn;
	int			depth;			/* local nesting level the remote side has
								 * reached: 0 none, 1 in a transaction, more
								 * with savepoints */
	int			work_level;		/* the outermost local level whose work is
								 * on the remote side (subtransaction commits
								 * pass it outwards) */
} RemoteConnection;

/* in TopMemoryContext; empty outside a transaction that used a server */
static List *connections = NIL;
static bool callbacks_registered = false;

static int	remote_exec(RemoteConnection *rc, const char *sql);
static void note_unreachable(const char *servername);
static void remote_create_indexes(RemoteConnection *rc, const PartmanKey *key, const char *name);
static void remote_create_checks(RemoteConnection *rc, const PartmanKey *key, const char *name);

/*
 * The user mapping's option name, if the option is there (its value is
 * never returned: it may be a password).
 */
static bool
has_option(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		if (strcmp(((DefElem *) lfirst(lc))->defname, name) == 0)
			return true;
	}
	return false;
}

static bool
password_required(UserMapping *mapping)
{
	ListCell   *lc;

	foreach(lc, mapping->options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "password_required") == 0)
			return defGetBoolean(def);
	}
	return true;
}

/* Is name a connection option libpq knows (the rest are postgres_fdw's)? */
static bool
is_libpq_option(PQconninfoOption *known, const char *name)
{
	for (PQconninfoOption *opt = known; opt->keyword != NULL; opt++)
	{
		if (strcmp(opt->keyword, name) == 0)
			return true;
	}
	return false;
}

/* Close conn, and forget it. */
static void
close_connection(RemoteConnection *rc)
{
	if (rc->conn != NULL)
		PQfinish(rc->conn);
	rc->conn = NULL;
}

/*
 * End of a local transaction: commit the remote transactions (before the
 * local commit, so that a failure still aborts it), or close the
 * connections, which rolls them back.  Every connection is closed.
 */
static void
remote_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (connections == NIL)
		return;
	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PARALLEL_PRE_COMMIT)
	{
		foreach(lc, connections)
		{
			RemoteConnection *rc = lfirst(lc);

			/* closed while its work was pending: that work is lost */
			if (rc->conn == NULL && rc->depth > 0)
				ereport(ERROR,
						(errcode(ERRCODE_CONNECTION_FAILURE),
						 errmsg("the connection to server \"%s\" was lost in this transaction",
								rc->servername),
						 errdetail("What partman did there was rolled back, so this transaction is too.")));
			if (rc->conn != NULL && rc->depth > 0)
			{
				remote_exec(rc, "COMMIT");
				rc->depth = 0;
			}
		}
		return;
	}
	if (event == XACT_EVENT_PRE_PREPARE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot prepare a transaction in which partman changed another server")));
	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_ABORT && event != XACT_EVENT_PARALLEL_ABORT &&
		event != XACT_EVENT_PREPARE)
		return;
	foreach(lc, connections)
		close_connection(lfirst(lc));
	list_free_deep(connections);
	connections = NIL;
}

/*
 * End of a local subtransaction: its savepoint on each server is released
 * (commit) or rolled back to (abort).
 */
static void
remote_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();
	ListCell   *lc;

	if (event != SUBXACT_EVENT_PRE_COMMIT_SUB && event != SUBXACT_EVENT_ABORT_SUB)
		return;
	foreach(lc, connections)
	{
		RemoteConnection *rc = lfirst(lc);
		char		sql[64];

		if (rc->depth < level)
			continue;
		if (rc->conn == NULL)
		{
			/*
			 * Lost while only this subtransaction had work there: that work
			 * is rolled back with it, so the connection is forgotten and the
			 * rest of the transaction may go on (maintenance's other sets).
			 */
			if (event == SUBXACT_EVENT_ABORT_SUB && rc->work_level >= level)
				rc->depth = 0;
			continue;
		}
		if (event == SUBXACT_EVENT_PRE_COMMIT_SUB)
			snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT partman_%d", level);
		else
		{
			/* a connection left busy by the error cannot go on: close it */
			if (PQtransactionStatus(rc->conn) == PQTRANS_ACTIVE)
			{
				close_connection(rc);
				/* depth stays, and commit refuses, if outer levels had work */
				if (rc->work_level >= level)
					rc->depth = 0;
				continue;
			}
			snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT partman_%d; RELEASE SAVEPOINT partman_%d",
					 level, level);
		}
		if (event == SUBXACT_EVENT_ABORT_SUB)
		{
			/* no ERROR while aborting: a connection that fails is closed */
			PGresult   *res = PQexec(rc->conn, sql);

			bool		ok = PQresultStatus(res) == PGRES_COMMAND_OK;

			PQclear(res);
			if (!ok)
			{
				close_connection(rc);
				if (rc->work_level >= level)
					rc->depth = 0;
				continue;
			}
		}
		else
		{
			remote_exec(rc, sql);
			rc->work_level = Min(rc->work_level, level - 1);
		}
		rc->depth = level - 1;
	}
}

/*
 * Open a connection to server as userid, with the options of the server
 * and of the user mapping that libpq knows.
 */
static PGconn *
remote_connect(ForeignServer *server, UserMapping *mapping, Oid userid)
{
	PQconninfoOption *known = PQconndefaults();
	List	   *options;
	const char **keywords;
	const char **values;
	int			n = 0;
	ListCell   *lc;
	char		timeout[16];
	PGconn	   *conn;
	bool		check_password = !superuser_arg(userid) && password_required(mapping);

	if (known == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (check_password && !has_option(mapping->options, "password"))
	{
		PQconninfoFree(known);
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("user mapping of role \"%s\" for server \"%s\" has no password",
						GetUserNameFromId(userid, false), server->servername),
				 errdetail("A role that is not a superuser connects to another server only with a password, as postgres_fdw does."),
				 errhint("Add the password to the user mapping with ALTER USER MAPPING.")));
	}

	options = list_concat(list_copy(server->options), mapping->options);
	keywords = palloc0(sizeof(char *) * (list_length(options) + 4));
	values = palloc0(sizeof(char *) * (list_length(options) + 4));
	foreach(lc, options)
	{
		DefElem    *def = lfirst(lc);

		if (!is_libpq_option(known, def->defname) ||
			strcmp(def->defname, "client_encoding") == 0 ||
			strcmp(def->defname, "connect_timeout") == 0)
			continue;
		keywords[n] = def->defname;
		values[n] = defGetString(def);
		n++;
	}
	PQconninfoFree(known);
	keywords[n] = "fallback_application_name";
	values[n++] = "partman";
	keywords[n] = "client_encoding";
	values[n++] = GetDatabaseEncodingName();
	/* libpq counts whole seconds, and treats less than 2 as 2 */
	snprintf(timeout, sizeof(timeout), "%d", Max((partman_remote_timeout_ms + 999) / 1000, 2));
	keywords[n] = "connect_timeout";
	values[n++] = timeout;
	keywords[n] = NULL;
	values[n] = NULL;

	conn = PQconnectdbParams(keywords, values, false);
	pfree(keywords);
	pfree(values);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
	{
		char	   *why = conn ? pchomp(PQerrorMessage(conn)) : pstrdup("out of memory");

		if (conn)
			PQfinish(conn);
		note_unreachable(server->servername);
		ereport(ERROR,
				(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
				 errmsg("could not connect to server \"%s\"", server->servername),
				 errdetail_internal("%s", why),
				 errhint("partman waits partman.remote_timeout (%d ms) for a server.",
						 partman_remote_timeout_ms)));
	}
	if (check_password && !PQconnectionUsedPassword(conn))
	{
		PQfinish(conn);
		ereport(ERROR,
				(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
				 errmsg("server \"%s\" did not ask for the password of role \"%s\"",
						server->servername, GetUserNameFromId(userid, false)),
				 errdetail("A role that is not a superuser connects to another server only with a password, as postgres_fdw does."),
				 errhint("Have the server authenticate that role by password.")));
	}
	return conn;
}

/*
 * The result of the statement sent on rc, waiting on the latch so that a
 * cancel or termination is served.
 */
static PGresult *
remote_result(RemoteConnection *rc)
{
	while (PQisBusy(rc->conn))
	{
		int			ev = WaitLatchOrSocket(MyLatch,
										   WL_LATCH_SET | WL_SOCKET_READABLE | WL_EXIT_ON_PM_DEATH,
										   PQsocket(rc->conn), -1L, PG_WAIT_EXTENSION);

		if (ev & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
		if ((ev & WL_SOCKET_READABLE) && !PQconsumeInput(rc->conn))
			break;
	}
	return PQgetResult(rc->conn);
}

/* ERROR for a connection that broke while running sql on rc */
static void
connection_lost(RemoteConnection *rc, const char *sql)
{
	char	   *why = pchomp(PQerrorMessage(rc->conn));

	close_connection(rc);
	note_unreachable(rc->servername);
	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_FAILURE),
			 errmsg("lost the connection to server \"%s\"", rc->servername),
			 errdetail_internal("%s", why),
			 errcontext("statement on server \"%s\": %s", rc->servername, sql)));
}

/*
 * The primary message of a failed result, and in *code its SQLSTATE (left
 * as it is when the server sent none).
 */
static char *
result_failure(PGresult *res, int *code)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (state != NULL && strlen(state) == 5)
		*code = MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4]);
	return pstrdup(primary ? primary : "unknown error");
}

/*
 * Send sql on rc without waiting for its results; ERROR when the connection
 * is gone (an earlier error closed it) or breaks.
 */
static void
remote_send(RemoteConnection *rc, const char *sql)
{
	if (rc->conn == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_DOES_NOT_EXIST),
				 errmsg("the connection to server \"%s\" was closed by an earlier error in this transaction",
						rc->servername)));
	if (!PQsendQuery(rc->conn, sql))
		connection_lost(rc, sql);
}

/*
 * Run sql (one or more statements) on rc; an error there is raised here
 * with its SQLSTATE, the server named.  Returns the number of rows the
 * last query returned.
 */
static int
remote_exec(RemoteConnection *rc, const char *sql)
{
	PGresult   *res;
	PGresult   *failed = NULL;
	int			rows = 0;

	remote_send(rc, sql);
	/* read every result, so the connection is idle again */
	while ((res = remote_result(rc)) != NULL)
	{
		ExecStatusType status = PQresultStatus(res);

		if (status == PGRES_TUPLES_OK)
			rows = PQntuples(res);
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && failed == NULL)
			failed = res;
		else
			PQclear(res);
	}
	if (failed == NULL && PQstatus(rc->conn) != CONNECTION_OK)
		connection_lost(rc, sql);
	if (failed != NULL)
	{
		const char *state = PQresultErrorField(failed, PG_DIAG_SQLSTATE);
		const char *primary = PQresultErrorField(failed, PG_DIAG_MESSAGE_PRIMARY);
		const char *detail = PQresultErrorField(failed, PG_DIAG_MESSAGE_DETAIL);
		const char *hint = PQresultErrorField(failed, PG_DIAG_MESSAGE_HINT);
		int			code = ERRCODE_CONNECTION_EXCEPTION;
		char	   *message;
		char	   *detail_copy = detail ? pstrdup(detail) : NULL;
		char	   *hint_copy = hint ? pstrdup(hint) : NULL;

		if (state != NULL && strlen(state) == 5)
			code = MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4]);
		message = primary ? pstrdup(primary) : pchomp(PQerrorMessage(rc->conn));
		PQclear(failed);
		ereport(ERROR,
				(errcode(code),
				 errmsg("server \"%s\": %s", rc->servername, message),
				 detail_copy ? errdetail_internal("%s", detail_copy) : 0,
				 hint_copy ? errhint("%s", hint_copy) : 0,
				 errcontext("statement on server \"%s\": %s", rc->servername, sql)));
	}
	return rows;
}

/*
 * The connection to server for userid in this transaction, opened at the
 * first use, with the remote transaction and savepoints brought to the
 * local nesting level.
 */
static RemoteConnection *
remote_connection(Oid serverid, Oid userid)
{
	RemoteConnection *rc = NULL;
	ListCell   *lc;
	int			level = GetCurrentTransactionNestLevel();
	char		sql[128];

	if (!callbacks_registered)
	{
		RegisterXactCallback(remote_xact_callback, NULL);
		RegisterSubXactCallback(remote_subxact_callback, NULL);
		callbacks_registered = true;
	}
	foreach(lc, connections)
	{
		RemoteConnection *candidate = lfirst(lc);

		if (candidate->serverid == serverid && candidate->userid == userid)
			rc = candidate;
	}
	if (rc == NULL)
	{
		char	   *name = GetForeignServer(serverid)->servername;
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		rc = palloc0(sizeof(RemoteConnection));
		rc->serverid = serverid;
		rc->userid = userid;
		rc->servername = pstrdup(name);
		connections = lappend(connections, rc);
		MemoryContextSwitchTo(old);
	}
	/* new, or closed by an error before anything was done there */
	if (rc->conn == NULL && rc->depth == 0)
	{
		rc->conn = remote_connect(GetForeignServer(serverid),
								  GetUserMapping(userid, serverid), userid);
		snprintf(sql, sizeof(sql),
				 "SET search_path = pg_catalog, pg_temp; SET statement_timeout = %d",
				 partman_remote_timeout_ms);
		remote_exec(rc, sql);
	}
	if (rc->depth == 0)
		rc->work_level = level;
	while (rc->depth < level)
	{
		if (rc->depth == 0)
			snprintf(sql, sizeof(sql), "BEGIN");
		else
			snprintf(sql, sizeof(sql), "SAVEPOINT partman_%d", rc->depth + 1);
		remote_exec(rc, sql);
		rc->depth++;
	}
	return rc;
}

/*
 * partman_remote_server
 *		The OID of the foreign server named name, checked for use by a set
 *		owned by owner: a postgres_fdw server, on which owner has USAGE and
 *		a user mapping.  No connection is made.
 */
Oid
partman_remote_server(const char *name, Oid owner)
{
	ForeignServer *server = GetForeignServerByName(name, false);
	ForeignDataWrapper *fdw = GetForeignDataWrapper(server->fdwid);
	AclResult	aclresult;

	if (strcmp(fdw->fdwname, "postgres_fdw") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("server \"%s\" is not a postgres_fdw server", name),
				 errdetail("It uses foreign-data wrapper \"%s\".", fdw->fdwname)));
	aclresult = pg_foreign_server_aclcheck(server->serverid, owner, ACL_USAGE);
	if (aclresult != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" has no USAGE on server \"%s\"",
						GetUserNameFromId(owner, false), name),
				 errdetail("Partitions are placed with the rights and the user mapping of the table's owner.")));
	/* ERROR when there is none, naming the role and the server */
	(void) GetUserMapping(owner, server->serverid);
	return server->serverid;
}

/*
 * partman_remote_check_parent
 *		Refuse, before anything is made, a parent whose partitions cannot be
 *		foreign tables in PostgreSQL 15.
 */
void
partman_remote_check_parent(const PartmanKey *key, const PartmanTemplate *tmpl)
{
	Relation	rel = relation_open(key->parent, NoLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;

	relation_close(rel, NoLock);
	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		bool		unique;

		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for index %u", lfirst_oid(lc));
		unique = ((Form_pg_index) GETSTRUCT(tuple))->indisunique;
		ReleaseSysCache(tuple);
		if (unique)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("table \"%s\" cannot have partitions on other servers while it has unique index \"%s\"",
							key->relname, get_rel_name(lfirst_oid(lc))),
					 errdetail("PostgreSQL 15 enforces no unique constraint across servers, so a partitioned table with a unique index or primary key can have no foreign partitions."),
					 errhint("Drop the primary key or unique constraint of the parent; each server can enforce it on its own table.")));
	}
	if (tmpl->row_security)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" cannot have partitions on other servers while it has row-level security enabled",
						key->relname),
				 errdetail("Foreign tables have no row-level security.")));
	if (tmpl->sub_strategy != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a composite set cannot have partitions on other servers yet")));
}

/* CREATE TABLE for the table behind a partition of key's parent */
static char *
remote_table_sql(const PartmanKey *key, const char *name)
{
	Relation	rel = relation_open(key->parent, NoLock);
	TupleDesc	desc = RelationGetDescr(rel);
	StringInfoData sql;
	bool		first = true;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE TABLE %s (", quote_qualified_identifier(key->nspname, name));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		appendStringInfo(&sql, "%s%s %s", first ? "" : ", ",
						 quote_identifier(NameStr(att->attname)),
						 format_type_extended(att->atttypid, att->atttypmod,
											  FORMAT_TYPE_TYPEMOD_GIVEN |
											  FORMAT_TYPE_FORCE_QUALIFY));
		if (OidIsValid(att->attcollation) &&
			att->attcollation != get_typcollation(att->atttypid))
		{
			HeapTuple	tuple = SearchSysCache1(COLLOID, ObjectIdGetDatum(att->attcollation));
			Form_pg_collation coll;

			if (!HeapTupleIsValid(tuple))
				elog(ERROR, "cache lookup failed for collation %u", att->attcollation);
			coll = (Form_pg_collation) GETSTRUCT(tuple);
			appendStringInfo(&sql, " COLLATE %s",
							 quote_qualified_identifier(get_namespace_name(coll->collnamespace),
														NameStr(coll->collname)));
			ReleaseSysCache(tuple);
		}
		if (att->attnotnull)
			appendStringInfoString(&sql, " NOT NULL");
		first = false;
	}
	appendStringInfoChar(&sql, ')');
	relation_close(rel, NoLock);
	return sql.data;
}

/*
 * partman_remote_create_table
 *		On server, in the remote transaction, create the schema of key's
 *		parent if it is missing and the table that partition name of the
 *		parent reads: same schema and name, same columns, types, collations
 *		and NOT NULLs.  As the parent's owner, with its user mapping.
 */
void
partman_remote_create_table(const PartmanKey *key, const char *name, const char *server)
{
	RemoteConnection *rc = remote_connection(partman_remote_server(server, key->owner),
											 key->owner);

	/* asked first: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database */
	if (remote_exec(rc, psprintf("SELECT FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) %s",
								 quote_literal_cstr(key->nspname))) == 0)
		remote_exec(rc, psprintf("CREATE SCHEMA %s", quote_identifier(key->nspname)));
	remote_exec(rc, remote_table_sql(key, name));
	remote_create_indexes(rc, key, name);
	remote_create_checks(rc, key, name);
}

/*
 * partman_remote_table_options
 *		The SERVER ... OPTIONS (...) clause of the foreign table for partition
 *		name of key's parent on server (async_capable, so that an Append
 *		scans the servers at once).
 */
char *
partman_remote_table_options(const PartmanKey *key, const char *name, const char *server)
{
	return psprintf(" SERVER %s OPTIONS (schema_name %s, table_name %s, async_capable 'true')",
					quote_identifier(server), quote_literal_cstr(key->nspname),
					quote_literal_cstr(name));
}

/*
 * partman_partition_server
 *		The name of the foreign server of partition relid, or NULL when it is
 *		a local table.
 */
char *
partman_partition_server(Oid relid)
{
	if (get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		return NULL;
	return GetForeignServer(GetForeignTable(relid)->serverid)->servername;
}

/* ---------------------------------------------------------------------
 * Maintenance of foreign partitions: indexes, the newest key, retention,
 * and the servers that did not answer
 * ---------------------------------------------------------------------
 */

/* servers that could not be reached since the last reset (TopMemoryContext) */
static List *unreachable = NIL;

static void
note_unreachable(const char *servername)
{
	MemoryContext old;
	ListCell   *lc;

	foreach(lc, unreachable)
	{
		if (strcmp(lfirst(lc), servername) == 0)
			return;
	}
	old = MemoryContextSwitchTo(TopMemoryContext);
	unreachable = lappend(unreachable, pstrdup(servername));
	MemoryContextSwitchTo(old);
}

/*
 * partman_remote_reset_unreachable
 *		Forget the servers noted unreachable (maintenance calls it before
 *		each set).
 */
void
partman_remote_reset_unreachable(void)
{
	list_free_deep(unreachable);
	unreachable = NIL;
}

/*
 * partman_remote_unreachable
 *		The names of the servers that could not be connected to, or whose
 *		connection broke, since the last reset; a copy in the current memory
 *		context.
 */
List *
partman_remote_unreachable(void)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, unreachable)
		result = lappend(result, pstrdup(lfirst(lc)));
	return result;
}

/*
 * The statement that makes index indexid of key's parent on the remote
 * table schema.name: pg_get_indexdef's text with "CREATE [UNIQUE] INDEX
 * <name> ON [ONLY] <parent>" replaced by "CREATE [UNIQUE] INDEX <as> ON
 * <remote table>" (as NULL: the server names the index).  NULL if the text
 * is not of that form.
 */
static char *
remote_index_sql(const PartmanKey *key, Oid indexid, const char *name, const char *as)
{
	char	   *def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_indexdef,
																	   ObjectIdGetDatum(indexid))));
	const char *rest = NULL;
	const char *tables[2];
	bool		unique = false;

	for (int u = 0; u < 2 && rest == NULL; u++)
	{
		char	   *head = psprintf("CREATE %sINDEX %s ON ", u ? "UNIQUE " : "",
									quote_identifier(get_rel_name(indexid)));

		if (strncmp(def, head, strlen(head)) == 0)
		{
			rest = def + strlen(head);
			unique = u;
		}
	}
	if (rest == NULL)
		return NULL;
	if (strncmp(rest, "ONLY ", 5) == 0)
		rest += 5;
	/* qualified unless the parent's schema is in the search_path */
	tables[0] = quote_qualified_identifier(key->nspname, key->relname);
	tables[1] = quote_identifier(key->relname);
	for (int i = 0; i < 2; i++)
	{
		size_t		len = strlen(tables[i]);

		if (strncmp(rest, tables[i], len) == 0 && strncmp(rest + len, " USING ", 7) == 0)
			return psprintf("CREATE %sINDEX %s%sON %s%s", unique ? "UNIQUE " : "",
							as ? quote_identifier(as) : "", as ? " " : "",
							quote_qualified_identifier(key->nspname, name), rest + len);
	}
	return NULL;
}

/*
 * Make the indexes of key's parent on the remote table name: PostgreSQL
 * makes no index on a foreign partition, so the server gets them from
 * partman.  A set's parent has no unique index (partman_remote_check_parent);
 * shard_table's source may, and each server enforces it on its own table
 * (the primary key as a primary key there).
 */
static void
remote_create_indexes(RemoteConnection *rc, const PartmanKey *key, const char *name)
{
	Relation	rel = relation_open(key->parent, NoLock);
	List	   *indexes = RelationGetIndexList(rel);
	Oid			primary = rel->rd_pkindex;
	ListCell   *lc;

	relation_close(rel, NoLock);
	foreach(lc, indexes)
	{
		Oid			indexid = lfirst_oid(lc);
		char	   *as = indexid == primary ? partman_helper_name(name, "pkey") : NULL;
		char	   *sql = remote_index_sql(key, indexid, name, as);

		if (sql == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot make index \"%s\" of table \"%s\" on server \"%s\"",
							get_rel_name(indexid), key->relname, rc->servername)));
		remote_exec(rc, sql);
		if (as)
			remote_exec(rc, psprintf("ALTER TABLE %s ADD PRIMARY KEY USING INDEX %s",
									 quote_qualified_identifier(key->nspname, name),
									 quote_identifier(as)));
	}
}

/*
 * The CHECK constraints of key's parent on the remote table name: a foreign
 * table's constraints are not enforced, so the server enforces them.
 */
static void
remote_create_checks(RemoteConnection *rc, const PartmanKey *key, const char *name)
{
	ListCell   *lc;

	foreach(lc, partman_constraint_definitions(key->parent))
	{
		PartmanConstraintDef *check = lfirst(lc);

		if (strncmp(check->definition, "CHECK ", 6) == 0)
			remote_exec(rc, partman_sql_add_constraint(quote_qualified_identifier(key->nspname, name),
														check->name, check->definition, false));
	}
}

/*
 * The server, schema and table that foreign table relid reads (the
 * defaults of postgres_fdw when an option is absent).
 */
static void
remote_table_of(Oid relid, Oid *serverid, char **schema, char **table)
{
	ForeignTable *ft = GetForeignTable(relid);
	ListCell   *lc;

	*serverid = ft->serverid;
	*schema = get_namespace_name(get_rel_namespace(relid));
	*table = get_rel_name(relid);
	foreach(lc, ft->options)
	{
		DefElem    *def = lfirst(lc);

		if (strcmp(def->defname, "schema_name") == 0)
			*schema = defGetString(def);
		else if (strcmp(def->defname, "table_name") == 0)
			*table = defGetString(def);
	}
}

/*
 * One text value (or NULL) of the last statement in sql, run on rc: like
 * remote_exec, for a query of one column that returns at most one row.
 */
static char *
remote_value(RemoteConnection *rc, const char *sql)
{
	PGresult   *res;
	char	   *value = NULL;
	char	   *failure = NULL;
	int			code = ERRCODE_CONNECTION_EXCEPTION;

	remote_send(rc, sql);
	while ((res = remote_result(rc)) != NULL)
	{
		ExecStatusType status = PQresultStatus(res);

		if (status == PGRES_TUPLES_OK)
		{
			value = NULL;
			if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
				value = pstrdup(PQgetvalue(res, 0, 0));
		}
		else if (status != PGRES_COMMAND_OK && failure == NULL)
			failure = result_failure(res, &code);
		PQclear(res);
	}
	if (failure == NULL && PQstatus(rc->conn) != CONNECTION_OK)
		connection_lost(rc, sql);
	if (failure != NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg("server \"%s\": %s", rc->servername, failure),
				 errcontext("statement on server \"%s\": %s", rc->servername, sql)));
	return value;
}

/*
 * partman_remote_max_key
 *		The largest key in the remote table behind foreign partition relid
 *		of key's parent, read through partman's own connection (as the
 *		owner, in its remote transaction): a postgres_fdw scan would hold a
 *		lock on the table in another remote transaction, which a DROP of the
 *		same table by partman later in this transaction would wait for, and
 *		postgres_fdw waits for an unreachable server without
 *		partman.remote_timeout.  false when the table has no row (or is
 *		not behind a postgres_fdw server).
 */
bool
partman_remote_max_key(const PartmanKey *key, Oid relid, Datum *result)
{
	Oid			serverid;
	char	   *schema;
	char	   *table;
	char	   *value;
	Oid			typinput;
	Oid			typioparam;
	const char *col = quote_identifier(key->attname);
	PartmanRemoteTarget target;

	if (!partman_remote_target(relid, &target))
		return false;
	serverid = target.serverid;
	schema = target.schema;
	table = target.table;
	/* gone already (a drop whose local commit failed after the server's): no rows */
	if (strcmp(remote_value(remote_connection(serverid, key->owner),
							psprintf("SELECT CASE WHEN pg_catalog.to_regclass(%s) IS NULL THEN 'none' ELSE 'exists' END",
									 quote_literal_cstr(quote_qualified_identifier(schema, table)))),
			   "none") == 0)
		return false;
	/* the text forms postgres_fdw exchanges, whatever the server's defaults */
	value = remote_value(remote_connection(serverid, key->owner),
						 psprintf("SET LOCAL datestyle = ISO; SET LOCAL intervalstyle = postgres; "
								  "SET LOCAL extra_float_digits = 3; SET LOCAL timezone = 'UTC'; "
								  "SELECT %s::pg_catalog.text FROM %s WHERE %s IS NOT NULL "
								  "ORDER BY %s DESC LIMIT 1",
								  col, quote_qualified_identifier(schema, table), col, col));
	if (value == NULL)
		return false;
	getTypeInputInfo(key->typid, &typinput, &typioparam);
	*result = OidInputFunctionCall(typinput, value, typioparam, -1);
	return true;
}

/*
 * partman_remote_drop_table
 *		Drop the table behind foreign partition relid on its server, in the
 *		remote transaction of owner (the set's owner), waiting at most
 *		partman.lock_timeout for its lock.  Called after the foreign table
 *		was dropped here (partman_remote_target read it before).
 */
void
partman_remote_drop_table(const PartmanRemoteTarget *target, Oid owner)
{
	RemoteConnection *rc = remote_connection(target->serverid, owner);

	remote_exec(rc, psprintf("SET LOCAL lock_timeout = %d; SET LOCAL client_min_messages = warning; "
							 "DROP TABLE IF EXISTS %s",
							 partman_lock_timeout_ms,
							 quote_qualified_identifier(target->schema, target->table)));
}

/*
 * partman_remote_target
 *		What partition relid reads on another server; false for a table that
 *		is not a foreign table of a postgres_fdw server.
 */
bool
partman_remote_target(Oid relid, PartmanRemoteTarget *target)
{
	if (get_rel_relkind(relid) != RELKIND_FOREIGN_TABLE)
		return false;
	remote_table_of(relid, &target->serverid, &target->schema, &target->table);
	if (strcmp(GetForeignDataWrapper(GetForeignServer(target->serverid)->fdwid)->fdwname,
			   "postgres_fdw") != 0)
		return false;
	return true;
}

/*
 * partman_remote_count_rows
 *		The number of rows in the table behind foreign partition relid,
 *		counted through partman's connection as owner (not postgres_fdw's,
 *		whose lock on that table would hold up partman's DROP of it later in
 *		the transaction).
 */
uint64
partman_remote_count_rows(Oid relid, Oid owner)
{
	PartmanRemoteTarget target;
	char	   *value;

	if (!partman_remote_target(relid, &target))
		elog(ERROR, "relation %u is not a partition on a postgres_fdw server", relid);
	value = remote_value(remote_connection(target.serverid, owner),
						 psprintf("SELECT pg_catalog.count(*)::pg_catalog.text FROM %s",
								  quote_qualified_identifier(target.schema, target.table)));
	return value ? strtou64(value, NULL, 10) : 0;
}

/*
 * partman_remote_clear_leftover
 *		Before partition name of key's parent is made on server: a table of
 *		that name left there by a transaction whose commit reached that
 *		server and failed elsewhere (PostgreSQL has no atomic commit across
 *		servers) is dropped when it is empty, so that maintenance makes the
 *		partition again; one that holds rows is never dropped, and is an
 *		error that says so.
 */
void
partman_remote_clear_leftover(const PartmanKey *key, const char *name, const char *server)
{
	RemoteConnection *rc = remote_connection(partman_remote_server(server, key->owner),
											 key->owner);
	const char *table = quote_qualified_identifier(key->nspname, name);
	char	   *state;

	state = remote_value(rc, psprintf("SELECT CASE WHEN pg_catalog.to_regclass(%s) IS NULL THEN 'none' "
									  "ELSE 'exists' END",
									  quote_literal_cstr(table)));
	if (state == NULL || strcmp(state, "none") == 0)
		return;
	if (remote_value(rc, psprintf("SELECT 1 FROM %s LIMIT 1", table)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("table %s already exists on server \"%s\" and holds rows", table, server),
				 errdetail("No partition of table \"%s\" reads it.", key->relname),
				 errhint("Move its rows into the set or drop it on the server; partman drops only an empty table left there.")));
	remote_exec(rc, psprintf("SET LOCAL lock_timeout = %d; DROP TABLE %s",
							 partman_lock_timeout_ms, table));
}

/* ---------------------------------------------------------------------
 * Rows on other servers: what move_partition needs (the statements come
 * from statements.c; these only carry them)
 * ---------------------------------------------------------------------
 */

/* The connection of this transaction to server for owner (checked). */
static RemoteConnection *
remote_connection_by_name(const char *server, Oid owner)
{
	return remote_connection(partman_remote_server(server, owner), owner);
}

/*
 * partman_remote_command
 *		Run sql (one or more statements) on server as owner, in the remote
 *		transaction of the current local transaction.
 */
void
partman_remote_command(const char *server, Oid owner, const char *sql)
{
	(void) remote_exec(remote_connection_by_name(server, owner), sql);
}

/*
 * partman_remote_row
 *		The first row of sql's result on server as owner, ncolumns values
 *		as text (NULL for NULL), or NULL when it returned no row.
 */
char	  **
partman_remote_row(const char *server, Oid owner, const char *sql, int ncolumns)
{
	RemoteConnection *rc = remote_connection_by_name(server, owner);
	PGresult   *res;
	char	  **values = NULL;

	/* a statement that fails is raised by remote_exec, with its SQLSTATE */
	(void) remote_exec(rc, "SAVEPOINT partman_row");
	remote_send(rc, sql);
	while ((res = remote_result(rc)) != NULL)
	{
		if (PQresultStatus(res) == PGRES_TUPLES_OK && values == NULL &&
			PQntuples(res) > 0 && PQnfields(res) == ncolumns)
		{
			values = palloc0(sizeof(char *) * ncolumns);
			for (int i = 0; i < ncolumns; i++)
				values[i] = PQgetisnull(res, 0, i) ? NULL : pstrdup(PQgetvalue(res, 0, i));
		}
		else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			PQclear(res);
			/* the statement failed: run it again to raise its error */
			(void) remote_exec(rc, "ROLLBACK TO SAVEPOINT partman_row");
			(void) remote_exec(rc, sql);
			elog(ERROR, "statement on server \"%s\" failed once only: %s", server, sql);
		}
		PQclear(res);
	}
	if (PQstatus(rc->conn) != CONNECTION_OK)
		connection_lost(rc, sql);
	(void) remote_exec(rc, "RELEASE SAVEPOINT partman_row");
	return values;
}

/*
 * partman_remote_copy_in
 *		Run copy_sql (COPY ... FROM STDIN) on server as owner and send it
 *		data (len bytes, in COPY's text format).
 */
void
partman_remote_copy_in(const char *server, Oid owner, const char *copy_sql,
					   const char *data, size_t len)
{
	RemoteConnection *rc = remote_connection_by_name(server, owner);
	PGresult   *res;
	bool		failed = false;

	remote_send(rc, copy_sql);
	res = remote_result(rc);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN)
	{
		/* drain, then raise the server's error by running it the plain way */
		if (res)
			PQclear(res);
		while ((res = remote_result(rc)) != NULL)
			PQclear(res);
		if (PQstatus(rc->conn) != CONNECTION_OK)
			connection_lost(rc, copy_sql);
		(void) remote_exec(rc, copy_sql);
		elog(ERROR, "server \"%s\" did not accept COPY: %s", server, copy_sql);
	}
	PQclear(res);
	for (size_t off = 0; off < len;)
	{
		int			chunk = (int) Min(len - off, (size_t) 1024 * 1024);

		CHECK_FOR_INTERRUPTS();
		if (PQputCopyData(rc->conn, data + off, chunk) != 1)
			connection_lost(rc, copy_sql);
		off += chunk;
	}
	if (PQputCopyEnd(rc->conn, NULL) != 1)
		connection_lost(rc, copy_sql);
	while ((res = remote_result(rc)) != NULL)
	{
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			failed = true;
		PQclear(res);
	}
	if (PQstatus(rc->conn) != CONNECTION_OK)
		connection_lost(rc, copy_sql);
	if (failed)
	{
		char	   *why = pchomp(PQerrorMessage(rc->conn));

		close_connection(rc);
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_EXCEPTION),
				 errmsg("server \"%s\" refused the rows sent with COPY", server),
				 errdetail_internal("%s", why),
				 errcontext("statement on server \"%s\": %s", server, copy_sql)));
	}
}

/*
 * partman_remote_send
 *		Send a query to server as owner without waiting for it, so that local
 *		work runs meanwhile; partman_remote_receive_row collects its first
 *		row.  Nothing else may run on that connection in between.
 */
void
partman_remote_send(const char *server, Oid owner, const char *sql)
{
	RemoteConnection *rc = remote_connection_by_name(server, owner);

	remote_send(rc, sql);
}

char	  **
partman_remote_receive_row(const char *server, Oid owner, const char *sql, int ncolumns)
{
	RemoteConnection *rc = remote_connection_by_name(server, owner);
	PGresult   *res;
	char	  **values = NULL;
	char	   *failure = NULL;
	int			code = ERRCODE_CONNECTION_EXCEPTION;

	while ((res = remote_result(rc)) != NULL)
	{
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
		{
			if (values == NULL && PQntuples(res) > 0 && PQnfields(res) == ncolumns)
			{
				values = palloc0(sizeof(char *) * ncolumns);
				for (int i = 0; i < ncolumns; i++)
					values[i] = PQgetisnull(res, 0, i) ? NULL : pstrdup(PQgetvalue(res, 0, i));
			}
		}
		else if (failure == NULL)
			failure = result_failure(res, &code);
		PQclear(res);
	}
	if (PQstatus(rc->conn) != CONNECTION_OK)
		connection_lost(rc, sql);
	if (failure != NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg("server \"%s\": %s", server, failure),
				 errcontext("statement on server \"%s\": %s", server, sql)));
	return values;
}
