using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DestinationKit.Streaming;
using Pulumi;

namespace DestinationKit.Gcp.Streaming;

/// <summary>Where the app's image is to be pushed: the Artifact Registry host (<c>europe-west1-docker.pkg.dev</c>), the
/// repository inside it (<c>project/repo/ingestion</c>) and the tag.</summary>
public sealed record ContainerTarget(string Registry, string Repository, string Tag)
{
    public string Reference => $"{Registry}/{Repository}:{Tag}";

    /// <summary>From an Artifact Registry repository's <c>registryUri</c> (<c>host/project/repository</c>).</summary>
    public static ContainerTarget In(string registryUri, string tag)
    {
        var slash = registryUri.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0) throw new ArgumentException($"\"{registryUri}\" is not an Artifact Registry URI (host/project/repository)", nameof(registryUri));
        return new ContainerTarget(registryUri[..slash], $"{registryUri[(slash + 1)..]}/{ContainerImage.Name}", tag);
    }
}

/// <summary>The image Cloud Run runs: the bundled app built from this clone with the .NET SDK's own container support
/// (<c>dotnet publish -t:PublishContainer</c>, no Docker daemon) and pushed to the stack's Artifact Registry repository
/// during <c>pulumi up</c> (never during a preview), or a prebuilt image named by <see cref="OverrideVariable"/>
/// (CI, and every test, so tests never publish). The tag is a hash of the app's sources, so a preview shows exactly
/// when the service will get a new revision, and an unchanged app keeps its revision.</summary>
public static partial class ContainerImage
{
    public const string OverrideVariable = "DESTINATIONKIT_APP_IMAGE";

    /// <summary>The image's name inside the repository.</summary>
    public const string Name = "ingestion";

    /// <summary>The user name Artifact Registry takes with an OAuth 2.0 access token as the password.</summary>
    public const string AccessTokenUser = "oauth2accesstoken";

    /// <summary>Credentials the SDK uses only for the registry it pushes to (the base image is pulled anonymously).</summary>
    public const string UserVariable = "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME";
    public const string PasswordVariable = "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD";

