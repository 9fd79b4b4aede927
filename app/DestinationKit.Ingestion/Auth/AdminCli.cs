using System.Globalization;
using DestinationKit.Ingestion.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DestinationKit.Ingestion.Auth;

/// <summary>
/// <c>dotnet run -- keys create --tenant acme</c> and friends: manage API keys and OAuth clients in the data folder
/// directly (whoever can run this can read the data folder anyway). Secrets are printed once.
/// </summary>
public static class AdminCli
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "keys" or "clients" or "help" or "--help";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args[0] is "help" or "--help" || args.Length < 2)
        {
            output.WriteLine(Usage);
            return args[0] is "help" or "--help" ? 0 : 2;
        }
        var (noun, verb) = (args[0], args[1]);
        var options = ParseOptions(args.AsSpan(2));
        // The same settings as the server: appsettings.json next to the app, environment variables, then --Key=value.
        var config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray())
            .Build();
        var ingestion = config.GetSection(IngestionOptions.Section).Get<IngestionOptions>() ?? new IngestionOptions();
        var contentRoot = config["contentRoot"] ?? Directory.GetCurrentDirectory();
        var store = new CredentialStore(SqliteStore.ResolveDataDirectory(ingestion.DataDirectory, contentRoot), TimeSpan.Zero);
        options.TryGetValue("tenant", out var tenant);
        if (tenant is null || !CredentialStore.IsValidTenant(tenant))
        {
            error.WriteLine("--tenant <id> is required: 1-64 characters of a-z, 0-9, '-' and '_'.");
            return 2;
        }
        options.TryGetValue("label", out var label);
        options.TryGetValue("id", out var id);
        switch (noun, verb)
        {
            case ("keys", "create"):
                var key = store.CreateApiKey(tenant, label);
                output.WriteLine($"API key for tenant {key.Tenant} (id {key.Id}); it is shown only now:");
                output.WriteLine(key.Secret);
                return 0;
            case ("keys", "list"):
                foreach (var k in store.ListApiKeys(tenant))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k.KeyId}\t{k.CreatedAt:O}\t{(k.RevokedAt is null ? "active" : "revoked " + k.RevokedAt.Value.ToString("O", CultureInfo.InvariantCulture))}\t{k.Label}"));
                }
                return 0;
            case ("keys", "revoke") when id is not null:
                if (store.RevokeApiKey(tenant, id))
                {
                    output.WriteLine($"Revoked key {id} of tenant {tenant}.");
                    return 0;
                }
                error.WriteLine($"No key {id} for tenant {tenant}.");
                return 1;
            case ("clients", "create"):
                var client = store.CreateClient(tenant, label);
                output.WriteLine($"OAuth client for tenant {client.Tenant}; the secret is shown only now:");
                output.WriteLine($"client_id={client.Id}");
                output.WriteLine($"client_secret={client.Secret}");
                return 0;
            case ("clients", "list"):
                foreach (var c in store.ListClients(tenant))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.ClientId}\t{c.CreatedAt:O}\t{(c.RevokedAt is null ? "active" : "revoked")}\t{c.Label}"));
                }
                return 0;
            case ("clients", "revoke") when id is not null:
                if (store.RevokeClient(tenant, id))
                {
                    output.WriteLine($"Revoked client {id} of tenant {tenant}.");
                    return 0;
                }
                error.WriteLine($"No client {id} for tenant {tenant}.");
                return 1;
            default:
                error.WriteLine(Usage);
                return 2;
        }
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
            {
                result[args[i][2..]] = args[++i];
            }
        }
        return result;
    }

    public const string Usage = """
        Usage: dotnet run --project app/DestinationKit.Ingestion -- <command>
          keys create --tenant <id> [--label <text>]     create an API key (send it as Authorization: Bearer <key>)
          keys list --tenant <id>
          keys revoke --tenant <id> --id <keyId>
          clients create --tenant <id> [--label <text>]  create an OAuth 2.0 client (client credentials)
          clients list --tenant <id>
          clients revoke --tenant <id> --id <clientId>
        Settings (data folder etc.) as for the server, e.g. --Ingestion:DataDirectory=/var/lib/dk.
        """;

    public static void PrintWelcome(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        var store = app.Services.GetRequiredService<SqliteStore>();
        Console.WriteLine($"""

            DestinationKit ingestion app listening on {string.Join(", ", addresses)}; data in {store.DataDirectory}
              API key:      dotnet run --project app/DestinationKit.Ingestion -- keys create --tenant acme
              OAuth client: dotnet run --project app/DestinationKit.Ingestion -- clients create --tenant acme
              Token:        curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials {url}/oauth2/token
              Send:         curl -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d @body.json {url}/v1/profiles
              OpenAPI:      {url}/openapi/v1.json
            """);
    }
}
