using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>
/// A cloud sink (S3, Azure Blob, GCS) behind the store interface. The bucket is the source of truth; this disk holds a
/// projection that can always be rebuilt from it (docs/app.md, "Sinks"):
/// <list type="bullet">
/// <item>Request log: writers take every append waiting at that moment (group commit), write one gzip NDJSON object
/// per tenant (<see cref="ObjectLayout"/>) and only then hand the requests to the local projection and complete
/// them. A failed object write fails every request of its group with <see cref="StoreUnavailableException"/> (503).</item>
/// <item>Queryable state: a <see cref="SqliteStore"/> on local disk, fed with the same requests once they are durable
/// in the bucket; at startup (and every <see cref="CloudSinkOptions.RefreshSeconds"/>) objects it has not seen, such
/// as those of another instance or of a lost disk, are imported. A ledger of imported object keys makes each object
/// count once; should a crash fall between feeding an object and recording it, the object is fed again, which the
/// projection absorbs (its upserts keep the latest value by time, so applying a request twice changes nothing).</item>
/// <item>Audiences: one JSON object per audience in the bucket, read and written through on every call.</item>
/// </list>
/// </summary>
public sealed partial class ObjectLogStore : IIngestionStore, IHostedService, IAsyncDisposable
{
    private readonly IObjectStore _objects;
    private readonly CloudSinkOptions _cloud;
    private readonly SqliteStore _projection;
    private readonly IngestionOptions _options;
    private readonly ILogger<ObjectLogStore> _logger;
    private readonly string _prefix;
    private readonly string _instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _audienceLock = new(1, 1);
    private readonly SemaphoreSlim _importLock = new(1, 1);
    private readonly Lock _stateLock = new();
    private ImportLedger? _ledger;
    private Task[] _writers = [];
    private Task? _rebuild;
    private Task? _refresh;
    private Task? _stopTask;
    private long _group;
    private long _objectsWritten;
    private long _objectsImported;
    private volatile bool _started;
    private volatile bool _stopping;
    private volatile bool _caughtUp;
    private volatile bool _lastWriteFailed;
    private (long AtMs, bool Ok, string Description) _probe;

    public ObjectLogStore(IObjectStore objects, CloudSinkOptions cloud, SqliteStore projection, IOptions<IngestionOptions> options, ILogger<ObjectLogStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _objects = objects;
        _cloud = cloud;
        _projection = projection;
        _options = options.Value;
        _logger = logger;
        _prefix = ObjectLayout.NormalizePrefix(cloud.Prefix);
    }

    /// <summary>Where the objects go (<c>s3://bucket</c>, ...).</summary>
    public string Location => _objects.Location;

    public string Prefix => _prefix;

    /// <summary>Request objects this instance wrote.</summary>
    public long ObjectsWritten => Interlocked.Read(ref _objectsWritten);

    /// <summary>Request objects imported from the bucket into the projection (rebuild and refresh).</summary>
    public long ObjectsImported => Interlocked.Read(ref _objectsImported);

    /// <summary>The local projection (queryable state).</summary>
    internal SqliteStore Projection => _projection;

