using System.Diagnostics;
using System.Text.Json.Nodes;

namespace DestinationKit.Automation.Cli;

/// <summary>Runs the test command of <c>ephemeral</c> with the stack's outputs in a private temporary file.</summary>
internal static class TestProcess
{
    public static async Task<int> RunAsync(string[] command, DestinationOutputs outputs, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dk-outputs-{Guid.NewGuid():N}.json");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            await using (var stream = new FileStream(file, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(OutputsJson(outputs)).ConfigureAwait(false);
            }
            var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
            foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
            start.Environment[DeploymentCommands.OutputsVariable] = file;
            start.Environment[DeploymentCommands.StackVariable] = outputs.StackName;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return process.ExitCode;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The outputs as <c>pulumi stack output --json --show-secrets</c> writes them.</summary>
    internal static string OutputsJson(DestinationOutputs outputs)
    {
        var json = new JsonObject();
        foreach (var (key, value) in outputs.Raw.OrderBy(o => o.Key, StringComparer.Ordinal))
            json[key] = value.Value is string text ? JsonValue.Create(text) : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(value.Value));
        return json.ToJsonString() + "\n";
    }
}
