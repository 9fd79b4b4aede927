using Microsoft.Data.Sqlite;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>
/// The request objects already fed to the local projection, by key, in a small SQLite file beside it: the import at
/// startup and the refresh skip them. It lives and dies with the projection's folder, so a lost disk imports all again.
/// </summary>
internal sealed class ImportLedger : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _contains;
    private readonly SqliteCommand _record;
    private readonly Lock _lock = new();

    public ImportLedger(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using (var setup = _connection.CreateCommand())
        {
            // NORMAL is enough: a lost entry only means the object is fed again, which the projection absorbs.
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS imported(key TEXT PRIMARY KEY, requests INTEGER NOT NULL, imported_ms INTEGER NOT NULL) WITHOUT ROWID;
                """;
            setup.ExecuteNonQuery();
        }
        _contains = _connection.CreateCommand();
        _contains.CommandText = "SELECT 1 FROM imported WHERE key = $k";
        _contains.Parameters.Add("$k", SqliteType.Text);
        _record = _connection.CreateCommand();
        _record.CommandText = "INSERT OR IGNORE INTO imported(key, requests, imported_ms) VALUES ($k, $n, $t)";
        _record.Parameters.Add("$k", SqliteType.Text);
        _record.Parameters.Add("$n", SqliteType.Integer);
        _record.Parameters.Add("$t", SqliteType.Integer);
    }

    public bool Contains(string key)
    {
        lock (_lock)
        {
            _contains.Parameters[0].Value = key;
            return _contains.ExecuteScalar() is not null;
        }
    }

    /// <summary>Records an object as fed (<paramref name="requests"/> = -1: unreadable, skipped for good).</summary>
    public void Record(string key, int requests)
    {
        lock (_lock)
        {
            _record.Parameters[0].Value = key;
            _record.Parameters[1].Value = requests;
            _record.Parameters[2].Value = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _record.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _contains.Dispose();
            _record.Dispose();
            _connection.Dispose();
        }
    }
}
