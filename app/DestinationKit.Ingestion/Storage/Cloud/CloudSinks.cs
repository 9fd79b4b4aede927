using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DestinationKit.Ingestion.Storage.Cloud;

/// <summary>Chooses the sink named by <c>Ingestion:Sink</c>: <c>sqlite</c> (default), <c>s3</c>, <c>blob</c> or <c>gcs</c>.</summary>
public static class CloudSinks
{
    public static readonly IReadOnlyList<string> Names = ["sqlite", "s3", "blob", "gcs"];

    /// <summary>
    /// Registers the cloud sink; call after the SQLite store's registration. The choice is read from the options when
    /// the store is first needed, so settings from any configuration source apply. The SQLite store stays registered:
    /// with a cloud sink it is the local projection (queryable state) fed by the cloud sink.
    /// </summary>
    public static IServiceCollection AddCloudSinks(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<IngestionOptions>>();
            var (objects, cloud) = Create(options.Value);
            return new ObjectLogStore(objects, cloud, sp.GetRequiredService<SqliteStore>(), options, sp.GetRequiredService<ILogger<ObjectLogStore>>());
        });
        services.Replace(ServiceDescriptor.Singleton<IIngestionStore>(sp =>
            IsCloud(sp.GetRequiredService<IOptions<IngestionOptions>>().Value)
                ? sp.GetRequiredService<ObjectLogStore>()
                : sp.GetRequiredService<SqliteStore>()));
        // Registered after the SQLite store's hosted service: started after it, stopped before it.
        services.AddHostedService<CloudSinkHost>();
        return services;
    }

    public static bool IsCloud(IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sink = Normalize(options.Sink);
        if (!Names.Contains(sink))
        {
            throw new InvalidOperationException($"Ingestion:Sink: got \"{options.Sink}\"; allowed: {string.Join(", ", Names)}.");
        }
        return sink != "sqlite";
    }

    /// <summary>The object store and settings of the configured cloud sink.</summary>
    public static (IObjectStore Objects, CloudSinkOptions Options) Create(IngestionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Normalize(options.Sink) switch
        {
            "s3" => (new S3ObjectStore(options.S3), options.S3),
            "blob" => (new BlobObjectStore(options.Blob), options.Blob),
            "gcs" => (new GcsObjectStore(options.Gcs), options.Gcs),
            _ => throw new InvalidOperationException($"Ingestion:Sink: \"{options.Sink}\" is not a cloud sink."),
        };
    }

    private static string Normalize(string? sink) => string.IsNullOrWhiteSpace(sink) ? "sqlite" : sink.Trim().ToLowerInvariant();

    /// <summary>Starts and stops the cloud sink when one is configured.</summary>
    private sealed class CloudSinkHost(IServiceProvider services, IOptions<IngestionOptions> options) : IHostedService
    {
        private ObjectLogStore? _store;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!IsCloud(options.Value))
            {
                return Task.CompletedTask;
            }
            _store = services.GetRequiredService<ObjectLogStore>();
            return _store.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _store?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
