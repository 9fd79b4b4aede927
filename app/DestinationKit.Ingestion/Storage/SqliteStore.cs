using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using DestinationKit.Ingestion.Profiles;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace DestinationKit.Ingestion.Storage;

/// <summary>
/// The embedded default sink. Two SQLite files in WAL mode so that the acknowledgement path never waits for the
/// state builder's write lock:
/// <list type="bullet">
/// <item><c>log.db</c>: the append-only request log. One writer thread drains every request waiting at that moment
/// into one transaction (group commit, <c>synchronous=FULL</c>: one fsync for all of them), then completes them.</item>
/// <item><c>state.db</c>: memberships, attributes and audiences. One applier thread reads the log past its checkpoint
/// and applies a batch plus the new checkpoint in one transaction: exactly once, surviving restarts.</item>
/// </list>
/// </summary>
public sealed partial class SqliteStore : IIngestionStore, IHostedService, IDisposable
{
    private readonly IngestionOptions _options;
    private readonly ILogger<SqliteStore> _logger;
    private readonly string _logCs;
    private readonly string _stateCs;
    private readonly string _statePooledCs;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<(long EndSeq, long CommitMs)> _commits = new();
    private readonly AutoResetEvent _applySignal = new(false);
    private readonly ManualResetEventSlim _applierRunning = new(true);
    private Thread? _writer;
    private Thread? _applier;
    private volatile bool _stopping;
    private volatile bool _writerHealthy = true;
    private long _durableSeq;
    private long _appliedSeq;
    private long _nextSeq;
    private bool _started;

