using DestinationKit.Ingestion;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Infrastructure;

if (BatchCli.IsCommand(args))
{
    return await BatchCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
}

if (AdminCli.IsCommand(args))
{
    return AdminCli.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddIngestion();
var app = builder.Build();
try
{
    // Before the host starts: the host logs a failure of its own start with a stack trace, which would only bury the
    // message of a deployment mistake (what to fix, never a secret). The token service checks Auth:External.
    _ = app.Services.GetRequiredService<ProvisionedCredentials>();
    _ = app.Services.GetRequiredService<TokenService>();
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 1;
}
app.UseIngestion();
app.Lifetime.ApplicationStarted.Register(() => AdminCli.PrintWelcome(app));
await app.RunAsync().ConfigureAwait(false);
return 0;

/// <summary>The app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