    // ---------------------------------------------------------------- lifecycle

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ledger = new ImportLedger(Path.Combine(_projection.DataDirectory, "cloud-imports.db"));
        if (_cloud.CreateIfMissing)
        {
            await _objects.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false);
        }
        _writers = Enumerable.Range(0, Math.Max(1, _cloud.MaxConcurrentWrites)).Select(_ => Task.Run(WriterLoopAsync, CancellationToken.None)).ToArray();
        _started = true;
        LogStarted(_logger, _objects.Location, _prefix, _instance);
        if (_cloud.RebuildOnStart)
        {
            _rebuild = Task.Run(RebuildLoopAsync, CancellationToken.None);
        }
        else
        {
            _caughtUp = true;
        }
        if (_cloud.RefreshSeconds > 0)
        {
            _refresh = Task.Run(RefreshLoopAsync, CancellationToken.None);
        }
    }

    /// <summary>
    /// Writers finish what was queued (those requests are answered); past the host's shutdown timeout
    /// (<paramref name="cancellationToken"/>) writes still in flight are abandoned and their requests answered 503.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            if (!_started)
            {
                return Task.CompletedTask;
            }
            _stopping = true;
            return _stopTask ??= StopCoreAsync(cancellationToken);
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _appends.Writer.TryComplete();
        var writers = Task.WhenAll(_writers);
        try
        {
            await writers.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { writers, _rebuild, _refresh })
        {
            if (task is null)
            {
                continue;
            }
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
            }
        }
        if (writers.IsCompleted)
        {
            _ledger?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _objects.DisposeAsync().ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- acknowledgement path

    private sealed class PendingAppend(LoggedRequest request)
    {
        public LoggedRequest Request { get; } = request;
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken)
    {
        if (!_started || _stopping)
        {
            throw new StoreUnavailableException("The store is not running.");
        }
        if (_projection.GetFreshness().PendingRequests > _options.MaxPendingRequests)
        {
            throw new StoreOverloadedException("The queryable state is too far behind the log.");
        }
        var pending = new PendingAppend(new LoggedRequest(tenant, receivedAtMs, body));
        if (!_appends.Writer.TryWrite(pending))
        {
            throw new StoreUnavailableException("The store is shutting down.");
        }
        // Not cancelled with the request: once queued, the object may be written, so its outcome stands.
        return new ValueTask<long>(pending.Completion.Task);
    }

    private async Task WriterLoopAsync()
    {
        var reader = _appends.Reader;
        var batch = new List<PendingAppend>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_cloud.LingerMilliseconds > 0)
            {
                await Task.Delay(_cloud.LingerMilliseconds).ConfigureAwait(false);
            }
            batch.Clear();
            long bytes = 0;
            while (batch.Count < _options.GroupCommitMaxRequests && reader.TryPeek(out var next))
            {
                if (batch.Count > 0 && bytes + next.Request.Body.Length > _cloud.MaxObjectBytes)
                {
                    break; // the next object takes it
                }
                if (!reader.TryRead(out var item))
                {
                    break;
                }
                batch.Add(item);
                bytes += item.Request.Body.Length;
            }
            if (batch.Count == 0)
            {
                continue;
            }
            var groups = batch.GroupBy(p => p.Request.Tenant, StringComparer.Ordinal).Select(g => WriteGroupAsync(g.Key, g.ToList()));
            await Task.WhenAll(groups).ConfigureAwait(false);
        }
    }

    /// <summary>One object for the requests of one tenant; completes them once it is durable and projected.</summary>
    private async Task WriteGroupAsync(string tenant, List<PendingAppend> group)
    {
        var key = ObjectLayout.RequestKey(_prefix, tenant, DateTimeOffset.UtcNow, _instance, Interlocked.Increment(ref _group));
        _inFlight[key] = 0;
        try
        {
            var requests = group.ConvertAll(p => p.Request);
            try
            {
                var content = ObjectLayout.Encode(requests);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(WriteTimeout);
                await _objects.PutAsync(key, content, ObjectLayout.RequestContentType, timeout.Token).ConfigureAwait(false);
                _lastWriteFailed = false;
                _probe = (Environment.TickCount64, true, "ok"); // a write that went through is the best probe
                Interlocked.Increment(ref _objectsWritten);
            }
            catch (Exception ex)
            {
                _lastWriteFailed = true;
                LogWriteFailed(_logger, ex, group.Count, key);
                Fail(group, new StoreUnavailableException("The request could not be made durable.", ex));
                return;
            }
            // Durable in the bucket. Feed the projection, then answer; the ledger entry follows (see the class summary).
            long[] sequences;
            try
            {
                sequences = await FeedAsync(requests, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The requests are durable, but not yet visible here: answer 503 (AEP's retry writes them again, which
                // the projection absorbs) and leave the object out of the ledger, so that the next import feeds it.
                LogFeedFailed(_logger, ex, key);
                Fail(group, new StoreUnavailableException("The request is durable but could not be projected; retry.", ex));
                return;
            }
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(sequences[i]);
            }
            try
            {
                _ledger!.Record(key, requests.Count);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogLedgerFailed(_logger, ex, key);
            }
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private TimeSpan WriteTimeout => TimeSpan.FromSeconds((_cloud.RequestTimeoutSeconds * (_cloud.MaxRetries + 1)) + 5);

    private static void Fail(List<PendingAppend> group, StoreUnavailableException failure)
    {
        foreach (var p in group)
        {
            p.Completion.TrySetException(failure);
        }
    }

    /// <summary>Appends durable requests to the projection's local log, waiting while it is too far behind.</summary>
    private async Task<long[]> FeedAsync(List<LoggedRequest> requests, CancellationToken cancellationToken)
    {
        var appends = new Task<long>[requests.Count];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var i = 0; i < requests.Count; i++)
        {
            while (true)
            {
                try
                {
                    var r = requests[i];
                    appends[i] = _projection.AppendAsync(r.Tenant, r.Body, r.ReceivedAtMs, cancellationToken).AsTask();
                    break;
                }
                catch (StoreOverloadedException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        return await Task.WhenAll(appends).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- imports (rebuild and refresh)

    /// <summary>Completes once the startup import has fed every object of the bucket to the projection.</summary>
    internal async Task WaitForRebuildAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_caughtUp)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The import from the bucket did not finish in time.");
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private async Task RebuildLoopAsync()
    {
        var delay = TimeSpan.FromSeconds(1);
        var imported = 0;
        for (var pass = 1; !_stop.IsCancellationRequested; pass++)
        {
            try
            {
                var (count, unreadable) = await ImportAsync(_objects.ListAsync(ObjectLayout.RequestsRoot(_prefix), _stop.Token), _stop.Token).ConfigureAwait(false);
                imported += count;
                if (unreadable > 0 && pass < 3)
                {
                    // Perhaps the store went away in the middle: another pass, which skips what is already imported.
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                    continue;
                }
                if (unreadable > 0)
                {
                    LogUnreadable(_logger, unreadable);
                }
                _caughtUp = true;
                LogRebuilt(_logger, imported, _objects.Location);
                return;
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                LogImportFailed(_logger, ex, delay.TotalSeconds);
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
    }

    private async Task RefreshLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(_cloud.RefreshSeconds), _stop.Token).ConfigureAwait(false);
            if (!_caughtUp)
            {
                continue;
            }
            try
            {
                await RefreshAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                LogImportFailed(_logger, ex, _cloud.RefreshSeconds);
            }
        }
    }

    /// <summary>Imports the objects of the current and the previous two hours that this instance has not seen.</summary>
    internal async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var imported = 0;
        foreach (var tenantFolder in await _objects.ListFoldersAsync(ObjectLayout.RequestsRoot(_prefix), cancellationToken).ConfigureAwait(false))
        {
            for (var h = 2; h >= 0; h--)
            {
                var partition = tenantFolder + ObjectLayout.HourFolder(now.AddHours(-h));
                imported += (await ImportAsync(_objects.ListAsync(partition, cancellationToken), cancellationToken).ConfigureAwait(false)).Imported;
            }
        }
        return imported;
    }

    /// <summary>
    /// Feeds the listed objects that the ledger does not have. An object that cannot be read or decoded is skipped and
    /// counted (not recorded: the next import tries it again); a failure to list or to feed ends the import.
    /// </summary>
    private async Task<(int Imported, int Unreadable)> ImportAsync(IAsyncEnumerable<string> keys, CancellationToken cancellationToken)
    {
        await _importLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var imported = 0;
            var unreadable = 0;
            await foreach (var key in keys.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!key.EndsWith(".ndjson.gz", StringComparison.Ordinal) || _inFlight.ContainsKey(key) || _ledger!.Contains(key))
                {
                    continue;
                }
                List<LoggedRequest> requests;
                try
                {
                    var content = await _objects.GetAsync(key, cancellationToken).ConfigureAwait(false);
                    if (content is null)
                    {
                        continue;
                    }
                    requests = ObjectLayout.Decode(content);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    LogBadObject(_logger, ex, key);
                    unreadable++;
                    continue;
                }
                await FeedAsync(requests, cancellationToken).ConfigureAwait(false);
                _ledger!.Record(key, requests.Count);
                Interlocked.Increment(ref _objectsImported);
                imported++;
            }
            return (imported, unreadable);
        }
        finally
        {
            _importLock.Release();
        }
    }

    // ---------------------------------------------------------------- queryable state: the local projection

    public Task<ProfileView?> GetProfileAsync(string tenant, string identityNamespace, string identityId, CancellationToken cancellationToken) =>
        _projection.GetProfileAsync(tenant, identityNamespace, identityId, cancellationToken);

    public Task<MembersPage> GetMembersAsync(string tenant, IReadOnlyCollection<string> audienceIds, MemberCursor? after, int limit, CancellationToken cancellationToken) =>
        _projection.GetMembersAsync(tenant, audienceIds, after, limit, cancellationToken);

    public Freshness GetFreshness() => _projection.GetFreshness();

    // ---------------------------------------------------------------- audiences: objects in the bucket

    public Task<(Audience Audience, bool Created)> CreateAsync(string tenant, AudienceInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(input.AepAudienceId);
        return MutateAudienceAsync(async ct =>
        {
            var externalId = SqliteStore.ExternalAudienceId(tenant, input.AepAudienceId);
            var existing = await ReadAudienceAsync(tenant, externalId, ct).ConfigureAwait(false);
            if (existing is { Deleted: false })
            {
                return (existing, false);
            }
            var now = Now();
            // A deleted audience created again comes back under the same id, keeping its creation time.
            var created = new Audience(externalId, input.AepAudienceId, input.Name, input.Description, input.SourceJson, existing?.CreatedAt ?? now, now, false);
            await WriteAudienceAsync(tenant, created, ct).ConfigureAwait(false);
            return (created, true);
        }, cancellationToken);
    }

    public Task<Audience?> UpdateAsync(string tenant, string externalAudienceId, AudienceInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return MutateAudienceAsync(async ct =>
        {
            var existing = await ReadAudienceAsync(tenant, externalAudienceId, ct).ConfigureAwait(false);
            if (existing is null or { Deleted: true })
            {
                return null;
            }
            var updated = existing with
            {
                Name = input.Name ?? existing.Name,
                Description = input.Description ?? existing.Description,
                SourceJson = input.SourceJson ?? existing.SourceJson,
                UpdatedAt = Now(),
            };
            await WriteAudienceAsync(tenant, updated, ct).ConfigureAwait(false);
            return updated;
        }, cancellationToken);
    }

    public Task<bool?> DeleteAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken) =>
        MutateAudienceAsync<bool?>(async ct =>
        {
            var existing = await ReadAudienceAsync(tenant, externalAudienceId, ct).ConfigureAwait(false);
            if (existing is null)
            {
                return null;
            }
            if (existing.Deleted)
            {
                return false;
            }
            await WriteAudienceAsync(tenant, existing with { Deleted = true, UpdatedAt = Now() }, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public async Task<Audience?> GetAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken)
    {
        var audience = await Guard(ct => ReadAudienceAsync(tenant, externalAudienceId, ct), cancellationToken).ConfigureAwait(false);
        return audience is { Deleted: false } ? audience : null;
    }

    public Task<IReadOnlyList<Audience>> ListAsync(string tenant, string? afterExternalId, int limit, CancellationToken cancellationToken) =>
        Guard<IReadOnlyList<Audience>>(async ct =>
        {
            var root = ObjectLayout.AudiencesRoot(_prefix, tenant);
            var after = afterExternalId is null ? null : root + afterExternalId + ".json";
            var list = new List<Audience>();
            await foreach (var key in _objects.ListAsync(root, ct).ConfigureAwait(false))
            {
                if (list.Count >= limit)
                {
                    break;
                }
                if (!key.EndsWith(".json", StringComparison.Ordinal) || (after is not null && string.CompareOrdinal(key, after) <= 0))
                {
                    continue;
                }
                var content = await _objects.GetAsync(key, ct).ConfigureAwait(false);
                if (content is not null && ObjectLayout.DecodeAudience(content) is { Deleted: false } audience)
                {
                    list.Add(audience);
                }
            }
            return list;
        }, cancellationToken);

    private async Task<Audience?> ReadAudienceAsync(string tenant, string externalAudienceId, CancellationToken cancellationToken)
    {
        if (externalAudienceId.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }
        var content = await _objects.GetAsync(ObjectLayout.AudienceKey(_prefix, tenant, externalAudienceId), cancellationToken).ConfigureAwait(false);
        return content is null ? null : ObjectLayout.DecodeAudience(content);
    }

    private Task WriteAudienceAsync(string tenant, Audience audience, CancellationToken cancellationToken) =>
        _objects.PutAsync(ObjectLayout.AudienceKey(_prefix, tenant, audience.ExternalAudienceId), ObjectLayout.EncodeAudience(audience),
            ObjectLayout.AudienceContentType, cancellationToken);

    /// <summary>Audience changes of this instance one at a time (read, decide, write).</summary>
    private async Task<T> MutateAudienceAsync<T>(Func<CancellationToken, Task<T>> change, CancellationToken cancellationToken)
    {
        await _audienceLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Guard(change, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _audienceLock.Release();
        }
    }

    /// <summary>Any failure of the bucket is a 503; a cancelled request stays cancelled.</summary>
    private async Task<T> Guard<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not StoreUnavailableException and not ArgumentException)
        {
            throw new StoreUnavailableException($"The bucket {_objects.Location} is unavailable.", ex);
        }
    }

    private static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    // ---------------------------------------------------------------- health

    public async Task<(bool Healthy, string Description)> CheckAsync(CancellationToken cancellationToken)
    {
        if (!_started || _stopping)
        {
            return (false, "store not running");
        }
        if (!_caughtUp)
        {
            return (false, $"importing {_objects.Location} into the local projection ({ObjectsImported} objects so far)");
        }
        var now = Environment.TickCount64;
        var probe = _probe;
        if (_lastWriteFailed || probe.AtMs == 0 || now - probe.AtMs > 5000)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(Math.Min(10, _cloud.RequestTimeoutSeconds)));
                await _objects.CheckAsync(timeout.Token).ConfigureAwait(false);
                probe = (now, true, "ok");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                probe = (now, false, $"{_objects.Location} is unreachable ({ex.GetType().Name})");
            }
            _probe = probe;
        }
        if (!probe.Ok)
        {
            return (false, probe.Description);
        }
        return await _projection.CheckAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloud sink on {Location} (prefix '{Prefix}'), instance {Instance}")]
    private static partial void LogStarted(ILogger logger, string location, string prefix, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} requests to {Key} failed; they are answered 503")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Key} is durable but feeding it to the local projection failed; answered 503, imported later")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Key} in the import ledger failed; it may be imported again (harmless)")]
    private static partial void LogLedgerFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Count} objects from {Location} into the local projection")]
    private static partial void LogRebuilt(ILogger logger, int count, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Importing from the bucket failed; retrying in {Seconds} s")]
    private static partial void LogImportFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} request objects could not be read; the next start tries them again")]
    private static partial void LogUnreadable(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key} could not be read or is not a request object; skipped for now")]
    private static partial void LogBadObject(ILogger logger, Exception exception, string key);
}
