using System.Globalization;
using System.Text;

namespace AnimeProgress.Core.Persistence.Migrations;

/// <summary>A column as a migration wants it: PostgreSQL type, NOT NULL, and the default existing rows get.</summary>
/// <param name="Type">The full type as <c>information_schema</c> spells it, e.g. <c>character varying(32)</c>.</param>
/// <param name="Default">A SQL expression (<c>0</c>, <c>now()</c>, <c>'image'</c>); required for NOT NULL columns a table may lack.</param>
internal sealed record PgColumn(string Name, string Type, bool NotNull = false, string? Default = null)
{
    public string Definition => $"{PostgresDdl.Ident(Name)} {Type}{(Default is null ? "" : " DEFAULT " + Default)}{(NotNull ? " NOT NULL" : "")}";
}

/// <summary>
/// Idempotent, upgrade-safe DDL for the PostgreSQL migrations. Every statement can run against an empty
/// schema, a table another program created (the studio's seed <c>production_jobs</c>), or a database a
/// previous version prepared, and never drops data: tables and columns are only ever added, and an
/// existing column is changed only to widen it, to give it the default and NOT NULL the app relies on.
/// Identifiers are quoted; the schema comes from configuration (validated as a plain identifier).
/// </summary>
internal static class PostgresDdl
{
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Table(string schema, string table) => $"{Ident(schema)}.{Ident(table)}";

    public static string CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS {Ident(schema)};";

