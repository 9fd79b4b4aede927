using System.Reflection;
using DestinationKit.Gcp.Streaming;
using DestinationKit.Streaming;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace DestinationKit.Gcp.Tests;

/// <summary>How the app's image is named, built and pushed; publishing itself is replaced by a recorder, so no test
/// ever runs <c>dotnet publish</c> or talks to a registry.</summary>
public sealed class ContainerImageTests : IDisposable
{
    private const string RegistryUri = "europe-west1-docker.pkg.dev/test-project/aep-images-abc";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dk-image-tests", Guid.NewGuid().ToString("N"));

    public ContainerImageTests()
    {
        Write(AppPackage.ProjectPath, "<Project />");
        Write("app/DestinationKit.Ingestion/Program.cs", "return 0;");
        Write("Directory.Packages.props", "<Project />");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private sealed record Published(string Root, ContainerTarget Target, string Token);

    /// <summary>Resolves the image inside a Pulumi program (a preview or an update), publishing into a recorder.</summary>
    private async Task<(string Image, bool Secret, List<Published> Published, int TokenRequests)> ResolveAsync(bool preview, string? prebuilt = null)
    {
        var published = new List<Published>();
        var tokenRequests = 0;
        Output<string>? image = null;
        await Deployment.TestAsync(new RecordingMocks(), new TestOptions { IsPreview = preview, ProjectName = Specs.Project, StackName = Specs.Stack }, () =>
        {
            image = ContainerImage.For(Output.Create(RegistryUri), () =>
            {
                tokenRequests++;
                return Output.CreateSecret(GcpBehaviour.AccessToken);
            }, prebuilt, () => _root, (root, target, token) =>
            {
                published.Add(new Published(root, target, token));
                return Task.CompletedTask;
            });
        });
        return (await OutputUtilities.GetValueAsync(image!), await Output.IsSecretAsync(image!), published, tokenRequests);
    }

    [Fact]
    public async Task An_update_builds_and_pushes_the_app_once_with_the_providers_token_and_runs_that_tag()
    {
        var tag = ContainerImage.SourceTag(_root);

        var (image, secret, published, _) = await ResolveAsync(preview: false);

        var push = Assert.Single(published);
        Assert.Equal(_root, push.Root);
        Assert.Equal(new ContainerTarget("europe-west1-docker.pkg.dev", "test-project/aep-images-abc/ingestion", tag), push.Target);
        Assert.Equal(GcpBehaviour.AccessToken, push.Token);
        Assert.Equal($"{RegistryUri}/ingestion:{tag}", image);
        Assert.False(secret, "the image reference holds no secret and must stay readable in Cloud Run's template");
    }

    [Fact]
    public async Task A_preview_names_the_same_image_and_builds_nothing()
    {
        var (image, _, published, tokenRequests) = await ResolveAsync(preview: true);

        Assert.Empty(published);
        Assert.Equal(0, tokenRequests);
        Assert.Equal($"{RegistryUri}/ingestion:{ContainerImage.SourceTag(_root)}", image);
    }

    [Fact]
    public async Task A_prebuilt_image_is_used_as_it_is_and_nothing_is_built()
    {
        const string prebuilt = "europe-docker.pkg.dev/ci/images/ingestion@sha256:0123";

        var (image, _, published, tokenRequests) = await ResolveAsync(preview: false, prebuilt);

        Assert.Equal(prebuilt, image);
        Assert.Empty(published);
        Assert.Equal(0, tokenRequests);
    }

    [Fact]
    public async Task A_prebuilt_image_that_is_not_a_reference_stops_the_run()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ResolveAsync(preview: false, "not an image"));

