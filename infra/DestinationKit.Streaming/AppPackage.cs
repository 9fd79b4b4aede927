using System.Collections.Immutable;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Pulumi;

namespace DestinationKit.Streaming;

/// <summary>How one cloud wants the app published.</summary>
public sealed record AppPublishOptions
{
    /// <summary>The folder under <c>artifacts/publish/</c>: lowercase letters, digits and hyphens (<c>aws-lambda</c>).</summary>
    public required string Name { get; init; }

    public string RuntimeIdentifier { get; init; } = "linux-x64";

    public bool SelfContained { get; init; } = true;

    /// <summary>Extra MSBuild properties (<c>-p:Name=Value</c>), e.g. <c>AssemblyName</c>.</summary>
    public ImmutableSortedDictionary<string, string> Properties { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
}

/// <summary>The bundled ingestion app as a folder a cloud component can zip or upload: <c>pulumi up</c> from a clone
/// publishes it with <c>dotnet publish</c>; <see cref="OverrideVariable"/> names a prebuilt folder instead (CI, and
/// every test, so tests never publish).</summary>
public static partial class AppPackage
{
    public const string OverrideVariable = "DESTINATIONKIT_APP_PACKAGE";

    /// <summary>The app's project, relative to the repository root.</summary>
    public const string ProjectPath = "app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj";

    /// <summary>Returns the folder of the published app, publishing it first unless <see cref="OverrideVariable"/> is set.
    /// Throws <see cref="RunException"/> (printed by Pulumi without a stack trace) when that is impossible.</summary>
    public static string Publish(AppPublishOptions options) =>
        Publish(options, Environment.GetEnvironmentVariable(OverrideVariable), () => FindRepositoryRoot(AppContext.BaseDirectory, Environment.CurrentDirectory));

    internal static string Publish(AppPublishOptions options, string? prebuilt, Func<string> repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!NamePattern().IsMatch(options.Name))
            throw new ArgumentException($"publish folder name \"{options.Name}\": use lowercase letters, digits and hyphens", nameof(options));
        if (!string.IsNullOrEmpty(prebuilt)) return Prebuilt(prebuilt);

        var root = repositoryRoot();
        var output = Path.Combine(root, "artifacts", "publish", options.Name);
        // A clean folder: files a previous publish left behind must not ship.
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var (exitCode, log) = Run(root, Arguments(options, output));
        if (exitCode != 0)
        {
            throw new RunException(
                $"Publishing the ingestion app failed: `dotnet {string.Join(' ', Arguments(options, "<output>"))}` exited with code {exitCode}. "
                + $"Its last lines:{Environment.NewLine}{Tail(log)}{Environment.NewLine}"
                + $"Fix the build (try the same command in {root}), or set {OverrideVariable} to the folder of an app you published yourself.");
        }
        return output;
    }

    internal static IReadOnlyList<string> Arguments(AppPublishOptions options, string output) =>
    [
        "publish", ProjectPath, "-c", "Release", "-r", options.RuntimeIdentifier,
        "--self-contained", options.SelfContained ? "true" : "false", "-o", output, "-nologo",
        .. options.Properties.Select(p => $"-p:{p.Key}={p.Value}"),
    ];

    private static string Prebuilt(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
            throw new RunException($"{OverrideVariable} names {full}, which is not a folder; point it at a published app (dotnet publish {ProjectPath} -o <folder>) or unset it.");
        if (!Directory.EnumerateFileSystemEntries(full).Any())
            throw new RunException($"{OverrideVariable} names {full}, which is empty; point it at a published app (dotnet publish {ProjectPath} -o <folder>) or unset it.");
        return full;
    }

    /// <summary>The clone this program runs from: the first folder above the program's own location (or, under an
    /// Automation API host elsewhere, the working directory) that holds the app's project.</summary>
    internal static string FindRepositoryRoot(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, ProjectPath))) return dir.FullName;
            }
        }
        throw new RunException(
            $"The ingestion app's project ({ProjectPath}) was not found above {string.Join(" or ", starts.Distinct())}: run the program "
            + $"from a clone of the repository, or set {OverrideVariable} to the folder of a published app.");
    }

    private static (int ExitCode, IReadOnlyList<string> Log) Run(string root, IReadOnlyList<string> arguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        // Set when this program itself runs under MSBuild (dotnet test, some hosts); they would point the nested
        // build at the outer build's SDK.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) psi.Environment.Remove(variable);

        var log = new List<string>();
        try
        {
            using var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.WaitForExit();
            lock (log) return (process.ExitCode, [.. log]);
        }
        catch (Win32Exception e)
        {
            throw new RunException($"Publishing the ingestion app needs the .NET SDK, but `dotnet` could not be started ({e.Message}). "
                + $"Install the .NET SDK, or set {OverrideVariable} to the folder of a published app.");
        }
    }

    /// <summary>The end of the build output, where its errors are; a URL's user info (a feed credential) is masked.</summary>
    private static string Tail(IReadOnlyList<string> log) =>
        string.Join(Environment.NewLine, log.Where(l => l.Trim().Length > 0).TakeLast(20).Select(l => "  " + UserInfo().Replace(l, "://***@")));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"://[^/\s@]+@")]
    private static partial Regex UserInfo();
}
