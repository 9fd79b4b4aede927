using System.Globalization;
using System.Text;

namespace DestinationKit.Simulator.Pebble;

/// <summary>Renders a parsed template against one context. Evaluation follows Pebble with strictVariables off: a
/// missing variable, key or index is null, attributes of null are null, and null prints as nothing.</summary>
internal sealed class Renderer
{
    private readonly ScopeChain scopes;
    private StringBuilder output = new();

    private Renderer(PebbleMap context) => scopes = new ScopeChain(context);

    public static string Render(IReadOnlyList<Node> nodes, PebbleMap context)
    {
        var renderer = new Renderer(context);
        renderer.RenderNodes(nodes);
        return renderer.output.ToString();
    }

    private void RenderNodes(IReadOnlyList<Node> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case PrintNode print:
                    if (Evaluate(print.Expression) is { } value)
                    {
                        output.Append(Values.ToJavaString(value));
                    }

                    break;
                case ForNode loop:
                    RenderFor(loop);
                    break;
                case IfNode branches:
                    RenderIf(branches);
                    break;
                case SetNode set:
                    scopes.Set(set.Name, Evaluate(set.Value));
                    break;
            }
        }
    }

    private void RenderFor(ForNode node)
    {
        var iterable = Evaluate(node.Iterable);

        // Pebble renders nothing at all, not even the else branch, when the iterable is null.
        if (iterable is null)
        {
            return;
        }

        IReadOnlyList<object?> items = iterable switch
        {
            List<object?> list => list,
            PebbleMap map => map.Entries.ToList<object?>(),
            _ => throw node.Iterable.Position.Error(
                $"'for' needs a list or a map to iterate, not {Values.TypeName(iterable)} ({Values.ToJavaString(iterable)})"),
        };

        if (items.Count == 0)
        {
            if (node.Else is not null)
            {
                RenderNodes(node.Else);
            }

            return;
        }

        scopes.Push();
        var loop = new LoopInfo(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            loop.Index = i;
            loop.First = i == 0;
            loop.Last = i == items.Count - 1;
            scopes.Put("loop", loop);
            scopes.Put(node.Variable, items[i]);
            RenderNodes(node.Body);
        }

        scopes.Pop();
    }

    private void RenderIf(IfNode node)
    {
        foreach (var branch in node.Branches)
        {
            if (Condition(branch.Condition, "an 'if' condition"))
            {
                RenderNodes(branch.Body);
                return;
            }
        }

        if (node.Else is not null)
        {
            RenderNodes(node.Else);
        }
    }

    private bool Condition(Expr expression, string construct)
    {
        var value = Evaluate(expression);
        try
        {
            return Operators.Truthy(value, construct);
        }
        catch (PebbleRuntimeException e)
        {
            throw expression.Position.Error(e.Message);
        }
    }

    /// <summary>Evaluates an expression; operator and filter failures are reported at the innermost expression
    /// that raised them (children convert their own failures before the parent sees them).</summary>
    private object? Evaluate(Expr expression)
    {
        try
        {
            return EvaluateCore(expression);
        }
        catch (PebbleRuntimeException e)
        {
            throw expression.Position.Error(e.Message);
        }
    }

    private object? EvaluateCore(Expr expression) => expression switch
    {
        LiteralExpr literal => literal.Value,
        VariableExpr variable => scopes.Get(variable.Name),
        AttributeExpr attribute => Attribute(Evaluate(attribute.Target), Evaluate(attribute.Attribute)),
        ListExpr list => list.Items.Select(Evaluate).ToList(),
        MapExpr map => BuildMap(map),
        UnaryExpr { Op: UnaryOp.Not } not => !Condition(not.Operand, "'not'"),
        UnaryExpr { Op: UnaryOp.Minus } minus => Operators.Negate(Evaluate(minus.Operand)),
        UnaryExpr plus => Operators.Plus(Evaluate(plus.Operand)),
        BinaryExpr { Op: BinaryOp.And } and => Condition(and.Left, "'and'") && Condition(and.Right, "'and'"),
        BinaryExpr { Op: BinaryOp.Or } or => Condition(or.Left, "'or'") || Condition(or.Right, "'or'"),
        BinaryExpr binary => Operators.Binary(binary.Op, Evaluate(binary.Left), Evaluate(binary.Right)),
        TernaryExpr ternary => Evaluate(Condition(ternary.Condition, "the condition of '?:'") ? ternary.Then : ternary.Else),
        FilterExpr filter => ApplyFilter(filter),
        TestExpr test => Tests.All[test.Name](Evaluate(test.Input)) != test.Negated,
        FunctionExpr function => CallFunction(function),
        BodyExpr body => RenderToString(body.Body),
        _ => throw new InvalidOperationException($"unknown expression {expression.GetType().Name}"),
    };

    private object? ApplyFilter(FilterExpr filter)
    {
        var spec = Filters.All[filter.Name];
        var args = EvaluateArguments(filter.Args, spec.ArgumentNames);
        var input = Evaluate(filter.Input);

        // Pebble hands every filter but escape a plain string instead of a SafeString, so only escape can keep
        // output safe from autoescaping.
        if (input is SafeString safe && filter.Name != "escape")
        {
            input = safe.Content;
        }

        return spec.Apply(input, args);
    }

    private object? CallFunction(FunctionExpr function)
    {
        var spec = Functions.All[function.Name];
        foreach (var (_, value) in function.Args.Named)
        {
            Evaluate(value);
        }

        return spec.Apply(function.Args.Positional.Select(Evaluate).ToList());
    }

    /// <summary>Pebble's ArgumentsNode.getArgumentMap: positional arguments take the declared names in order, or the
    /// names "0", "1", ... when the filter declares none.</summary>
    private Dictionary<string, object?> EvaluateArguments(Arguments args, IReadOnlyList<string>? names)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Positional.Count; i++)
        {
            var name = names is { Count: > 0 } ? names[i] : i.ToString(CultureInfo.InvariantCulture);
            result[name] = Evaluate(args.Positional[i]);
        }

        foreach (var (name, value) in args.Named)
        {
            result[name] = Evaluate(value);
        }

        return result;
    }

    private PebbleMap BuildMap(MapExpr map)
    {
        var result = new PebbleMap();
        foreach (var (keyExpression, valueExpression) in map.Entries)
        {
            var key = Evaluate(keyExpression) ?? throw keyExpression.Position.Error("a map literal's key is null");
            result.Put(key, Evaluate(valueExpression));
        }

        return result;
    }

    private string RenderToString(IReadOnlyList<Node> body)
    {
        var outer = output;
        output = new StringBuilder();
        try
        {
            RenderNodes(body);
            return output.ToString();
        }
        finally
        {
            output = outer;
        }
    }

    /// <summary>Pebble's attribute resolution over our value model: a map by key, a list by an index that reads as a
    /// Java int, a map entry's key/value, the loop's fields; anything else is null. (Java members such as a map's
    /// size() or a string's length() are not modelled: AEP's data is JSON.)</summary>
    private static object? Attribute(object? target, object? attribute)
    {
        switch (target)
        {
            case PebbleMap map:
                if (map.Count == 0)
                {
                    return null;
                }

                if (Operators.IsNumber(attribute))
                {
                    // MapResolver casts a numeric key to the class of the map's first key, and gives up on strings.
                    attribute = map.FirstKey switch
                    {
                        long => attribute is double d ? (long)d : attribute,
                        double => attribute is long l ? (double)l : attribute,
                        var first => throw new PebbleRuntimeException(
                            $"a map whose keys are {Values.TypeName(first)}s can not be indexed with the number {Values.ToJavaString(attribute!)}: use a string key"),
                    };
                }

                return map.Get(attribute);
            case List<object?> list:
                return int.TryParse(Values.StringValueOf(attribute), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
                    && index >= 0 && index < list.Count
                        ? list[index]
                        : null;
            case MapEntry entry:
                return Values.StringValueOf(attribute) switch
                {
                    "key" => entry.Key,
                    "value" => entry.Value,
                    _ => null,
                };
            case LoopInfo loop:
                return loop.Attribute(Values.StringValueOf(attribute));
            default:
                return null;
        }
    }

    /// <summary>Pebble's ScopeChain: a for loop opens a scope; set assigns where the name already lives, else in the
    /// innermost scope (so a variable first set inside a loop is gone after it, while one set before the loop is
    /// updated by the loop).</summary>
    private sealed class ScopeChain
    {
        private readonly List<Dictionary<string, object?>> scopes = [];

        public ScopeChain(PebbleMap context)
        {
            var root = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var entry in context.Entries)
            {
                root[Values.ToJavaString(entry.Key)] = entry.Value;
            }

            scopes.Add(root);
        }

        public void Push() => scopes.Add(new Dictionary<string, object?>(StringComparer.Ordinal));

        public void Pop() => scopes.RemoveAt(scopes.Count - 1);

        public void Put(string name, object? value) => scopes[^1][name] = value;

        public object? Get(string name)
        {
            for (var i = scopes.Count - 1; i >= 0; i--)
            {
                if (scopes[i].TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            return null;
        }

        public void Set(string name, object? value)
        {
            for (var i = scopes.Count - 1; i >= 0; i--)
            {
                if (scopes[i].ContainsKey(name))
                {
                    scopes[i][name] = value;
                    return;
                }
            }

            Put(name, value);
        }
    }
}
