using Microsoft.Data.Sqlite;

namespace DestinationKit.Ingestion.Batch;

public enum FileOutcome { Ingested, Failed }

/// <summary>What the ledger remembers of a file: the version it saw and how that ended.</summary>
public sealed record LedgerEntry(string Location, string Path, long Size, string Version, FileOutcome Outcome, long Rows, long Quarantined, string? Error, DateTimeOffset FinishedAt);

/// <summary>A row that was not ingested: where it is, why, and its text (truncated).</summary>
public sealed record QuarantinedRow(string Path, long Row, long Line, string Reason, string? Raw);

/// <summary>
/// The batch reader's memory, in its own SQLite file (<c>batch.db</c> in the store's data folder): every file
/// processed, keyed by location and path, with the size and version (ETag, generation, or size + mtime) that was read,
/// so a file already ingested is skipped and an overwritten one is read again; and the quarantined rows.
/// </summary>
public sealed class BatchLedger
{
    private readonly string _cs;

    public BatchLedger(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        _cs = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var conn = Open();
        Exec(conn, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS batch_file(
              location TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, version TEXT NOT NULL, outcome TEXT NOT NULL,
              tenant TEXT NOT NULL, audience TEXT, export_time_ms INTEGER, rows INTEGER NOT NULL, quarantined INTEGER NOT NULL,
              error TEXT, started_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL,
              PRIMARY KEY (location, path)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS batch_quarantine(
              location TEXT NOT NULL, path TEXT NOT NULL, version TEXT NOT NULL, row INTEGER NOT NULL, line INTEGER NOT NULL,
              reason TEXT NOT NULL, raw TEXT, at_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS batch_quarantine_file ON batch_quarantine(location, path, row);
            """);
    }

    /// <summary>The ledger of a store's data folder.</summary>
    public static BatchLedger InDataDirectory(string dataDirectory) => new(System.IO.Path.Combine(dataDirectory, "batch.db"));

    private SqliteConnection Open()
    {
        var conn = new SqliteConnection(_cs);
        conn.Open();
        Exec(conn, "PRAGMA synchronous=FULL;");
        return conn;
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every file remembered for a location.</summary>
    public Dictionary<string, LedgerEntry> Load(string location)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT path, size, version, outcome, rows, quarantined, error, finished_ms FROM batch_file WHERE location = $l";
        cmd.Parameters.AddWithValue("$l", location);
        var result = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result[r.GetString(0)] = new LedgerEntry(location, r.GetString(0), r.GetInt64(1), r.GetString(2),
                Enum.Parse<FileOutcome>(r.GetString(3)), r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
        }
        return result;
    }

    /// <summary>Forgets the quarantined rows of an earlier version of the file (it is being read again).</summary>
    public void BeginFile(string location, string path)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "DELETE FROM batch_quarantine WHERE location = $l AND path = $p";
        cmd.Parameters.AddWithValue("$l", location);
        cmd.Parameters.AddWithValue("$p", path);
        cmd.ExecuteNonQuery();
    }

    public void AddQuarantined(string location, string version, IReadOnlyCollection<QuarantinedRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        using var conn = Open();
        using var tx = conn.BeginTransaction();
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO batch_quarantine(location, path, version, row, line, reason, raw, at_ms) VALUES ($l, $p, $v, $r, $n, $why, $raw, $at)";
        var p = new (string Name, SqliteType Type)[]
        {
            ("$l", SqliteType.Text), ("$p", SqliteType.Text), ("$v", SqliteType.Text), ("$r", SqliteType.Integer),
            ("$n", SqliteType.Integer), ("$why", SqliteType.Text), ("$raw", SqliteType.Text), ("$at", SqliteType.Integer),
        }.Select(x => cmd.Parameters.Add(x.Name, x.Type)).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var q in rows)
        {
            p[0].Value = location;
            p[1].Value = q.Path;
            p[2].Value = version;
            p[3].Value = q.Row;
            p[4].Value = q.Line;
            p[5].Value = q.Reason;
            p[6].Value = (object?)q.Raw ?? DBNull.Value;
            p[7].Value = now;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public void Finish(string location, Stores.LandingFile file, string tenant, string? audience, DateTimeOffset? exportTime,
        FileOutcome outcome, long rows, long quarantined, string? error, DateTimeOffset startedAt)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT INTO batch_file(location, path, size, version, outcome, tenant, audience, export_time_ms, rows, quarantined, error, started_ms, finished_ms)
            VALUES ($l, $p, $s, $v, $o, $t, $a, $e, $r, $q, $err, $st, $fin)
            ON CONFLICT (location, path) DO UPDATE SET size = excluded.size, version = excluded.version, outcome = excluded.outcome,
              tenant = excluded.tenant, audience = excluded.audience, export_time_ms = excluded.export_time_ms, rows = excluded.rows,
              quarantined = excluded.quarantined, error = excluded.error, started_ms = excluded.started_ms, finished_ms = excluded.finished_ms
            """;
        cmd.Parameters.AddWithValue("$l", location);
        cmd.Parameters.AddWithValue("$p", file.Path);
        cmd.Parameters.AddWithValue("$s", file.Size);
        cmd.Parameters.AddWithValue("$v", file.Version);
        cmd.Parameters.AddWithValue("$o", outcome.ToString());
        cmd.Parameters.AddWithValue("$t", tenant);
        cmd.Parameters.AddWithValue("$a", (object?)audience ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$e", (object?)exportTime?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$r", rows);
        cmd.Parameters.AddWithValue("$q", quarantined);
        cmd.Parameters.AddWithValue("$err", (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$st", startedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$fin", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
    }

    /// <summary>The quarantined rows of a location (optionally of one file), in file and row order.</summary>
    public IReadOnlyList<QuarantinedRow> Quarantined(string location, string? path = null, int limit = 1000)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT path, row, line, reason, raw FROM batch_quarantine WHERE location = $l AND ($p IS NULL OR path = $p) ORDER BY path, row LIMIT $n";
        cmd.Parameters.AddWithValue("$l", location);
        cmd.Parameters.AddWithValue("$p", (object?)path ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", limit);
        var list = new List<QuarantinedRow>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new QuarantinedRow(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }
        return list;
    }

    /// <summary>Every remembered file of every location (for <c>batch status</c>).</summary>
    public IReadOnlyList<LedgerEntry> All()
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT location, path, size, version, outcome, rows, quarantined, error, finished_ms FROM batch_file ORDER BY location, path";
        var list = new List<LedgerEntry>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new LedgerEntry(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), Enum.Parse<FileOutcome>(r.GetString(4)),
                r.GetInt64(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8))));
        }
        return list;
    }
}
