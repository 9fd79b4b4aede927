using System.Text.Json.Nodes;

namespace DestinationKit.Simulator.Pebble;

/// <summary>A template in the subset of Pebble (https://pebbletemplates.io) that AEP's Destination SDK allows for
/// streaming request bodies, rendered as Pebble would render it with its default settings (autoescaping on with
/// the html strategy, strictVariables off, newline trimming on).
/// <see cref="Parse"/> rejects syntax errors and constructs AEP does not allow; <see cref="Render"/> is pure and
/// may be called concurrently.</summary>
public sealed class PebbleTemplate
{
    private readonly IReadOnlyList<Node> nodes;

    private PebbleTemplate(IReadOnlyList<Node> nodes) => this.nodes = nodes;

    /// <exception cref="PebbleTemplateException">A syntax error or a construct AEP does not allow.</exception>
    public static PebbleTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = new SourceText(source);
        return new PebbleTemplate(Parser.Parse(Lexer.Tokenize(text)));
    }

    /// <summary>Renders with the context's properties as root variables ("input", "destination", "customerData"...).
    /// JSON objects are maps (iterated in key order), arrays are lists, integral numbers are Java longs.</summary>
    /// <exception cref="PebbleTemplateException">An error while rendering, such as a filter given the wrong type.</exception>
    public string Render(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Renderer.Render(nodes, (PebbleMap)Values.FromJson(context)!);
    }
}