    /// <summary>Files besides the app's folder that change what is built.</summary>
    private static readonly string[] BuildInputs = ["Directory.Build.props", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config"];

    /// <summary>Folders of the app's project that are build output or local data, not sources.</summary>
    private static readonly string[] NotSources = ["bin", "obj", "data"];

    /// <summary>The image reference for <paramref name="registryUri"/>; when not a preview and no prebuilt image is
    /// named, the app is published there first, with an access token of the provider's own credentials.</summary>
    public static Output<string> For(Output<string> registryUri, Func<Output<string>> accessToken) =>
        For(registryUri, accessToken, Environment.GetEnvironmentVariable(OverrideVariable),
            () => FindRepositoryRoot(AppContext.BaseDirectory, Environment.CurrentDirectory), PublishAsync);

    internal static Output<string> For(Output<string> registryUri, Func<Output<string>> accessToken, string? prebuilt,
        Func<string> repositoryRoot, Func<string, ContainerTarget, string, Task> publish)
    {
        if (!string.IsNullOrWhiteSpace(prebuilt))
        {
            if (prebuilt.Any(char.IsWhiteSpace))
                throw new RunException($"{OverrideVariable} is \"{prebuilt}\", which is not an image reference (host/path:tag or host/path@sha256:…).");
            return Output.Create(prebuilt);
        }
        var root = repositoryRoot();
        var tag = SourceTag(root);
        if (Deployment.Instance.IsDryRun) return registryUri.Apply(uri => ContainerTarget.In(uri, tag).Reference);
        // The token makes the result secret; the reference itself holds nothing secret, and Cloud Run's template must stay readable.
        return Output.Unsecret(Output.Tuple(registryUri, accessToken()).Apply(async values =>
        {
            var target = ContainerTarget.In(values.Item1, tag);
            await publish(root, target, values.Item2).ConfigureAwait(false);
            return target.Reference;
        }));
    }

    /// <summary><c>src-</c> and 16 hex digits of SHA-256 over the app's source files (path and content, in ordinal order)
    /// and the repository's build settings.</summary>
    public static string SourceTag(string repositoryRoot)
    {
        var project = Path.Combine(repositoryRoot, Path.GetDirectoryName(AppPackage.ProjectPath)!);
        var files = Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
            .Where(f => !IsOutsideSources(Path.GetRelativePath(project, f)))
            .Concat(BuildInputs.Select(f => Path.Combine(repositoryRoot, f)).Where(File.Exists))
            .Select(f => (Relative: Path.GetRelativePath(repositoryRoot, f).Replace('\\', '/'), Full: f))
            .DistinctBy(f => f.Relative)
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (relative, full) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(full)));
        }
        return "src-" + Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static bool IsOutsideSources(string relative)
    {
        var first = relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)[0];
        return NotSources.Contains(first, StringComparer.Ordinal) || first.StartsWith('.');
    }

    /// <summary>The clone this program runs from: the first folder above the program (or, under an Automation API host
    /// elsewhere, the working directory) that holds the app's project.</summary>
    internal static string FindRepositoryRoot(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, AppPackage.ProjectPath))) return dir.FullName;
            }
        }
        throw new RunException($"The ingestion app's project ({AppPackage.ProjectPath}) was not found above {string.Join(" or ", starts.Distinct())}: "
            + $"run the program from a clone of the repository, or set {OverrideVariable} to an image you built yourself.");
    }

    /// <summary>The publish command, relative to the repository root; the credentials go in the environment, not here.</summary>
    public static IReadOnlyList<string> Arguments(ContainerTarget target) =>
    [
        "publish", AppPackage.ProjectPath, "-c", "Release", "-r", "linux-x64", "-t:PublishContainer", "-nologo",
        $"-p:ContainerRegistry={target.Registry}",
        $"-p:ContainerRepository={target.Repository}",
        $"-p:ContainerImageTag={target.Tag}",
    ];

    private static async Task PublishAsync(string root, ContainerTarget target, string accessToken)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(target)) psi.ArgumentList.Add(argument);
        psi.Environment[UserVariable] = AccessTokenUser;
        psi.Environment[PasswordVariable] = accessToken;
        // Set when this program itself runs under MSBuild; they would point the nested build at the outer build's SDK.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH" }) psi.Environment.Remove(variable);

        var log = new List<string>();
        int exitCode;
        try
        {
            using var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync().ConfigureAwait(false);
            exitCode = process.ExitCode;
        }
        catch (Win32Exception e)
        {
            throw new RunException($"Building the ingestion app's image needs the .NET SDK, but `dotnet` could not be started ({e.Message}). "
                + $"Install the .NET SDK, or set {OverrideVariable} to an image you built yourself.");
        }
        if (exitCode != 0)
        {
            string tail;
            lock (log) tail = Tail(log, accessToken);
            throw new RunException(
                $"Building and pushing the ingestion app's image failed: `dotnet {string.Join(' ', Arguments(target))}` exited with code {exitCode}. "
                + $"Its last lines:{Environment.NewLine}{tail}{Environment.NewLine}"
                + $"Whoever runs `pulumi up` needs roles/artifactregistry.writer on the repository; or set {OverrideVariable} to an image you pushed yourself (docs/gcp.md).");
        }
    }

    /// <summary>The end of the build output, where its errors are; the token and a URL's user info never appear.</summary>
    internal static string Tail(IEnumerable<string> log, string accessToken) =>
        string.Join(Environment.NewLine, log.Where(l => l.Trim().Length > 0).TakeLast(20)
            .Select(l => "  " + UserInfo().Replace(accessToken.Length == 0 ? l : l.Replace(accessToken, "***", StringComparison.Ordinal), "://***@")));

    [GeneratedRegex(@"://[^/\s@]+@")]
    private static partial Regex UserInfo();
}
