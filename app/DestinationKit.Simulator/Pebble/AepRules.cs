namespace DestinationKit.Simulator.Pebble;

/// <summary>What AEP's Destination SDK lets a template use, checked when the template is parsed. Adobe's list
/// (supported-functions.md): the tags for, if, set and filter; every Pebble filter; Pebble's functions except range;
/// Adobe's added/removed filters and addedSegments/removedSegments/hasSegments functions.
/// We check names and arguments at parse time, where Pebble would fail only when the expression runs, so a mistake
/// in a branch the sample profiles never reach still fails the configuration tests.</summary>
internal static class AepRules
{
    private const string AllowedTags = "for, if, set, filter";

    /// <summary>Pebble core filters this simulator has not implemented: allowed by AEP, so not "unknown".</summary>
    private static readonly HashSet<string> UnimplementedPebbleFilters =
    [
        "abbreviate", "base64decode", "base64encode", "format", "merge", "nl2br", "numberformat", "reverse", "rsort",
        "sha256", "slice", "sort", "split", "urlencode",
    ];

    /// <summary>Names people reach for from Twig or Jinja that Pebble does not have.</summary>
    private static readonly Dictionary<string, string> NotPebbleFilters = new()
    {
        ["e"] = "filter 'e' does not exist in Pebble ('e' is Twig's alias): use 'escape'",
        ["keys"] = "filter 'keys' does not exist in Pebble: iterate the map ({% for entry in map %}) and use entry.key",
        ["toJson"] = "filter 'toJson' is not a Pebble filter, and Adobe does not document it; "
            + "write the JSON in the template and escape values with escape(strategy=\"json\")",
        ["json_encode"] = "filter 'json_encode' does not exist in Pebble: use escape(strategy=\"json\") inside quotes",
        ["safe"] = "filter 'safe' does not exist in Pebble: use 'raw'",
    };

    public static string DisallowedTag(string name) =>
        $"tag '{name}' is not allowed by AEP's Destination SDK (allowed: {AllowedTags})";

    public static string UnexpectedEndTag(string name, string? openTag) => openTag is null
        ? $"unexpected '{name}': no '{OpenerOf(name)}' block is open here"
        : $"unexpected '{name}' inside '{openTag}'";

    public static string? CheckFilter(string name, Arguments args)
    {
        if (Filters.All.TryGetValue(name, out var spec))
        {
            return CheckArguments($"filter '{name}'", spec.ArgumentNames, args);
        }

        if (NotPebbleFilters.TryGetValue(name, out var hint))
        {
            return hint;
        }

        if (UnimplementedPebbleFilters.Contains(name))
        {
            return $"filter '{name}' is a Pebble filter that AEP allows, but this simulator does not implement it yet "
                + $"(implemented: {string.Join(", ", Filters.All.Keys.Order(StringComparer.Ordinal))})";
        }

        return $"filter '{name}' does not exist in Pebble or in Adobe's additions "
            + $"(available: {string.Join(", ", Filters.All.Keys.Order(StringComparer.Ordinal))})";
    }

    public static string? CheckFunction(string name, Arguments args)
    {
        if (Functions.All.TryGetValue(name, out var spec))
        {
            return spec.ArgumentCount is { } count && (args.Positional.Count != count || args.Named.Count > 0)
                ? $"function '{name}' takes exactly {count} argument (a map such as profile.segmentMembership.ups)"
                : null;
        }

        return name switch
        {
            "range" => "function 'range' is not supported by AEP's Destination SDK",
            "block" or "parent" => $"function '{name}' belongs to template inheritance, which AEP's Destination SDK "
                + $"does not allow (allowed tags: {AllowedTags})",
            "i18n" => "function 'i18n' needs Java resource bundles, which AEP's templates do not have",
            _ => $"function '{name}' does not exist (available: "
                + $"{string.Join(", ", Functions.All.Keys.Order(StringComparer.Ordinal))}); "
                + $"macros are not available either: AEP's Destination SDK allows only the tags {AllowedTags}",
        };
    }

    public static string? CheckTest(string name) => Tests.All.ContainsKey(name)
        ? null
        : $"test '{name}' does not exist in Pebble (available: {string.Join(", ", Tests.All.Keys.Order(StringComparer.Ordinal))})";

    /// <summary>Pebble's ArgumentsNode.getArgumentMap rules: positional arguments fill the declared names in order,
    /// named ones must be declared; a filter that declares no names takes anything.</summary>
    private static string? CheckArguments(string what, IReadOnlyList<string>? names, Arguments args)
    {
        if (names is null || names.Count == 0)
        {
            return null;
        }

        if (args.Positional.Count > names.Count)
        {
            return $"{what} takes at most {names.Count} argument(s): {string.Join(", ", names)}";
        }

        foreach (var (name, _) in args.Named)
        {
            if (!names.Contains(name))
            {
                return $"{what} has no argument named '{name}' (its arguments: {string.Join(", ", names)})";
            }
        }

        return null;
    }

    private static string OpenerOf(string endTag) => endTag switch
    {
        "endfor" => "for",
        "endfilter" => "filter",
        "else" => "if' or 'for",
        _ => "if",
    };
}
