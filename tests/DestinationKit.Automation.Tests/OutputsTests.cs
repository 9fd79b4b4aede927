using DestinationKit.Automation.Driver;

namespace DestinationKit.Automation.Tests;

public class OutputsTests
{
    [Fact]
    public void Gcs_outputs_become_typed_results()
    {
        var outputs = DestinationOutputs.From("prod", Outputs.Gcs("prod"));

        Assert.Equal("prod", outputs.StackName);
        Assert.Equal("gcp-gcs", outputs.Target);
        Assert.Equal(Outputs.AepJson, outputs.AepConfigurationJson);
        Assert.Equal("acme-landing-abcdefgh", outputs.Bucket);
        Assert.Null(outputs.Endpoint);
        var acme = Assert.Single(outputs.Credentials).Value;
        Assert.Equal("acme", acme.TenantId);
        Assert.Equal(Outputs.HmacSecret, acme.Fields["secretAccessKey"]);
        Assert.Equal("GOOG1EXAMPLE", acme.Fields["accessId"]);
        Assert.DoesNotContain(Outputs.HmacSecret, acme.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Outputs.HmacSecret, outputs.Raw["credentials"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_streaming_endpoint_is_a_uri()
    {
        var raw = Outputs.Dlz("s");
        raw["endpoint"] = new StackOutputValue("https://abc.execute-api.eu-west-1.amazonaws.com/", false);

        Assert.Equal(new Uri("https://abc.execute-api.eu-west-1.amazonaws.com/"), DestinationOutputs.From("s", raw).Endpoint);
    }

    [Fact]
    public void A_stack_without_the_templates_outputs_is_reported()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DestinationOutputs.From("empty", new Dictionary<string, StackOutputValue>()));

        Assert.Equal("stack empty has no target output: it is not deployed, or not a DestinationKit stack", error.Message);
    }

    [Fact]
    public void Malformed_credentials_are_reported_without_their_content()
    {
        var raw = Outputs.Gcs("p");
        raw["credentials"] = new StackOutputValue("not json " + Outputs.HmacSecret, true);

        var error = Assert.Throws<InvalidOperationException>(() => DestinationOutputs.From("p", raw));

        Assert.DoesNotContain(Outputs.HmacSecret, error.Message, StringComparison.Ordinal);
    }
}