        Assert.Contains(ContainerImage.OverrideVariable, (error as RunException ?? error.InnerException as RunException ?? throw error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tag_is_a_hash_of_the_app_sources_and_build_settings_only()
    {
        var tag = ContainerImage.SourceTag(_root);
        Assert.Matches("^src-[0-9a-f]{16}$", tag);
        Assert.Equal(tag, ContainerImage.SourceTag(_root));

        // Build output, local data and other projects do not change what is built.
        Write("app/DestinationKit.Ingestion/bin/Release/app.dll", "x");
        Write("app/DestinationKit.Ingestion/obj/project.assets.json", "{}");
        Write("app/DestinationKit.Ingestion/data/log.db", "x");
        Write("app/DestinationKit.Simulator/Program.cs", "x");
        Write("README.md", "x");
        Assert.Equal(tag, ContainerImage.SourceTag(_root));

        Write("app/DestinationKit.Ingestion/Program.cs", "return 1;");
        var changedSource = ContainerImage.SourceTag(_root);
        Assert.NotEqual(tag, changedSource);

        Write("Directory.Packages.props", "<Project><!-- new versions --></Project>");
        Assert.NotEqual(changedSource, ContainerImage.SourceTag(_root));
    }

    [Fact]
    public void A_renamed_file_changes_the_tag()
    {
        var tag = ContainerImage.SourceTag(_root);
        File.Move(Path.Combine(_root, "app/DestinationKit.Ingestion/Program.cs"), Path.Combine(_root, "app/DestinationKit.Ingestion/Main.cs"));

        Assert.NotEqual(tag, ContainerImage.SourceTag(_root));
    }

    [Fact]
    public void The_repositorys_own_app_has_a_tag()
    {
        var repository = typeof(ContainerImageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

        Assert.Equal(Path.GetFullPath(repository).TrimEnd(Path.DirectorySeparatorChar),
            ContainerImage.FindRepositoryRoot(Path.Combine(repository, "tests", "DestinationKit.Gcp.Tests")));
        Assert.Matches("^src-[0-9a-f]{16}$", ContainerImage.SourceTag(repository));
    }

    [Fact]
    public void The_repository_root_is_found_above_the_program_or_the_run_stops_with_what_to_do()
    {
        Assert.Equal(_root, ContainerImage.FindRepositoryRoot(Path.Combine(_root, "infra", "bin"), _root));

        var error = Assert.Throws<RunException>(() => ContainerImage.FindRepositoryRoot(Path.GetTempPath()));
        Assert.Contains(ContainerImage.OverrideVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_publish_command_builds_a_linux_x64_container_for_the_registry_without_credentials_on_its_command_line()
    {
        var target = ContainerTarget.In(RegistryUri, "src-0123456789abcdef");

        Assert.Equal(
        [
            "publish", "app/DestinationKit.Ingestion/DestinationKit.Ingestion.csproj", "-c", "Release", "-r", "linux-x64", "-t:PublishContainer", "-nologo",
            "-p:ContainerRegistry=europe-west1-docker.pkg.dev",
            "-p:ContainerRepository=test-project/aep-images-abc/ingestion",
            "-p:ContainerImageTag=src-0123456789abcdef",
        ], ContainerImage.Arguments(target));
        Assert.Equal("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", ContainerImage.UserVariable);
        Assert.Equal("DOTNET_CONTAINER_PUSH_REGISTRY_PWORD", ContainerImage.PasswordVariable);
        Assert.Equal("oauth2accesstoken", ContainerImage.AccessTokenUser);
    }

    [Fact]
    public void A_registry_uri_without_a_path_is_not_a_repository()
    {
        Assert.Throws<ArgumentException>(() => ContainerTarget.In("europe-west1-docker.pkg.dev", "t"));
    }

    [Fact]
    public void The_build_log_shown_on_failure_never_contains_the_token_or_url_credentials()
    {
        string[] log =
        [
            "",
            "error CONTAINER1013: Failed to push to the output registry: 403 Forbidden (token ya29.secret-token)",
            "warn: feed https://user:feedpassword@pkgs.example/index.json",
        ];

        var tail = ContainerImage.Tail(log, "ya29.secret-token");

        Assert.DoesNotContain("ya29.secret-token", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("feedpassword", tail, StringComparison.Ordinal);
        Assert.Contains("CONTAINER1013", tail, StringComparison.Ordinal);
        Assert.Equal(2, tail.Split(Environment.NewLine).Length);
    }
}
