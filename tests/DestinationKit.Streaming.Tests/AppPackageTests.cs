using System.Collections.Immutable;
using Pulumi;

namespace DestinationKit.Streaming.Tests;

/// <summary>Publishing runs the real <c>dotnet publish</c> on small stand-in projects in a temporary "clone" (the real
/// app is never published by a test); the override and the search for the clone need no process at all.</summary>
public sealed class AppPackageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dk-app-package", Guid.NewGuid().ToString("N"));

    public AppPackageTests() => Directory.CreateDirectory(_root);

    [Fact]
    public void The_override_names_a_prebuilt_folder_and_nothing_is_published()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "prebuilt")).FullName;
        File.WriteAllText(Path.Combine(folder, "DestinationKit.Ingestion.dll"), "");

        var published = AppPackage.Publish(new AppPublishOptions { Name = "aws-lambda" }, folder,
            () => throw new InvalidOperationException("the clone must not be looked for"));

        Assert.Equal(folder, published);
    }

    [Fact]
    public void An_override_that_is_missing_or_empty_stops_the_run_naming_the_variable()
    {
        var missing = Path.Combine(_root, "nowhere");
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        var notThere = Assert.Throws<RunException>(() => AppPackage.Publish(new AppPublishOptions { Name = "x" }, missing, () => _root));
        var nothingIn = Assert.Throws<RunException>(() => AppPackage.Publish(new AppPublishOptions { Name = "x" }, empty, () => _root));

        Assert.Equal($"DESTINATIONKIT_APP_PACKAGE names {missing}, which is not a folder; point it at a published app "
            + "(dotnet publish app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj -o <folder>) or unset it.", notThere.Message);
        Assert.StartsWith($"DESTINATIONKIT_APP_PACKAGE names {empty}, which is empty;", nothingIn.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_publish_command_is_release_for_the_runtime_with_the_cloud_s_properties()
    {
        var options = new AppPublishOptions
        {
            Name = "aws-lambda",
            RuntimeIdentifier = "linux-arm64",
            Properties = ImmutableSortedDictionary<string, string>.Empty.Add("AssemblyName", "bootstrap").Add("PublishReadyToRun", "true"),
        };

        Assert.Equal(
            ["publish", "app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj", "-c", "Release", "-r", "linux-arm64",
             "--self-contained", "true", "-o", "/out", "-nologo", "-p:AssemblyName=bootstrap", "-p:PublishReadyToRun=true"],
            AppPackage.Arguments(options, "/out"));
    }

    [Fact]
    public void Publishing_writes_the_app_into_artifacts_publish_of_the_clone_and_replaces_what_was_there()
    {
        WriteProject("""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_root, "app", "DestinationKit.Ingestion", "Program.cs"), "System.Console.WriteLine(1);");
        var stale = Path.Combine(_root, "artifacts", "publish", "cloud-run", "stale.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "");

        var folder = AppPackage.Publish(new AppPublishOptions
        {
            Name = "cloud-run",
            SelfContained = false,
            Properties = ImmutableSortedDictionary<string, string>.Empty.Add("AssemblyName", "bootstrap"),
        }, prebuilt: null, () => _root);

        Assert.Equal(Path.Combine(_root, "artifacts", "publish", "cloud-run"), folder);
        Assert.True(File.Exists(Path.Combine(folder, "bootstrap.dll")));
        Assert.True(File.Exists(Path.Combine(folder, "bootstrap")), "the linux-x64 apphost is in the package");
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void A_failed_publish_stops_the_run_with_the_build_errors_and_masks_credentials_in_urls()
    {
        WriteProject("""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <Target Name="FailEarly" BeforeTargets="Restore;_GenerateRestoreGraph">
                <Error Text="Unable to load the service index for source https://builder:s3cr3t-token@feed.example.test/v3/index.json." />
              </Target>
            </Project>
            """);

        var error = Assert.Throws<RunException>(() => AppPackage.Publish(new AppPublishOptions { Name = "app-service" }, null, () => _root));

        Assert.StartsWith("Publishing the ingestion app failed: `dotnet publish app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj "
            + "-c Release -r linux-x64 --self-contained true -o <output> -nologo` exited with code 1. Its last lines:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unable to load the service index for source https://***@feed.example.test/v3/index.json.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-token", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Fix the build (try the same command in {_root}), or set DESTINATIONKIT_APP_PACKAGE to the folder of an app you published yourself.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clone_is_found_above_the_program_and_its_absence_is_a_clear_error()
    {
        WriteProject("<Project />");
        var bin = Directory.CreateDirectory(Path.Combine(_root, "infra", "DestinationKit.Infra", "bin", "Debug", "net10.0")).FullName;
        var elsewhere = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dk-app-package-elsewhere-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            Assert.Equal(_root, AppPackage.FindRepositoryRoot(bin, elsewhere));
            Assert.Equal(_root, AppPackage.FindRepositoryRoot(elsewhere, bin));
            var error = Assert.Throws<RunException>(() => AppPackage.FindRepositoryRoot(elsewhere));
            Assert.Equal($"The ingestion app's project (app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj) was not found above {elsewhere}: "
                + "run the program from a clone of the repository, or set DESTINATIONKIT_APP_PACKAGE to the folder of a published app.", error.Message);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void A_folder_name_that_is_not_a_plain_name_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => AppPackage.Publish(new AppPublishOptions { Name = "../escape" }, null, () => _root));
    }

    private void WriteProject(string xml)
    {
        var project = Path.Combine(_root, AppPackage.ProjectPath);
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        File.WriteAllText(project, xml);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
