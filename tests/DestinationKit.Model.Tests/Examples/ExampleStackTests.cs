using System.Reflection;
using DestinationKit.Model.Configuration;
using DestinationKit.Model.Spec;
using YamlDotNet.RepresentationModel;

namespace DestinationKit.Model.Tests.Examples;

/// <summary>The configuration files users start from must be valid as they are.</summary>
public class ExampleStackTests
{
    private static string RepositoryRoot => typeof(ExampleStackTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryRoot, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [Fact]
    public void Pulumi_dev_yaml_is_a_valid_streaming_configuration()
    {
        var config = (YamlMappingNode)Load("Pulumi.dev.yaml")["config"];
        var values = config.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!);

        var (spec, errors) = DestinationSpecParser.TryParse(StackConfiguration.From("destinationkit", "dev", values));

        Assert.Empty(errors);
        Assert.Equal(DestinationTarget.Aws, spec!.Target);
        Assert.Equal(["northwind", "globex"], spec.Tenants.Select(t => t.Id));
        Assert.Equal(500, spec.Streaming!.App.RateLimitPerSecond);
    }

    [Fact]
    public void The_template_defaults_of_Pulumi_yaml_make_a_valid_configuration()
    {
        var template = (YamlMappingNode)((YamlMappingNode)Load("Pulumi.yaml")["template"])["config"];
        var values = template.Children.ToDictionary(
            p => ((YamlScalarNode)p.Key).Value!,
            p => ((YamlScalarNode)((YamlMappingNode)p.Value)["default"]).Value!);

        var (spec, errors) = DestinationSpecParser.TryParse(StackConfiguration.From("destinationkit", "dev", values));

        Assert.Empty(errors);
        Assert.True(spec!.IsStreaming);
        Assert.All(values.Keys, key => Assert.Contains(ConfigKeys.All, k => k.FullName == key));
    }
}