    public SqliteStore(IOptions<IngestionOptions> options, IHostEnvironment environment, ILogger<SqliteStore> logger)
    {
        _options = options.Value;
        _logger = logger;
        DataDirectory = ResolveDataDirectory(_options.DataDirectory, environment.ContentRootPath);
        _logCs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "log.db"), Pooling = false, DefaultTimeout = 30 }.ToString();
        _stateCs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "state.db"), Pooling = false, DefaultTimeout = 30 }.ToString();
        _statePooledCs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(DataDirectory, "state.db"), Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string DataDirectory { get; }

    public static string ResolveDataDirectory(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));

    public static string StateDatabasePath(string dataDirectory) => Path.Combine(dataDirectory, "state.db");

    // ---------------------------------------------------------------- lifecycle

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDirectory);
        using (var log = Open(_logCs))
        {
            Exec(log, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS log(
                  seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, received_ms INTEGER NOT NULL, body BLOB NOT NULL);
                """);
            _durableSeq = Scalar(log, "SELECT coalesce(max(seq), 0) FROM log");
        }
        using (var state = Open(_stateCs))
        {
            EnsureStateSchema(state);
            _appliedSeq = Scalar(state, "SELECT applied_seq FROM checkpoint WHERE id = 1");
        }
        _durableSeq = Math.Max(_durableSeq, _appliedSeq);
        _nextSeq = _durableSeq + 1;
        if (_durableSeq > _appliedSeq)
        {
            _commits.Enqueue((_durableSeq, NowMs()));
        }
        LogStarted(_logger, DataDirectory, _durableSeq, _appliedSeq);
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "log-writer" };
        _applier = new Thread(ApplierLoop) { IsBackground = true, Name = "state-applier" };
        _writer.Start();
        _applier.Start();
        _started = true;
        return Task.CompletedTask;
    }

    private readonly Lock _stopLock = new();

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            StopCore();
        }
        return Task.CompletedTask;
    }

    private void StopCore()
    {
        if (!_started)
        {
            return;
        }
        _stopping = true;
        _appends.Writer.TryComplete();
        _writer?.Join(TimeSpan.FromSeconds(30));
        _applierRunning.Set();
        _applySignal.Set();
        _applier?.Join(TimeSpan.FromSeconds(30));
        _started = false;
    }

    /// <summary>Stops the threads; the wait handles are left to the finalizer so a late Set never meets a disposed handle.</summary>
    public void Dispose() => StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Layout of the derived tables; a different number drops them and rebuilds them from the log.</summary>
    private const int StateLayoutVersion = 2;

    internal static void EnsureStateSchema(SqliteConnection state)
    {
        Exec(state, "PRAGMA journal_mode=WAL;");
        using (var cmd = state.CreateCommand())
        {
            cmd.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (version != StateLayoutVersion)
            {
                // Memberships and attributes are derived from the log: rebuild them rather than migrate.
                Exec(state, $"""
                    DROP TABLE IF EXISTS membership;
                    DROP TABLE IF EXISTS attribute;
                    DROP TABLE IF EXISTS audience_seen;
                    DROP TABLE IF EXISTS checkpoint;
                    PRAGMA user_version = {StateLayoutVersion};
                    """);
            }
        }
        Exec(state, """
            CREATE TABLE IF NOT EXISTS checkpoint(id INTEGER PRIMARY KEY CHECK (id = 1), applied_seq INTEGER NOT NULL);
            INSERT OR IGNORE INTO checkpoint(id, applied_seq) VALUES (1, 0);
            -- Keyed by audience first: the members of an audience are one range of this one B-tree, and a write touches
            -- only this B-tree. A profile's memberships are found through audience_seen (few audiences per tenant).
            CREATE TABLE IF NOT EXISTS membership(
              tenant TEXT NOT NULL, audience TEXT NOT NULL, ns TEXT NOT NULL, id TEXT NOT NULL, aud_ns TEXT NOT NULL,
              status INTEGER NOT NULL, qualified_ms INTEGER NOT NULL,
              PRIMARY KEY (tenant, audience, ns, id, aud_ns)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audience_seen(tenant TEXT NOT NULL, audience TEXT NOT NULL, PRIMARY KEY (tenant, audience)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS attribute(
              tenant TEXT NOT NULL, ns TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, ts_ms INTEGER NOT NULL,
              PRIMARY KEY (tenant, ns, id, name)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS audience(
              tenant TEXT NOT NULL, external_id TEXT NOT NULL, aep_id TEXT NOT NULL, name TEXT, description TEXT, source TEXT,
              created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (tenant, external_id)) WITHOUT ROWID;
            CREATE UNIQUE INDEX IF NOT EXISTS audience_by_aep ON audience(tenant, aep_id);
            """);
    }

    // ---------------------------------------------------------------- acknowledgement path

    private sealed class PendingAppend(string tenant, byte[] body, long receivedAtMs)
    {
        public string Tenant { get; } = tenant;
        public byte[] Body { get; } = body;
        public long ReceivedAtMs { get; } = receivedAtMs;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken)
    {
        if (_stopping || !_started)
        {
            throw new StoreUnavailableException("The store is not running.");
        }
        if (Volatile.Read(ref _durableSeq) - Volatile.Read(ref _appliedSeq) > _options.MaxPendingRequests)
        {
            throw new StoreOverloadedException("The queryable state is too far behind the log.");
        }
        var pending = new PendingAppend(tenant, body, receivedAtMs);
        if (!_appends.Writer.TryWrite(pending))
        {
            throw new StoreUnavailableException("The store is shutting down.");
        }
        // Not cancelled with the request: once queued, the record may become durable, so its outcome stands.
        return new ValueTask<long>(pending.Completion.Task);
    }

    private void WriterLoop()
    {
        var batch = new List<PendingAppend>(_options.GroupCommitMaxRequests);
        var reader = _appends.Reader;
        SqliteConnection? conn = null;
        SqliteCommand? insert = null;
        var lastPrune = NowMs();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < _options.GroupCommitMaxRequests && reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                if (conn is null)
                {
                    conn = Open(_logCs);
                    // The state builder copies WAL pages back (a PASSIVE checkpoint each second, off this thread); the
                    // writer's own automatic checkpoint then finds little left to copy and lets the WAL restart, so
                    // the WAL stays near 16 MB instead of growing with the log.
                    Exec(conn, "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=4096; PRAGMA journal_size_limit=67108864;");
                    insert = conn.CreateCommand();
                    insert.CommandText = "INSERT INTO log(seq, tenant, received_ms, body) VALUES ($s, $t, $r, $b)";
                    insert.Parameters.Add("$s", SqliteType.Integer);
                    insert.Parameters.Add("$t", SqliteType.Text);
                    insert.Parameters.Add("$r", SqliteType.Integer);
                    insert.Parameters.Add("$b", SqliteType.Blob);
                    insert.Prepare();
                }
                var first = _nextSeq;
                using (var tx = conn.BeginTransaction())
                {
                    insert!.Transaction = tx;
                    var seq = first;
                    foreach (var p in batch)
                    {
                        insert.Parameters[0].Value = seq++;
                        insert.Parameters[1].Value = p.Tenant;
                        insert.Parameters[2].Value = p.ReceivedAtMs;
                        insert.Parameters[3].Value = p.Body;
                        insert.ExecuteNonQuery();
                    }
                    tx.Commit();
                }
                _nextSeq = first + batch.Count;
                var last = _nextSeq - 1;
                _commits.Enqueue((last, NowMs()));
                Volatile.Write(ref _durableSeq, last);
                _writerHealthy = true;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(first + i);
                }
                _applySignal.Set();
                if (NowMs() - lastPrune > 10_000)
                {
                    lastPrune = NowMs();
                    Prune(conn);
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
            {
                _writerHealthy = false;
                LogAppendFailed(_logger, ex, batch.Count);
                var failure = new StoreUnavailableException("The request could not be made durable.", ex);
                foreach (var p in batch)
                {
                    p.Completion.TrySetException(failure);
                }
                insert?.Dispose();
                conn?.Dispose();
                insert = null;
                conn = null;
            }
        }
        insert?.Dispose();
        conn?.Dispose();
    }

    private void Prune(SqliteConnection conn)
    {
        if (_options.LogRetentionHours <= 0)
        {
            return;
        }
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "DELETE FROM log WHERE seq IN (SELECT seq FROM log WHERE seq <= $a AND received_ms < $c ORDER BY seq LIMIT 2000)";
        cmd.Parameters.AddWithValue("$a", Volatile.Read(ref _appliedSeq));
        cmd.Parameters.AddWithValue("$c", NowMs() - (long)(_options.LogRetentionHours * 3_600_000));
        cmd.ExecuteNonQuery();
    }

    // ---------------------------------------------------------------- state builder

    /// <summary>Pauses the state builder (tests use it to hold the lag).</summary>
    internal void PauseApplier() => _applierRunning.Reset();

    internal void ResumeApplier() => _applierRunning.Set();

    /// <summary>Completes when the queryable state has applied <paramref name="sequence"/>.</summary>
    internal async Task WaitForAppliedAsync(long sequence, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref _appliedSeq) < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"State applied {Volatile.Read(ref _appliedSeq)}, waiting for {sequence}.");
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    private void ApplierLoop()
    {
        if (_options.ApplierNice != 0 && OperatingSystem.IsLinux())
        {
            // Linux nice values are per thread: the state builder yields the CPU to the acknowledgement path.
            _ = NativeMethods.setpriority(0, 0, _options.ApplierNice);
        }
        try
        {
            ApplierLoopCore();
        }
        finally
        {
            DisposeApplierConnections();
        }
    }

    private void ApplierLoopCore()
    {
        var errorDelayMs = 100;
        while (true)
        {
            _applierRunning.Wait();
            if (_stopping && Volatile.Read(ref _appliedSeq) >= Volatile.Read(ref _durableSeq))
            {
                return;
            }
            try
            {
                var applied = ApplyOnce();
                errorDelayMs = 100;
                if (applied == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }
                    _applySignal.WaitOne(200);
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or InvalidOperationException)
            {
                LogApplyFailed(_logger, ex);
                DisposeApplierConnections();
                if (_stopping)
                {
                    return;
                }
                Thread.Sleep(errorDelayMs);
                errorDelayMs = Math.Min(errorDelayMs * 2, 5000);
            }
        }
    }

    private SqliteConnection? _applyLogConn;
    private SqliteConnection? _applyStateConn;
    private SqliteCommand? _readLog;
    private sqlite3_stmt? _rawMembership;
    private sqlite3_stmt? _rawAttribute;
    private sqlite3_stmt? _rawAudienceSeen;
    private SqliteCommand? _setCheckpoint;
    private long _lastWalCheckpoint;

    private int ApplyOnce()
    {
        EnsureApplierConnections();
        var records = new List<(long Seq, string Tenant, long ReceivedMs, byte[] Body)>();
        _readLog!.Parameters[0].Value = Volatile.Read(ref _appliedSeq);
        _readLog.Parameters[1].Value = _options.ApplyBatchMaxRequests;
        using (var r = _readLog.ExecuteReader())
        {
            long bytes = 0;
            while (bytes < ApplyBatchMaxBytes && r.Read())
            {
                var body = r.GetFieldValue<byte[]>(3);
                bytes += body.Length;
                records.Add((r.GetInt64(0), r.GetString(1), r.GetInt64(2), body));
            }
        }
        if (records.Count == 0)
        {
            return 0;
        }
        var errors = new List<ValidationError>();
        var profiles = new List<ParsedProfile>();
        _membershipRows.Clear(); // after a failed attempt
        _attributeRows.Clear();
        using (var tx = _applyStateConn!.BeginTransaction())
        {
            _setCheckpoint!.Transaction = tx;
            foreach (var rec in records)
            {
                errors.Clear();
                profiles.Clear();
                ProfilesParser.Parse(rec.Body, int.MaxValue, errors, profiles);
                if (errors.Count > 0)
                {
                    LogSkippedRecord(_logger, rec.Seq, errors[0].Path, errors[0].Rule);
                    continue;
                }
                Collect(rec.Tenant, rec.ReceivedMs, profiles);
            }
            WriteCollected();
            _setCheckpoint.Parameters[0].Value = records[^1].Seq;
            _setCheckpoint.ExecuteNonQuery();
            tx.Commit();
        }
        var appliedTo = records[^1].Seq;
        Volatile.Write(ref _appliedSeq, appliedTo);
        while (_commits.TryPeek(out var c) && c.EndSeq <= appliedTo)
        {
            _commits.TryDequeue(out _);
        }
        if (NowMs() - _lastWalCheckpoint > 250)
        {
            _lastWalCheckpoint = NowMs();
            Exec(_applyLogConn!, "PRAGMA wal_checkpoint(PASSIVE);");
        }
        return records.Count;
    }

    private readonly Dictionary<string, byte[]> _utf8 = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<(string Tenant, string Audience)> _audiencesSeen = [];
    private byte[] _idBuffer = new byte[4096];

    /// <summary>
    /// UTF-8 of the strings that repeat (interned by the parser, so compared by reference). Only short strings are kept,
    /// as only those are interned: the cache held any attribute value, so 50,000 values of megabytes each stayed in
    /// memory (the hostile-input check saw the app grow past 2.6 GB).
    /// </summary>
    private ReadOnlySpan<byte> Utf8(string s)
    {
        if (s.Length > 256)
        {
            return Encoding.UTF8.GetBytes(s);
        }
        if (!_utf8.TryGetValue(s, out var bytes))
        {
            if (_utf8.Count > 50_000)
            {
                _utf8.Clear();
            }
            _utf8[s] = bytes = Encoding.UTF8.GetBytes(s);
        }
        return bytes;
    }

    private void BindId(sqlite3_stmt statement, int index, string id)
    {
        if (id.Length * 3 > _idBuffer.Length)
        {
            _idBuffer = new byte[id.Length * 3];
        }
        var n = Encoding.UTF8.GetBytes(id, _idBuffer);
        raw.sqlite3_bind_text(statement, index, _idBuffer.AsSpan(0, n));
    }

    private readonly record struct MembershipRow(string Tenant, string Audience, string Ns, string Id, string AudNs, long Status, long QualifiedMs);

    private readonly record struct AttributeRow(string Tenant, string Ns, string Id, string Name, string Value, long TsMs, int Order);

    private readonly List<MembershipRow> _membershipRows = [];
    private readonly List<AttributeRow> _attributeRows = [];

    /// <summary>
    /// Bounds of the state builder's memory, whatever the requests look like: a batch holds log records up to this
    /// many bytes (at least one record), and collected rows are written out whenever this many have piled up.
    /// </summary>
    private const long ApplyBatchMaxBytes = 16L * 1024 * 1024;
    private const int CollectMaxRows = 100_000;

    /// <summary>Turns a record's profiles into rows; they are written, sorted, once the batch is collected (or earlier, past <see cref="CollectMaxRows"/>).</summary>
    private void Collect(string tenant, long receivedMs, List<ParsedProfile> profiles)
    {
        foreach (var p in profiles)
        {
            long profileTs = long.MinValue;
            foreach (var ms in p.Memberships)
            {
                profileTs = Math.Max(profileTs, ms.QualifiedAtMs ?? receivedMs);
            }
            if (profileTs == long.MinValue)
            {
                profileTs = receivedMs;
            }
            foreach (var identity in p.Identities)
            {
                foreach (var ms in p.Memberships)
                {
                    _membershipRows.Add(new MembershipRow(tenant, ms.AudienceId, identity.Namespace, identity.Id, ms.AudienceNamespace,
                        (long)ms.Status, ms.QualifiedAtMs ?? receivedMs));
                }
                foreach (var attr in p.Attributes)
                {
                    _attributeRows.Add(new AttributeRow(tenant, identity.Namespace, identity.Id, attr.Name, attr.RawJson, profileTs, _attributeRows.Count));
                }
                if (_membershipRows.Count + _attributeRows.Count >= CollectMaxRows)
                {
                    WriteCollected(); // in log order, so a later flush still wins ties as the later record
                }
            }
        }
    }

    private static int CompareMembership(MembershipRow x, MembershipRow y)
    {
        var c = string.CompareOrdinal(x.Tenant, y.Tenant);
        if (c == 0) c = string.CompareOrdinal(x.Audience, y.Audience);
        if (c == 0) c = string.CompareOrdinal(x.Ns, y.Ns);
        if (c == 0) c = string.CompareOrdinal(x.Id, y.Id);
        if (c == 0) c = string.CompareOrdinal(x.AudNs, y.AudNs);
        return c;
    }

    private static int CompareAttribute(AttributeRow x, AttributeRow y)
    {
        var c = string.CompareOrdinal(x.Tenant, y.Tenant);
        if (c == 0) c = string.CompareOrdinal(x.Ns, y.Ns);
        if (c == 0) c = string.CompareOrdinal(x.Id, y.Id);
        if (c == 0) c = string.CompareOrdinal(x.Name, y.Name);
        if (c == 0) c = x.Order.CompareTo(y.Order); // equal keys keep log order: on equal times the later record wins
        return c;
    }

    /// <summary>
    /// Writes the batch in key order, so that consecutive upserts land on the same B-tree pages, and of several updates
    /// of one key writes only the one that wins (the newest; for memberships at equal times the larger status; for
    /// attributes at equal times the later record), which is what applying them one by one would leave.
    /// Straight on SQLite's C API, prepared once, bound by index with cached UTF-8.
    /// </summary>
    private void WriteCollected()
    {
        _membershipRows.Sort(CompareMembership);
        var m = _rawMembership!;
        for (var i = 0; i < _membershipRows.Count; i++)
        {
            var row = _membershipRows[i];
            while (i + 1 < _membershipRows.Count && CompareMembership(row, _membershipRows[i + 1]) == 0)
            {
                var next = _membershipRows[++i];
                if (next.QualifiedMs > row.QualifiedMs || (next.QualifiedMs == row.QualifiedMs && next.Status > row.Status))
                {
                    row = next;
                }
            }
            if (_audiencesSeen.Add((row.Tenant, row.Audience)))
            {
                raw.sqlite3_bind_text(_rawAudienceSeen!, 1, Utf8(row.Tenant));
                raw.sqlite3_bind_text(_rawAudienceSeen!, 2, Utf8(row.Audience));
                Step(_rawAudienceSeen!);
            }
            raw.sqlite3_bind_text(m, 1, Utf8(row.Tenant));
            raw.sqlite3_bind_text(m, 2, Utf8(row.Audience));
            raw.sqlite3_bind_text(m, 3, Utf8(row.Ns));
            BindId(m, 4, row.Id);
            raw.sqlite3_bind_text(m, 5, Utf8(row.AudNs));
            raw.sqlite3_bind_int64(m, 6, row.Status);
            raw.sqlite3_bind_int64(m, 7, row.QualifiedMs);
            Step(m);
        }
        _attributeRows.Sort(CompareAttribute);
        var a = _rawAttribute!;
        for (var i = 0; i < _attributeRows.Count; i++)
        {
            var row = _attributeRows[i];
            while (i + 1 < _attributeRows.Count && CompareAttribute(row, _attributeRows[i + 1] with { Order = row.Order }) == 0)
            {
                var next = _attributeRows[++i];
                if (next.TsMs >= row.TsMs)
                {
                    row = next;
                }
            }
            raw.sqlite3_bind_text(a, 1, Utf8(row.Tenant));
            raw.sqlite3_bind_text(a, 2, Utf8(row.Ns));
            BindId(a, 3, row.Id);
            raw.sqlite3_bind_text(a, 4, Utf8(row.Name));
            raw.sqlite3_bind_text(a, 5, Utf8(row.Value));
            raw.sqlite3_bind_int64(a, 6, row.TsMs);
            Step(a);
        }
        _membershipRows.Clear();
        _attributeRows.Clear();
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _applyStateConn!.Handle);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_applyStateConn!.Handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, _applyStateConn.Handle);
        return statement;
    }

    private void EnsureApplierConnections()
    {
        if (_applyStateConn is not null)
        {
            return;
        }
        try
        {
            _applyLogConn = Open(_logCs);
            _readLog = _applyLogConn.CreateCommand();
            _readLog.CommandText = "SELECT seq, tenant, received_ms, body FROM log WHERE seq > $after ORDER BY seq LIMIT $n";
            _readLog.Parameters.Add("$after", SqliteType.Integer);
            _readLog.Parameters.Add("$n", SqliteType.Integer);

            _applyStateConn = Open(_stateCs);
            // The state is rebuilt from the durable log after a crash (its checkpoint rolls back with it), so NORMAL is enough.
            Exec(_applyStateConn, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;");
            _rawMembership = Prepare("""
                INSERT INTO membership(tenant, audience, ns, id, aud_ns, status, qualified_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (tenant, audience, ns, id, aud_ns) DO UPDATE SET status = excluded.status, qualified_ms = excluded.qualified_ms
                WHERE excluded.qualified_ms > membership.qualified_ms
                   OR (excluded.qualified_ms = membership.qualified_ms AND excluded.status > membership.status)
                """);
            _rawAttribute = Prepare("""
                INSERT INTO attribute(tenant, ns, id, name, value, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (tenant, ns, id, name) DO UPDATE SET value = excluded.value, ts_ms = excluded.ts_ms
                WHERE excluded.ts_ms >= attribute.ts_ms
                """);
            _rawAudienceSeen = Prepare("INSERT OR IGNORE INTO audience_seen(tenant, audience) VALUES (?1, ?2)");
            _audiencesSeen.Clear(); // a failed transaction may have rolled back what the set remembers
            _setCheckpoint = Command(_applyStateConn, "UPDATE checkpoint SET applied_seq = $s WHERE id = 1", ("$s", SqliteType.Integer));
        }
        catch
        {
            DisposeApplierConnections();
            throw;
        }
    }

    private void DisposeApplierConnections()
    {
        _readLog?.Dispose();
        _rawMembership?.Dispose();
        _rawAttribute?.Dispose();
        _rawAudienceSeen?.Dispose();
        _setCheckpoint?.Dispose();
        _applyLogConn?.Dispose();
        _applyStateConn?.Dispose();
        _readLog = _setCheckpoint = null;
        _rawMembership = _rawAttribute = _rawAudienceSeen = null;
        _applyLogConn = _applyStateConn = null;
    }

    public Freshness GetFreshness()
    {
        var durable = Volatile.Read(ref _durableSeq);
        var applied = Volatile.Read(ref _appliedSeq);
        var lag = 0.0;
        if (durable > applied && _commits.TryPeek(out var oldest))
        {
            lag = Math.Max(0, NowMs() - oldest.CommitMs) / 1000.0;
        }
        return new Freshness(durable, applied, durable - applied, lag);
    }

    // ---------------------------------------------------------------- queries

    public async Task<ProfileView?> GetProfileAsync(string tenant, string identityNamespace, string identityId, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
        var audiences = new Dictionary<string, IReadOnlyDictionary<string, MembershipView>>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        long updated = long.MinValue;
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = """
                SELECT m.aud_ns, m.audience, m.status, m.qualified_ms FROM audience_seen s
                JOIN membership m ON m.tenant = s.tenant AND m.audience = s.audience AND m.ns = $ns AND m.id = $id
                WHERE s.tenant = $t ORDER BY m.aud_ns, m.audience
                """;
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$ns", identityNamespace);
            cmd.Parameters.AddWithValue("$id", identityId);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var ns = r.GetString(0);
                if (!audiences.TryGetValue(ns, out var inner))
                {
                    audiences[ns] = inner = new Dictionary<string, MembershipView>(StringComparer.Ordinal);
                }
                var q = r.GetInt64(3);
                updated = Math.Max(updated, q);
                ((Dictionary<string, MembershipView>)inner)[r.GetString(1)] = new MembershipView(StatusName(r.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(q));
            }
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name, value, ts_ms FROM attribute WHERE tenant = $t AND ns = $ns AND id = $id ORDER BY name";
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$ns", identityNamespace);
            cmd.Parameters.AddWithValue("$id", identityId);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attributes[r.GetString(0)] = r.GetString(1);
                updated = Math.Max(updated, r.GetInt64(2));
            }
        }
        if (audiences.Count == 0 && attributes.Count == 0)
        {
            return null;
        }
        return new ProfileView(new Identity(identityNamespace, identityId), audiences, attributes, DateTimeOffset.FromUnixTimeMilliseconds(updated));
    }

    public async Task<MembersPage> GetMembersAsync(string tenant, IReadOnlyCollection<string> audienceIds, MemberCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
        // One ordered range scan per audience id (each is a key prefix), merged here: no sort of a whole audience.
        var merged = new List<Member>();
        foreach (var audience in audienceIds)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"""
                SELECT ns, id, aud_ns, audience, status, qualified_ms FROM membership
                WHERE tenant = $t AND audience = $a AND status < 3 {(after is null ? "" : "AND (ns, id) > ($cns, $cid)")}
                ORDER BY ns, id, aud_ns LIMIT $n
                """;
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$a", audience);
            if (after is { } c)
            {
                cmd.Parameters.AddWithValue("$cns", c.Namespace);
                cmd.Parameters.AddWithValue("$cid", c.Id);
            }
            cmd.Parameters.AddWithValue("$n", limit + 1);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                merged.Add(new Member(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), StatusName(r.GetInt64(4)),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))));
            }
        }
        var members = merged
            .OrderBy(m => m.Namespace, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal)
            .DistinctBy(m => (m.Namespace, m.Id))
            .Take(limit + 1)
            .ToList();
        MemberCursor? next = null;
        if (members.Count > limit)
        {
            members.RemoveAt(members.Count - 1);
            next = new MemberCursor(members[^1].Namespace, members[^1].Id);
        }
        return new MembersPage(members, next);
    }

    internal static string StatusName(long status) => status switch
    {
        1 => "existing",
        2 => "realized",
        _ => "exited",
    };

    // ---------------------------------------------------------------- audiences

    public static string ExternalAudienceId(string tenant, string aepAudienceId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "\n" + aepAudienceId));
        return "aud_" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }

    public async Task<(Audience Audience, bool Created)> CreateAsync(string tenant, AudienceInput input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input.AepAudienceId);
        await using var conn = await OpenPooledAsync(cancellationToken, durable: true).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await ReadAudienceAsync(conn, tx, "aep_id", tenant, input.AepAudienceId, cancellationToken).ConfigureAwait(false);
        var now = NowMs();
        if (existing is { Deleted: false })
        {
            return (existing, false);
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = existing is null
                ? "INSERT INTO audience(tenant, external_id, aep_id, name, description, source, created_ms, updated_ms, deleted) VALUES ($t, $e, $a, $n, $d, $s, $now, $now, 0)"
                : "UPDATE audience SET name = $n, description = $d, source = $s, updated_ms = $now, deleted = 0 WHERE tenant = $t AND external_id = $e";
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$e", existing?.ExternalAudienceId ?? ExternalAudienceId(tenant, input.AepAudienceId));
            cmd.Parameters.AddWithValue("$a", input.AepAudienceId);
            cmd.Parameters.AddWithValue("$n", (object?)input.Name ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$d", (object?)input.Description ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$s", (object?)input.SourceJson ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", now);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var created = await ReadAudienceAsync(conn, tx, "aep_id", tenant, input.AepAudienceId, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (created!, true);
    }

    public async Task<Audience?> UpdateAsync(string tenant, string externalAudienceId, AudienceInput input, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken, durable: true).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                UPDATE audience SET name = coalesce($n, name), description = coalesce($d, description), source = coalesce($s, source), updated_ms = $now
                WHERE tenant = $t AND external_id = $e AND deleted = 0
                """;
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$e", externalAudienceId);
            cmd.Parameters.AddWithValue("$n", (object?)input.Name ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$d", (object?)input.Description ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$s", (object?)input.SourceJson ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", NowMs());
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }
        var updated = await ReadAudienceAsync(conn, tx, "external_id", tenant, externalAudienceId, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<bool?> DeleteAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken, durable: true).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var existing = await ReadAudienceAsync(conn, tx, "external_id", tenant, externalAudienceId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }
        if (existing.Deleted)
        {
            return false;
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE audience SET deleted = 1, updated_ms = $now WHERE tenant = $t AND external_id = $e";
            cmd.Parameters.AddWithValue("$t", tenant);
            cmd.Parameters.AddWithValue("$e", externalAudienceId);
            cmd.Parameters.AddWithValue("$now", NowMs());
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<Audience?> GetAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
        var a = await ReadAudienceAsync(conn, null, "external_id", tenant, externalAudienceId, cancellationToken).ConfigureAwait(false);
        return a is { Deleted: false } ? a : null;
    }

    public async Task<IReadOnlyList<Audience>> ListAsync(string tenant, string? afterExternalId, int limit, CancellationToken cancellationToken)
    {
        await using var conn = await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {AudienceColumns} FROM audience WHERE tenant = $t AND deleted = 0 AND external_id > $after ORDER BY external_id LIMIT $n";
        cmd.Parameters.AddWithValue("$t", tenant);
        cmd.Parameters.AddWithValue("$after", afterExternalId ?? "");
        cmd.Parameters.AddWithValue("$n", limit);
        var list = new List<Audience>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadAudience(r));
        }
        return list;
    }

    private const string AudienceColumns = "external_id, aep_id, name, description, source, created_ms, updated_ms, deleted";

    private static async Task<Audience?> ReadAudienceAsync(SqliteConnection conn, SqliteTransaction? tx, string keyColumn, string tenant, string key, CancellationToken ct)
    {
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {AudienceColumns} FROM audience WHERE tenant = $t AND {keyColumn} = $k";
        cmd.Parameters.AddWithValue("$t", tenant);
        cmd.Parameters.AddWithValue("$k", key);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? ReadAudience(r) : null;
    }

    private static Audience ReadAudience(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), r.GetInt64(7) != 0);

    // ---------------------------------------------------------------- health

    public async Task<(bool Healthy, string Description)> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_started || _stopping)
        {
            return (false, "store not running");
        }
        if (!_writerHealthy)
        {
            return (false, "the last log append failed");
        }
        try
        {
            await using var conn = await OpenPooledAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT applied_seq FROM checkpoint WHERE id = 1";
            await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return (true, "ok");
        }
        catch (SqliteException ex)
        {
            return (false, "state database unavailable: " + ex.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // ---------------------------------------------------------------- helpers

    private async Task<SqliteConnection> OpenPooledAsync(CancellationToken ct, bool durable = false)
    {
        var conn = new SqliteConnection(_statePooledCs);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return conn;
        }
        catch (SqliteException ex)
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw new StoreUnavailableException("The state database is unavailable.", ex);
        }
    }

    internal static SqliteConnection Open(string cs)
    {
        var conn = new SqliteConnection(cs);
        conn.Open();
        return conn;
    }

    internal static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection conn, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            cmd.Parameters.Add(name, type);
        }
        cmd.Prepare();
        return cmd;
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        internal static extern int setpriority(int which, int who, int prio);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store opened in {DataDirectory}: log at {DurableSequence}, state applied to {AppliedSequence}")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, long durableSequence, long appliedSequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Group commit of {Count} requests failed; they are answered 503")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying the log to the queryable state failed; retrying")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record {Sequence} is not a valid contract-v1 body ({Path}: {Rule}); skipped")]
    private static partial void LogSkippedRecord(ILogger logger, long sequence, string path, string rule);
}
