import type Database from "better-sqlite3";
import type { Db } from "./openDatabase.js";

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement reused per connection, for journal modules outside the Journal class
 * (suppressions, retry, delivery, report) whose statements run once per row.
 */
export function cachedStatement(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
