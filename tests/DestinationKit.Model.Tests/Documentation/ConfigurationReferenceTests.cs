using System.Reflection;
using DestinationKit.Model.Documentation;

namespace DestinationKit.Model.Tests.Documentation;

public class ConfigurationReferenceTests
{
    private static string RepositoryRoot => typeof(ConfigurationReferenceTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void The_committed_configuration_reference_is_current()
    {
        var path = Path.Combine(RepositoryRoot, "docs", "configuration.md");
        var generated = ConfigurationReference.Markdown();
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(path, generated);

        Assert.True(File.Exists(path), $"{path} is missing; run UPDATE_GOLDEN=1 dotnet test tests/DestinationKit.Model.Tests");
        Assert.Equal(generated, File.ReadAllText(path));
    }

    [Fact]
    public void Every_key_and_field_is_documented()
    {
        var markdown = ConfigurationReference.Markdown();
        foreach (var key in Model.Configuration.ConfigKeys.All)
        {
            Assert.Contains($"| `{key.Name}`", markdown, StringComparison.Ordinal);
            foreach (var field in key.FieldNames) Assert.Contains($"| `{field}` |", markdown, StringComparison.Ordinal);
        }
        Assert.Contains("pulumi config set --secret destination:dlzSasUris", markdown, StringComparison.Ordinal);
    }
}
