using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DestinationKit.Ingestion.Tests.Provisioned;

/// <summary>
/// AWS Systems Manager's GetParameter on 127.0.0.1, in the service's JSON protocol (awsJson1_1: <c>POST /</c>,
/// <c>X-Amz-Target: AmazonSSM.GetParameter</c>, a JSON body; errors as <c>{"__type", "message"}</c>), with the
/// parameters a test puts in it. It records each request, so a test can check what the SDK sent.
/// </summary>
public sealed class SsmStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SsmStub(WebApplication app) => _app = app;

    public sealed record Parameter(string Value, string Type = "SecureString");

    public sealed record Request(string? Target, string? ContentType, string? Authorization, string Body);

    /// <summary>Name (or ARN) → parameter.</summary>
    public ConcurrentDictionary<string, Parameter> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Names whose read is refused as an IAM policy would refuse it.</summary>
    public ConcurrentDictionary<string, bool> Denied { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<Request> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    public static async Task<SsmStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new SsmStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.Endpoint = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return stub;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        string? target = context.Request.Headers["X-Amz-Target"];
        Requests.Enqueue(new Request(target, context.Request.ContentType, context.Request.Headers.Authorization, body));
        if (context.Request.Method != "POST" || context.Request.Path != "/" || target != "AmazonSSM.GetParameter")
        {
            await ErrorAsync(context, 400, "UnknownOperationException", $"the stub answers AmazonSSM.GetParameter only, not {context.Request.Method} {context.Request.Path} {target}");
            return;
        }
        var request = JsonNode.Parse(body)!;
        var name = request["Name"]!.GetValue<string>();
        if (Denied.ContainsKey(name))
        {
            await ErrorAsync(context, 400, "AccessDeniedException",
                $"User: arn:aws:sts::123456789012:assumed-role/ingestion/app is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:123456789012:parameter{name} because no identity-based policy allows the ssm:GetParameter action");
            return;
        }
        if (!Parameters.TryGetValue(name, out var parameter))
        {
            await ErrorAsync(context, 400, "ParameterNotFound", "");
            return;
        }
        var decrypt = request["WithDecryption"]?.GetValue<bool>() == true;
        var response = new JsonObject
        {
            ["Parameter"] = new JsonObject
            {
                ["ARN"] = $"arn:aws:ssm:eu-west-1:123456789012:parameter{name}",
                ["DataType"] = "text",
                ["LastModifiedDate"] = 1.7e9,
                ["Name"] = name,
                ["Type"] = parameter.Type,
                // Without decryption, SSM answers a SecureString's ciphertext.
                ["Value"] = decrypt || parameter.Type != "SecureString" ? parameter.Value : "AQICAHh-ciphertext",
                ["Version"] = 1,
            },
        };
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(response.ToJsonString());
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
