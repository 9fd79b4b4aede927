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
await app.RunAsync().ConfigureAwait(false);
return 0;

/// <summary>The app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
