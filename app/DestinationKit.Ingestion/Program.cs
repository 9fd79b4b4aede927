using DestinationKit.Ingestion;
using DestinationKit.Ingestion.Auth;
using DestinationKit.Ingestion.Batch;

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
app.UseIngestion();
app.Lifetime.ApplicationStarted.Register(() => AdminCli.PrintWelcome(app));
try
{
    await app.RunAsync().ConfigureAwait(false);
}
catch (ProvisionedCredentialsException e)
{
    // A deployment mistake, not a bug: its message says what to fix; a stack trace would only bury it.
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 1;
}
return 0;

/// <summary>The app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
