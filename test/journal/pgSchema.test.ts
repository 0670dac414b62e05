import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/journal/openPostgres.js";
import { MIGRATIONS } from "../../src/journal/schema.js";
import type { PgClient } from "../../src/journal/sql/pgClient.js";
import { freshPostgresJournal, noPostgres } from "../support/postgres.js";

/** One engine's schema, in the words both can be compared in. */
interface Shape {
  /** table → "name type [not null] [default x] [pk]" in column order. */
  columns: Record<string, string[]>;
  /** "table(columns) [where]" of every index created by name, by its name. */
  indexes: Record<string, string>;
  /** "table(columns)" of each UNIQUE constraint, and each foreign key with its target. */
  constraints: string[];
  /** "table.column: allowed values" of each CHECK (column IN (...)). */
  checks: string[];
}

function sqliteShape(): Shape {
  const db = new Database(":memory:");
  for (const migration of MIGRATIONS) db.exec(migration);
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all() as { name: string; sql: string }[];
  const shape: Shape = { columns: {}, indexes: {}, constraints: [], checks: [] };
  for (const { name: table, sql } of tables) {
    const info = db.pragma(`table_info(${table})`) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    shape.columns[table] = info.map((c) =>
      column(c.name, c.type.toLowerCase(), c.notnull === 1 || c.pk > 0, c.dflt_value, c.pk > 0),
    );
    const indexes = db.pragma(`index_list(${table})`) as {
      name: string;
      origin: string;
      partial: number;
    }[];
    for (const index of indexes) {
      const columns = (db.pragma(`index_info(${index.name})`) as { name: string }[])
        .map((c) => c.name)
        .join(", ");
      if (index.origin === "c") {
        const where = (
          db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(index.name) as {
            sql: string;
          }
        ).sql.split(/ WHERE /i)[1];
        shape.indexes[index.name] = `${table}(${columns})${where ? ` WHERE ${where}` : ""}`;
      }
      if (index.origin === "u") shape.constraints.push(`unique ${table}(${columns})`);
    }
    const keys = db.pragma(`foreign_key_list(${table})`) as {
      id: number;
      table: string;
      from: string;
      to: string;
      on_delete: string;
    }[];
    for (const id of new Set(keys.map((k) => k.id))) {
      const parts = keys.filter((k) => k.id === id);
      shape.constraints.push(
        `fk ${table}(${parts.map((k) => k.from).join(", ")}) -> ${parts[0]!.table}(${parts.map((k) => k.to).join(", ")}) on delete ${parts[0]!.on_delete.toLowerCase()}`,
      );
    }
    for (const [, col, list] of sql.matchAll(
      /(\w+)\s+TEXT NOT NULL CHECK \(\w+ IN \(([^)]*)\)\)/g,
    )) {
      shape.checks.push(`${table}.${col}: ${quoted(list!)}`);
    }
  }
  db.close();
  shape.constraints.sort();
  shape.checks.sort();
  return shape;
}

async function postgresShape(sql: PgClient): Promise<Shape> {
  const shape: Shape = { columns: {}, indexes: {}, constraints: [], checks: [] };
  const columns = await sql.all<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
    column_default: string | null;
    pk: number;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default,
            CASE WHEN EXISTS (
              SELECT 1 FROM information_schema.key_column_usage k
              JOIN information_schema.table_constraints t USING (constraint_name, table_name)
              WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name
                AND k.column_name = c.column_name) THEN 1 ELSE 0 END AS pk
     FROM information_schema.columns c
     WHERE c.table_schema = 'public' AND c.table_name <> 'journal_schema'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  for (const c of columns) {
    // SQLite spells integer and bigint alike, and real for double precision.
    const type =
      c.data_type === "bigint"
        ? "integer"
        : c.data_type === "double precision"
          ? "real"
          : c.data_type;
    const dflt = c.column_default?.replace(/::text$/, "") ?? null;
    const table = shape.columns[c.table_name] ?? [];
    shape.columns[c.table_name] = table;
    table.push(column(c.column_name, type, c.is_nullable === "NO", dflt, c.pk === 1));
  }
  const indexes = await sql.all<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE schemaname = 'public' AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
  );
  for (const { name, definition } of indexes) {
    const [, table, cols, where] =
      /ON public\.(\w+) USING btree \(([^)]*)\)(?: WHERE \((.*)\))?$/.exec(definition)!;
    shape.indexes[name] =
      `${table}(${cols})${where ? ` WHERE ${where.replace(/::text/g, "")}` : ""}`;
  }
  const constraints = await sql.all<{ kind: string; table_name: string; definition: string }>(
    `SELECT contype AS kind, conrelid::regclass::text AS table_name,
            pg_get_constraintdef(oid) AS definition
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('u', 'f', 'c')`,
  );
  for (const { kind, table_name: table, definition } of constraints) {
    if (kind === "u") shape.constraints.push(`unique ${table}${/\(.*\)/.exec(definition)![0]}`);
    if (kind === "f") {
      const [, from, target, to, action] =
        /FOREIGN KEY \(([^)]*)\) REFERENCES (\w+)\(([^)]*)\) ON DELETE (\w+)/.exec(definition)!;
      shape.constraints.push(
        `fk ${table}(${from}) -> ${target}(${to}) on delete ${action!.toLowerCase()}`,
      );
    }
    if (kind === "c") {
      const col = /\(\((\w+) = ANY/.exec(definition)![1];
      shape.checks.push(`${table}.${col}: ${quoted(definition)}`);
    }
  }
  shape.constraints.sort();
  shape.checks.sort();
  return shape;
}

function column(name: string, type: string, notNull: boolean, dflt: string | null, pk: boolean) {
  return [name, type, notNull && "not null", dflt !== null && `default ${dflt}`, pk && "pk"]
    .filter(Boolean)
    .join(" ");
}

const quoted = (text: string) => [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]).join(" ");

describe.skipIf(noPostgres())("the PostgreSQL journal's schema", () => {
  let sql: PgClient;
  beforeAll(async () => {
    sql = await openPostgres(await freshPostgresJournal());
  });
  afterAll(() => sql?.close());

  it("is the final state of the SQLite migrations, table by table and index by index", async () => {
    const pg = await postgresShape(sql);
    const lite = sqliteShape();
    expect(pg.columns).toEqual(lite.columns);
    expect(pg.indexes).toEqual(lite.indexes);
    expect(pg.constraints).toEqual(lite.constraints);
    expect(pg.checks).toEqual(lite.checks);
  });

  it("keeps ids and times in ms as bigint, and numbers runs and attempts itself", async () => {
    const narrow = await sql.all<{ name: string }>(
      `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'integer'
         AND (column_name LIKE '%\\_at' OR column_name IN ('id', 'run_id', 'lease_ms'))`,
    );
    expect(narrow).toEqual([]);
    const identity = await sql.all(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND identity_generation = 'BY DEFAULT' ORDER BY 1`,
    );
    expect(identity).toEqual([
      { table_name: "attempts", column_name: "id" },
      { table_name: "runs", column_name: "id" },
    ]);
  });
});
