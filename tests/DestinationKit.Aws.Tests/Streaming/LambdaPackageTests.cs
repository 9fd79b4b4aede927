using System.IO.Compression;
using System.Text;
using DestinationKit.Aws.Streaming;
using Pulumi;

namespace DestinationKit.Aws.Tests.Streaming;

/// <summary>The zip Lambda's custom runtime unpacks: the app and a bootstrap that starts it, executable where it must
/// be, and the same bytes for the same app.</summary>
public sealed class LambdaPackageTests(StreamingFixture fixture) : IClassFixture<StreamingFixture>
{
    [Fact]
    public void The_package_holds_the_bootstrap_and_the_app_with_unix_modes_in_ordinal_order()
    {
        var package = LambdaPackage.Create(fixture.AppFolder, Path.Combine(fixture.Root, "modes"));

        using var zip = ZipFile.OpenRead(package.ZipPath);
        Assert.Equal(["bootstrap", "DestinationKit.Ingestion", "DestinationKit.Ingestion.dll", "appsettings.json", "runtimes/libe_sqlite3.so"],
            zip.Entries.Select(e => e.FullName));
        Assert.Equal(Convert.ToInt32("100755", 8), UnixMode(zip.GetEntry("bootstrap")!));
        Assert.Equal(Convert.ToInt32("100755", 8), UnixMode(zip.GetEntry("DestinationKit.Ingestion")!));
        Assert.Equal(Convert.ToInt32("100644", 8), UnixMode(zip.GetEntry("runtimes/libe_sqlite3.so")!));
        // Made on Unix (upper byte of "version made by" = 3), or unzip tools ignore those modes.
        Assert.Equal(zip.Entries.Count, MadeOnUnix(File.ReadAllBytes(package.ZipPath)));
        using var reader = new StreamReader(zip.GetEntry("bootstrap")!.Open(), Encoding.UTF8);
        var bootstrap = reader.ReadToEnd();
        Assert.StartsWith("#!/bin/sh\n", bootstrap, StringComparison.Ordinal);
        Assert.EndsWith("exec \"$LAMBDA_TASK_ROOT/DestinationKit.Ingestion\"\n", bootstrap, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", bootstrap, StringComparison.Ordinal);
        Assert.Equal($"deployments/ingestion-{package.Sha256Hex}.zip", package.ObjectKey);
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(package.Sha256Hex)), package.Sha256Base64);
    }

    [Fact]
    public void The_same_app_gives_the_same_package_and_a_changed_app_another()
    {
        var first = LambdaPackage.Create(fixture.AppFolder, Path.Combine(fixture.Root, "same-1"));
        File.SetLastWriteTimeUtc(Path.Combine(fixture.AppFolder, "appsettings.json"), DateTime.UtcNow.AddDays(-3));
        var second = LambdaPackage.Create(fixture.AppFolder, Path.Combine(fixture.Root, "same-2"));
        Assert.Equal(first.Sha256Hex, second.Sha256Hex);
        Assert.Equal(File.ReadAllBytes(first.ZipPath), File.ReadAllBytes(second.ZipPath));

        // Asked again for the same app, the zip already written is reused, not written again.
        var writtenAt = File.GetLastWriteTimeUtc(first.ZipPath);
        Thread.Sleep(20);
        var again = LambdaPackage.Create(fixture.AppFolder, Path.Combine(fixture.Root, "same-1"));
        Assert.Equal(first, again);
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(again.ZipPath));
        Assert.Single(Directory.GetFiles(Path.Combine(fixture.Root, "same-1")));

        var changed = Path.Combine(fixture.Root, "changed-app");
        CopyFolder(fixture.AppFolder, changed);
        File.WriteAllText(Path.Combine(changed, "appsettings.json"), """{"Logging": {}}""");
        Assert.NotEqual(first.Sha256Hex, LambdaPackage.Create(changed, Path.Combine(fixture.Root, "same-3")).Sha256Hex);
    }

    [Fact]
    public void A_folder_with_its_own_bootstrap_is_refused()
    {
        var app = Path.Combine(fixture.Root, "with-bootstrap");
        CopyFolder(fixture.AppFolder, app);
        File.WriteAllText(Path.Combine(app, "bootstrap"), "#!/bin/sh\n");

        var error = Assert.Throws<RunException>(() => LambdaPackage.Create(app, Path.Combine(fixture.Root, "refused")));
        Assert.Equal($"{app} already holds a file named bootstrap, which the Lambda package adds itself; remove it.", error.Message);
        Assert.False(Directory.Exists(Path.Combine(fixture.Root, "refused")));
    }

    /// <summary>The upper 16 bits of the external attributes: the Unix file type and permissions.</summary>
    private static int UnixMode(ZipArchiveEntry entry) => (int)((uint)entry.ExternalAttributes >> 16);

    /// <summary>Central directory entries (signature PK\x01\x02) whose "version made by" names Unix.</summary>
    private static int MadeOnUnix(byte[] zip) =>
        Enumerable.Range(0, zip.Length - 6).Count(i => zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 1 && zip[i + 3] == 2 && zip[i + 5] == 3);

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
