using System.Text;
using DestinationKit.Model.Configuration;

namespace DestinationKit.Model.Documentation;

/// <summary>Writes docs/configuration.md from <see cref="ConfigKeys"/>, the same metadata the parser accepts, so
/// the reference cannot drift from the code (a test compares the committed file with this output).</summary>
public static class ConfigurationReference
{
    public static string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Configuration reference");
        md.AppendLine();
        md.AppendLine("<!-- Generated from infra/DestinationKit.Model/Configuration/ConfigKeys.cs; do not edit by hand.");
        md.AppendLine("     Regenerate with: UPDATE_GOLDEN=1 dotnet test tests/DestinationKit.Model.Tests -->");
        md.AppendLine();
        md.AppendLine("Every setting lives in the stack's configuration under the `destination` namespace, as Pulumi stores it in");
        md.AppendLine("`Pulumi.<stack>.yaml`. Plain values are strings; lists and objects are JSON text:");
        md.AppendLine();
        md.AppendLine("```sh");
        md.AppendLine("pulumi config set destination:mode batch");
        md.AppendLine("pulumi config set destination:tenants '[\"acme\", {\"id\": \"globex\", \"name\": \"Globex Corp\"}]'");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("The whole configuration is checked before anything is created, and every problem is reported at once,");
        md.AppendLine("each naming the key (with the path inside a JSON value, such as `destination:app.burstLimit`), the value");
        md.AppendLine("received and what is allowed. Unknown keys and unknown JSON fields are errors, with a suggestion when one");
        md.AppendLine("is close. A key that does not apply to the chosen mode or target is an error too, so nothing is silently ignored.");
        md.AppendLine();
        md.AppendLine("## Secrets");
        md.AppendLine();
        md.AppendLine("Keys marked **secret** must be stored encrypted; a plain-text value is rejected. Set them with");
        md.AppendLine("`--secret`, for example:");
        md.AppendLine();
        md.AppendLine("```sh");
        foreach (var key in ConfigKeys.All.Where(k => k.IsSecret))
            md.AppendLine($"pulumi config set --secret {key.FullName} '<value>'");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Messages about a secret describe what is wrong with it and never repeat it. Credentials the stack creates");
        md.AppendLine("(keys, client secrets, connection strings) are Pulumi secrets in the stack outputs.");
        md.AppendLine();
        md.AppendLine("## Keys");
        md.AppendLine();
        md.AppendLine("| key | type | default | applies to | description |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var key in ConfigKeys.All)
        {
            var secret = key.IsSecret ? " **secret**" : "";
            var fields = key.Fields is null ? "" : $" Fields: [below](#{key.Name.ToLowerInvariant()}).";
            md.AppendLine($"| `{key.Name}`{secret} | {key.Type} | {key.Default} | {key.AppliesTo} | {Cell(key.Description)}{fields} |");
        }
        foreach (var key in ConfigKeys.All.Where(k => k.Fields is not null))
        {
            md.AppendLine();
            md.AppendLine($"### {key.Name}");
            md.AppendLine();
            md.AppendLine("| field | type | default | description |");
            md.AppendLine("|---|---|---|---|");
            foreach (var field in key.Fields!)
                md.AppendLine($"| `{field.Name}` | {field.Type} | {field.Default} | {Cell(field.Description)} |");
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
