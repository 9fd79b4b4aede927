using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Batch.Stores;
using DestinationKit.Simulator.Configuration;
using DestinationKit.Simulator.Simulate;
using DestinationKit.Simulator.Terminal;

namespace DestinationKit.Simulator.Batch;

/// <summary><c>simulate batch</c>: AEP's file export of generated profiles into the destination's landing store.</summary>
public static class BatchCommand
{
    public static Command Build() => Build(Environment.GetEnvironmentVariable);

    /// <param name="environment">Where the environment's credentials are read (tests give their own).</param>
    public static Command Build(Func<string, string?> environment)
    {
        var destination = new DestinationOptions();
        var o = new Options();
        var command = new Command("batch",
            "Write AEP's export files (one per audience, split at the row limit, named by AEP's macros, CSV/JSON/Parquet, optionally gzip, "
            + "optionally a manifest) of generated profiles into the destination's landing store, and report files, rows and bytes.");
        destination.AddTo(command, streaming: false);
        o.AddTo(command);
        command.SetAction((result, cancellationToken) => DestinationOptions.GuardAsync(result, () => RunAsync(result, destination, o, environment, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, DestinationOptions destination, Options o, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var tenant = result.GetValue(destination.Tenant);
        var (aep, stackOutputs) = Load(result, destination, o);
        var credentials = Credentials(result, destination, o, stackOutputs, tenant);
        var customerData = new Dictionary<string, string>(credentials.CustomerData, StringComparer.Ordinal);
        if (tenant is not null) customerData["tenantId"] = tenant;
        var batch = BatchDestination.From(aep, customerData, result.GetValue(o.Location));
        var options = RunOptions(result, o);
        BatchSimulator.Plan(batch, options); // every option problem before anything is written

        IExportStore store;
        try
        {
            store = await ExportStores.OpenAsync(batch.Location, credentials, Settings(result, o), environment, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StoreErrors.IsStoreError(e))
        {
            var error = $"opening {batch.Location} failed: {StoreErrors.Describe(e)}";
            await result.InvocationConfiguration.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
            destination.WriteSummary(result, new JsonObject
            {
                ["command"] = "simulate batch", ["ok"] = false, ["destination"] = batch.Name, ["serverType"] = batch.ServerType,
                ["location"] = batch.Location, ["error"] = error,
            }, output);
            return DestinationOptions.ExitNotOk;
        }
        await using (store.ConfigureAwait(false))
        {
            BatchResult run;
            await using (var progress = ProgressModes.Display(result, o.Progress))
            {
                run = await new BatchSimulator(batch, store).RunAsync(options, progress, cancellationToken).ConfigureAwait(false);
            }
            run.Print(output);
            destination.WriteSummary(result, run.ToSummary(), output);
            return run.Ok ? DestinationOptions.ExitOk : DestinationOptions.ExitNotOk;
        }
    }

    /// <summary>The destination, and the stack outputs when <c>--aep-config</c> is <c>pulumi stack output --json</c> (they may hold the credentials).</summary>
    private static (AepDestination, JsonObject?) Load(ParseResult result, DestinationOptions destination, Options o)
    {
        if (result.GetValue(destination.AepConfig) is { } file)
        {
            var text = File.ReadAllText(file.FullName);
            JsonObject? root;
            try
            {
                root = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file.Name} is not valid JSON: {e.Message}");
            }
            return (AepConfigLoader.FromJsonText(text), root is not null && root.ContainsKey("aepConfiguration") ? root : null);
        }
        return (AepConfigLoader.FromStackFile(result.GetValue(destination.StackConfig)!.FullName, null, sftpHost: result.GetValue(o.SftpHost)), null);
    }

    /// <summary>The stack outputs' credentials, replaced by the credentials file's, replaced by the options'.</summary>
    private static StoreCredentials Credentials(ParseResult result, DestinationOptions destination, Options o, JsonObject? stackOutputs, string? tenant)
    {
        var credentials = StoreCredentials.None;
        if (stackOutputs is not null && StoreCredentials.FromStackOutputs(stackOutputs, tenant) is { } fromStack)
        {
            credentials = fromStack;
        }
        if (result.GetValue(destination.Credentials) is { } file)
        {
            credentials = credentials.With(StoreCredentials.FromJson(File.ReadAllText(file.FullName), tenant, file.Name));
        }
        return credentials.With(new StoreCredentials
        {
            AccessKeyId = result.GetValue(o.AccessKeyId),
            SecretAccessKey = result.GetValue(o.SecretAccessKey),
            ConnectionString = result.GetValue(o.AzureConnectionString),
            SasUri = result.GetValue(o.SasUri),
            Username = result.GetValue(o.SftpUser),
            Password = result.GetValue(o.SftpPassword),
        });
    }

    private static StoreSettings Settings(ParseResult result, Options o) => new()
    {
        S3Endpoint = result.GetValue(o.S3Endpoint),
        S3Region = result.GetValue(o.S3Region),
        GcsEndpoint = result.GetValue(o.GcsEndpoint),
        GcsInteropEndpoint = result.GetValue(o.GcsInteropEndpoint),
        SftpKeyFile = result.GetValue(o.SftpKeyFile)?.FullName,
        SftpHostKey = result.GetValue(o.SftpHostKey),
    };

    private static BatchRunOptions RunOptions(ParseResult result, Options o)
    {
        DateTimeOffset? exportTime = null;
        if (result.GetValue(o.ExportTime) is { } time)
        {
            exportTime = DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new InvalidDataException($"--export-time {time}: expected an ISO 8601 time such as 2024-05-09T21:05:43Z");
        }
        var fileType = result.GetValue(o.FileType) is { } t ? Enum.Parse<FileType>(t, ignoreCase: true) : (FileType?)null;
        return new BatchRunOptions
        {
            Profiles = result.GetValue(o.Profiles),
            Audiences = result.GetValue(o.Audiences),
            Seed = result.GetValue(o.Seed),
            RunId = result.GetValue(o.RunId),
            ExportTime = exportTime,
            ExportMode = result.GetValue(o.ExportMode) switch
            {
                "full" => BatchDestination.FullExport,
                "incremental" => BatchDestination.IncrementalExport,
                _ => null,
            },
            FileType = fileType,
            Compression = result.GetValue(o.Compression) is { } c ? Enum.Parse<Compression>(c, ignoreCase: true) : null,
            MaxFileRowCount = result.GetValue(o.MaxRows),
            AppendOptions = result.GetValue(o.AppendOptions) is { } append
                ? [.. append.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => a.ToUpperInvariant())]
                : null,
            IdentityColumns = result.GetValue(o.IdentityColumns) is { } ids ? [.. ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : null,
            Manifest = result.GetValue(o.Manifest),
            SandboxName = result.GetValue(o.Sandbox)!,
            CustomText = result.GetValue(o.CustomText),
        };
    }

    /// <summary>The options of <c>simulate batch</c> beyond the shared destination options.</summary>
    private sealed class Options
    {
        public Option<int> Profiles { get; } = new("--profiles") { Description = "How many profiles to generate.", DefaultValueFactory = _ => 1000 };
        public Option<int> Audiences { get; } = new("--audiences") { Description = "How many audiences (one export file, or several split parts, each).", DefaultValueFactory = _ => 3 };
        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the profile generator.", DefaultValueFactory = _ => 1 };
        public Option<string?> RunId { get; } = new("--run-id") { Description = "Marks this run's profile and audience ids (default: random)." };
        public Option<string?> ExportTime { get; } = new("--export-time") { Description = "The export's scheduled time (ISO 8601, UTC) for DATETIME/TIMESTAMP and the manifest [default: now]." };
        public Option<string?> ExportMode { get; } = new Option<string?>("--export-mode") { Description = "full (qualified profiles) or incremental (also those that exited) [default: the destination's defaultExportMode]." }.AcceptOnlyFromAmong("full", "incremental");
        public Option<string?> FileType { get; } = new Option<string?>("--file-type") { Description = "Write this format instead of the destination's fileType." }.AcceptOnlyFromAmong("csv", "json", "parquet");
        public Option<string?> Compression { get; } = new Option<string?>("--compression") { Description = "Instead of the destination's compression: none, gzip; snappy inside parquet." }.AcceptOnlyFromAmong("none", "gzip", "snappy");
        public Option<int?> MaxRows { get; } = new("--max-rows") { Description = "Split files at this many rows instead of the destination's maxFileRowCount (AEP: 5,000,000)." };
        public Option<string?> AppendOptions { get; } = new("--append-options") { Description = "File name append options, comma-separated (SEGMENT_NAME, DESTINATION_INSTANCE_ID, SANDBOX_NAME, DATETIME, TIMESTAMP, CUSTOM_TEXT, ...; \"\" for none) [default: the destination's]." };
        public Option<string?> IdentityColumns { get; } = new("--identity-columns") { Description = "Identity columns (namespaces), comma-separated [default: the destination's identityNamespaces, else email]." };
        public Option<bool> Manifest { get; } = new("--manifest") { Description = "Also write AEP's manifest file (manifest-<destination>-<flowRun>.json), after the exports." };
        public Option<string> Sandbox { get; } = new("--sandbox") { Description = "The SANDBOX_NAME macro.", DefaultValueFactory = _ => "prod" };
        public Option<string?> CustomText { get; } = new("--custom-text") { Description = "The CUSTOM_TEXT macro." };
        public Option<string?> Location { get; } = new("--location")
        {
            Description = "Write here instead of where the destination server says: s3://bucket/folder, gs://bucket/folder, azblob://container/folder, "
                + "abfss://fs@account.dfs.core.windows.net/folder, https://account.blob.core.windows.net/container/folder[?SAS], dlz:folder, sftp://[user@]host:port/folder, or a local folder.",
        };
        public Option<string?> SftpHost { get; } = new("--sftp-host") { Description = "With --stack-config for SFTP on AWS: the Transfer Family server's host name." };
        public Option<string?> AccessKeyId { get; } = new("--access-key-id") { Description = "S3 access key id, or Cloud Storage HMAC access id [default: the credentials; S3: the AWS SDK's chain]." };
        public Option<string?> SecretAccessKey { get; } = new("--secret-access-key") { Description = "Its secret (prefer the credentials file; S3 also reads AWS_SECRET_ACCESS_KEY)." };
        public Option<string?> AzureConnectionString { get; } = new("--azure-connection-string") { Description = "Azure Blob or ADLS Gen2 account connection string [default: the credentials, AZURE_STORAGE_CONNECTION_STRING]." };
        public Option<string?> SasUri { get; } = new("--sas-uri") { Description = "A container SAS URI with write permission (the Data Landing Zone's)." };
        public Option<string?> SftpUser { get; } = new("--sftp-user") { Description = "SFTP user [default: the credentials' username]." };
        public Option<FileInfo?> SftpKeyFile { get; } = new("--sftp-key-file") { Description = "SFTP user's RSA private key (PEM) [default: the credentials' privateKey]." };
        public Option<string?> SftpPassword { get; } = new("--sftp-password") { Description = "SFTP password (prefer SFTP_PASSWORD or the credentials file)." };
        public Option<string?> SftpHostKey { get; } = new("--sftp-host-key") { Description = "Expected SHA-256 fingerprint of the SFTP server's host key (SHA256:...)." };
        public Option<string?> S3Endpoint { get; } = new("--s3-endpoint") { Description = "An S3-compatible server instead of AWS (path-style) [default: AWS_ENDPOINT_URL_S3]." };
        public Option<string?> S3Region { get; } = new("--s3-region") { Description = "The bucket's region [default: asked of S3 with GetBucketLocation, or AWS_REGION]." };
        public Option<string?> GcsEndpoint { get; } = new("--gcs-endpoint") { Description = "A Cloud Storage JSON API server used without credentials (when no HMAC key is given) [default: STORAGE_EMULATOR_HOST]." };
        public Option<string?> GcsInteropEndpoint { get; } = new("--gcs-interop-endpoint") { Description = $"Where Cloud Storage's XML API is, for HMAC keys [default: {S3ExportStore.GcsInteropEndpoint}]." };
        public Option<ProgressMode> Progress { get; } = ProgressModes.CreateOption();

        public void AddTo(Command command)
        {
            foreach (var option in new Option[]
            {
                Profiles, Audiences, Seed, RunId, ExportTime, ExportMode, FileType, Compression, MaxRows, AppendOptions, IdentityColumns, Manifest, Sandbox,
                CustomText, Location, SftpHost, AccessKeyId, SecretAccessKey, AzureConnectionString, SasUri, SftpUser, SftpKeyFile, SftpPassword, SftpHostKey,
                S3Endpoint, S3Region, GcsEndpoint, GcsInteropEndpoint, Progress,
            })
            {
                command.Options.Add(option);
            }
        }
    }
}