    /// <summary><c>CREATE TABLE IF NOT EXISTS</c> with every column, then <c>ADD COLUMN IF NOT EXISTS</c> for each (an older table gains what it lacks).</summary>
    public static string CreateOrExtendTable(string schema, string table, IReadOnlyList<PgColumn> columns, string primaryKey)
    {
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE IF NOT EXISTS {Table(schema, table)} (\n");
        foreach (var column in columns)
        {
            sql.Append(CultureInfo.InvariantCulture, $"    {column.Definition},\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"    CONSTRAINT {Ident("PK_" + table)} PRIMARY KEY ({Ident(primaryKey)})\n);\n");
        foreach (var column in columns)
        {
            sql.Append(CultureInfo.InvariantCulture, $"ALTER TABLE {Table(schema, table)} ADD COLUMN IF NOT EXISTS {column.Definition};\n");
        }

        return sql.ToString();
    }

    /// <summary>
    /// Brings columns that already existed in line with the mapping: widens compatible types (integer →
    /// bigint/double precision, numeric/real → double precision, timestamp → timestamptz in the session's
    /// time zone, shorter varchar → longer, varchar → text), sets the default where there is none, fills NULLs
    /// with it and sets NOT NULL. A type the app cannot read stops the migration with a message naming the
    /// column (the transaction rolls back; nothing is changed).
    /// </summary>
    public static string FitColumns(string schema, string table, IEnumerable<PgColumn> columns)
    {
        var values = string.Join(",\n      ", columns.Select(c =>
        {
            var (dataType, length) = SplitType(c.Type);
            return $"({Literal(c.Name)}, {Literal(dataType)}, {(length is null ? "NULL::int" : length.Value.ToString(CultureInfo.InvariantCulture))}, {(c.NotNull ? "true" : "false")}, {(c.Default is null ? "NULL::text" : Literal(c.Default))})";
        }));
        return $$"""
            DO $ap$
            DECLARE
              spec record;
              cur record;
              target text;
            BEGIN
              FOR spec IN SELECT * FROM (VALUES
                  {{values}}
                ) AS v(name, data_type, max_length, not_null, default_sql)
              LOOP
                SELECT c.data_type, c.character_maximum_length, c.is_nullable, c.column_default INTO cur
                  FROM information_schema.columns c
                  WHERE c.table_schema = {{Literal(schema)}} AND c.table_name = {{Literal(table)}} AND c.column_name = spec.name;
                target := CASE WHEN spec.max_length IS NULL THEN spec.data_type ELSE format('%s(%s)', spec.data_type, spec.max_length) END;
                IF cur.data_type = spec.data_type THEN
                  IF spec.max_length IS NOT NULL AND cur.character_maximum_length < spec.max_length THEN
                    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s', {{Literal(schema)}}, {{Literal(table)}}, spec.name, target);
                  END IF;
                ELSIF (spec.data_type = 'bigint' AND cur.data_type IN ('smallint', 'integer'))
                   OR (spec.data_type = 'integer' AND cur.data_type = 'smallint')
                   OR (spec.data_type = 'double precision' AND cur.data_type IN ('smallint', 'integer', 'bigint', 'real', 'numeric'))
                   OR (spec.data_type = 'timestamp with time zone' AND cur.data_type = 'timestamp without time zone')
                   OR (spec.data_type = 'text' AND cur.data_type = 'character varying') THEN
                  EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s', {{Literal(schema)}}, {{Literal(table)}}, spec.name, target);
                ELSIF spec.data_type = 'character varying' AND cur.data_type = 'text' THEN
                  NULL; -- unbounded already
                ELSE
                  RAISE EXCEPTION 'AnimeProgress cannot use %.%.%: its type is %, the app needs %', {{Literal(schema)}}, {{Literal(table)}}, spec.name, cur.data_type, target
                    USING HINT = 'Change the column type by hand (or rename the column), then run the migration again.';
                END IF;
                IF spec.default_sql IS NOT NULL AND cur.column_default IS NULL THEN
                  EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT %s', {{Literal(schema)}}, {{Literal(table)}}, spec.name, spec.default_sql);
                END IF;
                IF spec.not_null AND cur.is_nullable = 'YES' THEN
                  IF spec.default_sql IS NOT NULL THEN
                    EXECUTE format('UPDATE %I.%I SET %I = %s WHERE %I IS NULL', {{Literal(schema)}}, {{Literal(table)}}, spec.name, spec.default_sql, spec.name);
                  END IF;
                  EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I SET NOT NULL', {{Literal(schema)}}, {{Literal(table)}}, spec.name);
                END IF;
              END LOOP;
            END
            $ap$;
            """;
    }

    /// <summary>
    /// Makes <c>id</c> a <c>bigint</c> primary key whose default comes from a sequence owned by the column, so
    /// other programs can insert without an id and <c>nextval(pg_get_serial_sequence('schema.table', 'id'))</c>
    /// hands out ids that never collide: a SERIAL's sequence is kept (widened to bigint), a nextval default
    /// on a free-standing sequence gets that sequence attached, a bare column becomes an identity column
    /// starting after max(id); in every case the sequence is moved past max(id).
    /// </summary>
    public static string FitSequenceId(string schema, string table)
    {
        var qualified = Literal(Table(schema, table));
        return $$"""
            DO $ap$
            DECLARE
              id_type text;
              id_default text;
              seq text;
              highest bigint;
              handed_out bigint;
            BEGIN
              SELECT c.data_type, c.column_default INTO id_type, id_default
                FROM information_schema.columns c
                WHERE c.table_schema = {{Literal(schema)}} AND c.table_name = {{Literal(table)}} AND c.column_name = 'id';
              IF id_type IN ('smallint', 'integer') THEN
                EXECUTE format('ALTER TABLE %s ALTER COLUMN id TYPE bigint', {{qualified}});
              ELSIF id_type <> 'bigint' THEN
                RAISE EXCEPTION 'AnimeProgress cannot use %.id: its type is %, the app needs bigint', {{qualified}}, id_type;
              END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {{qualified}}::regclass AND contype = 'p') THEN
                EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I PRIMARY KEY (id)', {{qualified}}, {{Literal("PK_" + table)}});
              END IF;
              seq := pg_get_serial_sequence({{qualified}}, 'id');
              IF seq IS NULL AND id_default IS NOT NULL THEN
                seq := substring(id_default FROM '^nextval\(''(.+)''::regclass\)$');
                IF seq IS NULL THEN
                  RAISE EXCEPTION 'AnimeProgress cannot use %.id: its default % is not a sequence', {{qualified}}, id_default
                    USING HINT = 'Drop that default by hand; the migration then gives the column its own sequence.';
                END IF;
                EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.id', seq, {{qualified}});
                seq := pg_get_serial_sequence({{qualified}}, 'id');
              END IF;
              EXECUTE format('SELECT max(id) FROM %s', {{qualified}}) INTO highest;
              IF seq IS NULL THEN
                EXECUTE format('ALTER TABLE %s ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (START WITH %s)', {{qualified}}, COALESCE(highest, 0) + 1);
                seq := pg_get_serial_sequence({{qualified}}, 'id');
              ELSE
                IF (SELECT s.seqtypid <> 'bigint'::regtype FROM pg_sequence s WHERE s.seqrelid = seq::regclass) THEN
                  EXECUTE format('ALTER SEQUENCE %s AS bigint', seq);
                END IF;
                EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %s', seq) INTO handed_out;
                IF highest > handed_out THEN
                  PERFORM setval(seq, highest, true);
                END IF;
              END IF;
            END
            $ap$;
            """;
    }

    public static string CreateIndex(string schema, string table, string name, params string[] columns) =>
        $"CREATE INDEX IF NOT EXISTS {Ident(name)} ON {Table(schema, table)} ({string.Join(", ", columns.Select(Ident))});";

    /// <summary>
    /// An <c>AFTER INSERT OR UPDATE</c> row trigger that <c>pg_notify</c>s <paramref name="channel"/> with a small JSON
    /// payload (<c>schema</c>, <c>table</c> and <paramref name="fields"/>: name → SQL expression over NEW); listeners read the row.
    /// </summary>
    public static string NotifyTrigger(string schema, string table, string channel, IReadOnlyList<(string Name, string Expression)> fields)
    {
        var function = $"{Ident(schema)}.{Ident(table + "_notify")}";
        var payload = string.Join(",\n                ", fields.Select(f => $"{Literal(f.Name)}, {f.Expression}"));
        return $$"""
            CREATE OR REPLACE FUNCTION {{function}}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              PERFORM pg_notify({{Literal(channel)}}, json_build_object(
                'schema', TG_TABLE_SCHEMA,
                'table', TG_TABLE_NAME,
                {{payload}})::text);
              RETURN NEW;
            END
            $fn$;
            DROP TRIGGER IF EXISTS {{Ident(table + "_notify")}} ON {{Table(schema, table)}};
            CREATE TRIGGER {{Ident(table + "_notify")}} AFTER INSERT OR UPDATE ON {{Table(schema, table)}}
              FOR EACH ROW EXECUTE FUNCTION {{function}}();
            """;
    }

    public static string DropNotifyTrigger(string schema, string table) => $"""
        DROP TRIGGER IF EXISTS {Ident(table + "_notify")} ON {Table(schema, table)};
        DROP FUNCTION IF EXISTS {Ident(schema)}.{Ident(table + "_notify")}();
        """;

    private static (string DataType, int? Length) SplitType(string type)
    {
        var open = type.IndexOf('(', StringComparison.Ordinal);
        return open < 0
            ? (type, null)
            : (type[..open], int.Parse(type[(open + 1)..type.IndexOf(')', StringComparison.Ordinal)], CultureInfo.InvariantCulture));
    }
}
