using DestinationKit.Automation.Driver;
using DestinationKit.Model.Configuration;

namespace DestinationKit.Automation.Tests;

public class StackConfigMappingTests
{
    [Fact]
    public void Every_key_is_set_under_its_full_name_and_only_secret_keys_are_secrets()
    {
        var config = StackConfigMapping.From(Configs.Dlz());

        Assert.Equal(new Dictionary<string, StackConfigValue>
        {
            ["destination:mode"] = new("batch", false),
            ["destination:target"] = new("dlz", false),
            ["destination:tenants"] = new("""["acme"]""", false),
            ["destination:destinationName"] = new("Acme Audiences", false),
            ["destination:dlzSasUris"] = new($$"""{"acme": "{{Configs.SasUri}}"}""", true),
        }, config);
    }

    [Fact]
    public void Provider_keys_pass_through_unchanged()
    {
        var config = StackConfigMapping.From(Configs.Gcs());

        Assert.Equal(new StackConfigValue("acme-prod", false), config["gcp:project"]);
        Assert.Equal(6, config.Count);
        Assert.DoesNotContain(config, c => c.Value.IsSecret);
    }

    [Fact]
    public void A_key_the_caller_marked_secret_stays_secret()
    {
        var values = new Dictionary<string, string>(Configs.Gcs().Values) { ["gcp:credentials"] = "{\"type\": \"service_account\"}" };
        var config = StackConfigMapping.From(StackConfiguration.From("destinationkit", "dev", values, ["gcp:credentials"]));

        Assert.True(config["gcp:credentials"].IsSecret);
        Assert.Equal("[secret]", config["gcp:credentials"].ToString());
    }

    [Fact]
    public void A_secret_key_is_a_secret_even_when_the_caller_forgot_to_mark_it()
    {
        var config = StackConfigMapping.From(Configs.Dlz() with { SecretKeys = new HashSet<string>() });

        Assert.True(config[ConfigKeys.DlzSasUris.FullName].IsSecret);
    }
}
