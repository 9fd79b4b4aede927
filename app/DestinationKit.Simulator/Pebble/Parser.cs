using System.Globalization;

namespace DestinationKit.Simulator.Pebble;

/// <summary>Builds the node tree from tokens with Pebble's grammar (ParserImpl, ExpressionParser and the for/if/set/
/// filter token parsers), precedences included: <c>not</c> binds tighter than everything, so
/// <c>not a is empty</c> means <c>(not a) is empty</c> in Pebble, and here.
/// It also applies Pebble's autoescaping (EscaperNodeVisitor) to every print.</summary>
internal sealed class Parser
{
    private const int UnaryPrecedence = 500;

    private static readonly Dictionary<string, (int Precedence, BinaryOp? Op)> BinaryOperators = new(StringComparer.Ordinal)
    {
        ["or"] = (10, BinaryOp.Or),
        ["and"] = (15, BinaryOp.And),
        ["is"] = (20, null),
        ["is not"] = (20, null),
        ["contains"] = (20, BinaryOp.Contains),
        ["=="] = (30, BinaryOp.Equal),
        ["equals"] = (30, BinaryOp.Equal),
        ["!="] = (30, BinaryOp.NotEqual),
        [">"] = (30, BinaryOp.Greater),
        ["<"] = (30, BinaryOp.Less),
        [">="] = (30, BinaryOp.GreaterOrEqual),
        ["<="] = (30, BinaryOp.LessOrEqual),
        ["+"] = (40, BinaryOp.Add),
        ["-"] = (40, BinaryOp.Subtract),
        ["*"] = (60, BinaryOp.Multiply),
        ["/"] = (60, BinaryOp.Divide),
        ["%"] = (60, BinaryOp.Modulo),
        ["|"] = (100, null),
        ["~"] = (110, BinaryOp.Concat),
        [".."] = (120, null),
    };

    private static readonly HashSet<string> BlockKeywords = ["endfor", "else", "elseif", "endif", "endfilter"];

    private readonly List<Token> tokens;
    private int index;

    // Pebble's escaper does not look inside a filter tag's body (it is hidden in an expression): prints there are
    // not escaped; the filter tag's own output is.
    private int filterTagDepth;

    private Parser(List<Token> tokens) => this.tokens = tokens;

    private Token Current => tokens[index];

    private Token Next => tokens[Math.Min(index + 1, tokens.Count - 1)];

    public static IReadOnlyList<Node> Parse(List<Token> tokens)
    {
        var parser = new Parser(tokens);
        return parser.ParseBody(null, null);
    }

    /// <summary>Parses nodes until a tag named in <paramref name="stopAt"/> (left as the current token, the name after
    /// '{%') or the end of the template.</summary>
    private List<Node> ParseBody(string[]? stopAt, Token? openTag)
    {
        var nodes = new List<Node>();
        while (Current.Kind != TokenKind.EndOfTemplate)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Value, token.Position));
                    index++;
                    break;
                case TokenKind.PrintStart:
                    index++;
                    var expression = ParseExpression();
                    Expect(TokenKind.PrintEnd, "}}");
                    nodes.Add(new PrintNode(Autoescape(expression), token.Position));
                    break;
                case TokenKind.ExecuteStart:
                    index++;
                    var name = Current;
                    if (name.Kind != TokenKind.Name)
                    {
                        throw name.Position.Error($"expected a tag name after '{{%', found {name.Describe()}");
                    }

                    if (stopAt is not null && stopAt.Contains(name.Value))
                    {
                        return nodes;
                    }

                    nodes.Add(ParseTag(name, openTag));
                    break;
                default:
                    throw token.Position.Error($"unexpected {token.Describe()}");
            }
        }

        return nodes;
    }

    private Node ParseTag(Token name, Token? openTag)
    {
        switch (name.Value)
        {
            case "for":
                return ParseFor(name);
            case "if":
                return ParseIf(name);
            case "set":
                return ParseSet(name);
            case "filter":
                return ParseFilterTag(name);
            case var keyword when BlockKeywords.Contains(keyword):
                throw name.Position.Error(AepRules.UnexpectedEndTag(keyword, openTag?.Value));
            default:
                throw name.Position.Error(AepRules.DisallowedTag(name.Value));
        }
    }

    private ForNode ParseFor(Token tag)
    {
        index++;
        var variable = ParseNewVariableName();
        if (!Current.Is(TokenKind.Name, "in"))
        {
            throw Current.Position.Error($"expected 'in' after 'for {variable}', found {Current.Describe()}");
        }

        index++;
        var iterable = ParseExpression();
        Expect(TokenKind.ExecuteEnd, "%}");
        var body = ParseBody(["else", "endfor"], tag);
        List<Node>? elseBody = null;
        if (Current.Is(TokenKind.Name, "else"))
        {
            index++;
            Expect(TokenKind.ExecuteEnd, "%}");
            elseBody = ParseBody(["endfor"], tag);
        }

        ExpectEndTag(tag, "endfor");
        return new ForNode(variable, iterable, body, elseBody, tag.Position);
    }

    private IfNode ParseIf(Token tag)
    {
        index++;
        var branches = new List<IfBranch>();
        var condition = ParseExpression();
        Expect(TokenKind.ExecuteEnd, "%}");
        branches.Add(new IfBranch(condition, ParseBody(["elseif", "else", "endif"], tag)));
        List<Node>? elseBody = null;
        while (true)
        {
            if (Current.Kind == TokenKind.EndOfTemplate)
            {
                throw MissingEndTag(tag, "endif");
            }

            switch (Current.Value)
            {
                case "elseif":
                    index++;
                    condition = ParseExpression();
                    Expect(TokenKind.ExecuteEnd, "%}");
                    branches.Add(new IfBranch(condition, ParseBody(["elseif", "else", "endif"], tag)));
                    break;
                case "else":
                    index++;
                    Expect(TokenKind.ExecuteEnd, "%}");
                    elseBody = ParseBody(["endif"], tag);
                    break;
                default:
                    ExpectEndTag(tag, "endif");
                    return new IfNode(branches, elseBody, tag.Position);
            }
        }
    }

    private SetNode ParseSet(Token tag)
    {
        index++;
        var name = ParseNewVariableName();
        Expect(TokenKind.Punctuation, "=");
        var value = ParseExpression();
        Expect(TokenKind.ExecuteEnd, "%}");
        return new SetNode(name, value, tag.Position);
    }

    private PrintNode ParseFilterTag(Token tag)
    {
        index++;
        var filters = new List<(string Name, Arguments Args, Position Position)> { ParseFilterInvocation() };
        while (Current.Is(TokenKind.Operator, "|"))
        {
            index++;
            filters.Add(ParseFilterInvocation());
        }

        Expect(TokenKind.ExecuteEnd, "%}");
        filterTagDepth++;
        var body = ParseBody(["endfilter"], tag);
        filterTagDepth--;
        ExpectEndTag(tag, "endfilter");
        Expr expression = new BodyExpr(body, tag.Position);
        foreach (var (name, args, position) in filters)
        {
            expression = new FilterExpr(expression, name, args, position);
        }

        return new PrintNode(Autoescape(expression), tag.Position);
    }

    private void ExpectEndTag(Token openTag, string endTag)
    {
        if (Current.Kind == TokenKind.EndOfTemplate)
        {
            throw MissingEndTag(openTag, endTag);
        }

        index++;
        Expect(TokenKind.ExecuteEnd, "%}");
    }

    private static PebbleTemplateException MissingEndTag(Token openTag, string endTag) =>
        openTag.Position.Error($"'{openTag.Value}' is never closed: the template ends before its '{{% {endTag} %}}'");

    /// <summary>Pebble's EscaperNodeVisitor: a print is wrapped in the escape filter (html strategy) unless it is a
    /// string literal or a concatenation of two; a ternary has each branch wrapped instead.</summary>
    private Expr Autoescape(Expr expression)
    {
        if (filterTagDepth > 0)
        {
            return expression;
        }

        return expression is TernaryExpr ternary
            ? ternary with { Then = EscapeIfUnsafe(ternary.Then), Else = EscapeIfUnsafe(ternary.Else) }
            : EscapeIfUnsafe(expression);
    }

    private static Expr EscapeIfUnsafe(Expr expression)
    {
        static bool IsStringLiteral(Expr e) => e is LiteralExpr { Value: string };

        var safe = IsStringLiteral(expression)
            || (expression is BinaryExpr { Op: BinaryOp.Concat } concat && IsStringLiteral(concat.Left) && IsStringLiteral(concat.Right));
        return safe ? expression : new FilterExpr(expression, "escape", Arguments.None, expression.Position);
    }

    private Expr ParseExpression(int minPrecedence = 0)
    {
        var token = Current;
        Expr expression;
        if (token.Kind == TokenKind.Operator && token.Value is "not" or "+" or "-")
        {
            index++;
            var operand = ParseExpression(UnaryPrecedence);
            var op = token.Value switch
            {
                "not" => UnaryOp.Not,
                "+" => UnaryOp.Plus,
                _ => UnaryOp.Minus,
            };
            expression = new UnaryExpr(op, operand, token.Position);
        }
        else if (token.Is(TokenKind.Punctuation, "("))
        {
            index++;
            expression = ParseExpression();
            Expect(TokenKind.Punctuation, ")");
            expression = ParsePostfix(expression);
        }
        else if (token.Is(TokenKind.Punctuation, "["))
        {
            expression = ParseListLiteral();
        }
        else if (token.Is(TokenKind.Punctuation, "{"))
        {
            expression = ParseMapLiteral();
        }
        else
        {
            expression = ParsePrimary();
        }

        while (Current.Kind == TokenKind.Operator && BinaryOperators.TryGetValue(Current.Value, out var info)
            && info.Precedence >= minPrecedence)
        {
            var opToken = Current;
            index++;
            switch (opToken.Value)
            {
                case "|":
                    var (name, args, position) = ParseFilterInvocation();
                    expression = new FilterExpr(expression, name, args, position);
                    break;
                case "is" or "is not":
                    expression = ParseTestInvocation(expression, negated: opToken.Value == "is not");
                    break;
                case "..":
                    throw opToken.Position.Error(
                        "operator '..' (a range) is not supported by AEP's Destination SDK: it is the 'range' function, which Adobe does not support");
                default:
                    var right = ParseExpression(info.Precedence + 1);
                    expression = new BinaryExpr(info.Op!.Value, expression, right, opToken.Position);
                    break;
            }
        }

        if (minPrecedence == 0 && Current.Is(TokenKind.Punctuation, "?"))
        {
            var question = Current;
            index++;
            var then = ParseExpression();
            Expect(TokenKind.Punctuation, ":");
            var otherwise = ParseExpression();
            expression = new TernaryExpr(expression, then, otherwise, question.Position);
        }

        return expression;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        Expr node;
        switch (token.Kind)
        {
            case TokenKind.Name:
                index++;
                node = token.Value switch
                {
                    "true" or "TRUE" => new LiteralExpr(true, token.Position),
                    "false" or "FALSE" => new LiteralExpr(false, token.Position),
                    "null" or "NULL" or "none" or "NONE" => new LiteralExpr(null, token.Position),
                    _ when Current.Is(TokenKind.Punctuation, "(") => ParseFunctionCall(token),
                    _ => new VariableExpr(token.Value, token.Position),
                };
                break;
            case TokenKind.Long:
                index++;
                node = new LiteralExpr(ParseLong(token), token.Position);
                break;
            case TokenKind.Number:
                index++;
                node = token.Value.Contains('.', StringComparison.Ordinal)
                    ? new LiteralExpr(double.Parse(token.Value, CultureInfo.InvariantCulture), token.Position)
                    : new LiteralExpr(ParseLong(token), token.Position);
                break;
            case TokenKind.String or TokenKind.InterpolationStart:
                node = ParseStringLiteral();
                break;
            default:
                throw token.Position.Error($"expected an expression, found {token.Describe()}");
        }

        return ParsePostfix(node);
    }

    private static long ParseLong(Token token) =>
        long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw token.Position.Error($"the number {token.Value} does not fit in a Java long");

    private FunctionExpr ParseFunctionCall(Token name)
    {
        var args = ParseArguments();
        if (AepRules.CheckFunction(name.Value, args) is { } problem)
        {
            throw name.Position.Error(problem);
        }

        return new FunctionExpr(name.Value, args, name.Position);
    }

    /// <summary>A double-quoted string with #{...} parts becomes a right-nested concatenation, as in Pebble; a string
    /// that is only "#{x}" is x itself (not converted to a string).</summary>
    private Expr ParseStringLiteral()
    {
        var parts = new List<Expr>();
        var previousWasString = false;
        while (true)
        {
            var token = Current;
            if (token.Kind == TokenKind.String && !previousWasString)
            {
                parts.Add(new LiteralExpr(token.Value, token.Position));
                index++;
                previousWasString = true;
            }
            else if (token.Kind == TokenKind.InterpolationStart)
            {
                index++;
                parts.Add(ParseExpression());
                Expect(TokenKind.InterpolationEnd, "}");
                previousWasString = false;
            }
            else
            {
                break;
            }
        }

        var result = parts[^1];
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            result = new BinaryExpr(BinaryOp.Concat, parts[i], result, parts[i].Position);
        }

        return result;
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var token = Current;
            if (token.Is(TokenKind.Punctuation, "."))
            {
                index++;
                var attribute = Current;
                if (attribute.Kind is TokenKind.Number or TokenKind.Long)
                {
                    throw attribute.Position.Error(
                        $"'.{attribute.Value}' is not valid Pebble: index a list with [{attribute.Value}]");
                }

                if (attribute.Kind != TokenKind.Name)
                {
                    throw attribute.Position.Error(
                        $"expected an attribute name after '.', found {attribute.Describe()}; use [\"...\"] for keys that are not plain names");
                }

                index++;
                if (Current.Is(TokenKind.Punctuation, "("))
                {
                    throw attribute.Position.Error(
                        $"method call '.{attribute.Value}(...)' is not supported: AEP's templates see JSON data, not Java objects");
                }

                node = new AttributeExpr(node, new LiteralExpr(attribute.Value, attribute.Position), token.Position);
            }
            else if (token.Is(TokenKind.Punctuation, "["))
            {
                index++;
                var key = ParseExpression();
                Expect(TokenKind.Punctuation, "]");
                node = new AttributeExpr(node, key, token.Position);
            }
            else if (token.Is(TokenKind.Punctuation, "("))
            {
                throw token.Position.Error("only functions can be called: this '(' follows an expression that is not a function name");
            }
            else
            {
                return node;
            }
        }
    }

    private (string Name, Arguments Args, Position Position) ParseFilterInvocation()
    {
        var name = Current;
        if (name.Kind != TokenKind.Name)
        {
            throw name.Position.Error($"expected a filter name after '|', found {name.Describe()}");
        }

        index++;
        var args = Current.Is(TokenKind.Punctuation, "(") ? ParseArguments() : Arguments.None;
        if (AepRules.CheckFilter(name.Value, args) is { } problem)
        {
            throw name.Position.Error(problem);
        }

        return (name.Value, args, name.Position);
    }

    private TestExpr ParseTestInvocation(Expr input, bool negated)
    {
        var name = Current;
        if (name.Kind != TokenKind.Name)
        {
            throw name.Position.Error($"expected a test name after 'is', found {name.Describe()}");
        }

        index++;
        var args = Current.Is(TokenKind.Punctuation, "(") ? ParseArguments() : Arguments.None;
        if (AepRules.CheckTest(name.Value) is { } problem)
        {
            throw name.Position.Error(problem);
        }

        return new TestExpr(input, name.Value, args, negated, name.Position);
    }

    private Arguments ParseArguments()
    {
        Expect(TokenKind.Punctuation, "(");
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!Current.Is(TokenKind.Punctuation, ")"))
        {
            if (positional.Count + named.Count > 0)
            {
                Expect(TokenKind.Punctuation, ",");
            }

            if (Next.Is(TokenKind.Punctuation, "="))
            {
                var name = ParseNewVariableName();
                Expect(TokenKind.Punctuation, "=");
                named.Add((name, ParseExpression()));
            }
            else
            {
                var at = Current;
                var value = ParseExpression();
                if (named.Count > 0)
                {
                    throw at.Position.Error("positional arguments must come before named arguments");
                }

                positional.Add(value);
            }
        }

        index++;
        return new Arguments(positional, named);
    }

    private string ParseNewVariableName()
    {
        var token = Current;
        if (token.Kind != TokenKind.Name)
        {
            throw token.Position.Error($"expected a variable name, found {token.Describe()}");
        }

        if (token.Value is "true" or "false" or "null" or "none")
        {
            throw token.Position.Error($"can not assign a value to '{token.Value}'");
        }

        index++;
        return token.Value;
    }

    private ListExpr ParseListLiteral()
    {
        var open = Current;
        index++;
        var items = new List<Expr>();
        if (Current.Is(TokenKind.Punctuation, "]"))
        {
            index++;
            return new ListExpr(items, open.Position);
        }

        while (true)
        {
            items.Add(ParseExpression());
            if (Current.Is(TokenKind.Punctuation, "]"))
            {
                index++;
                return new ListExpr(items, open.Position);
            }

            Expect(TokenKind.Punctuation, ",");
        }
    }

    private MapExpr ParseMapLiteral()
    {
        var open = Current;
        index++;
        var entries = new List<(Expr, Expr)>();
        if (Current.Is(TokenKind.Punctuation, "}"))
        {
            index++;
            return new MapExpr(entries, open.Position);
        }

        while (true)
        {
            var key = ParseExpression();
            Expect(TokenKind.Punctuation, ":");
            entries.Add((key, ParseExpression()));
            if (Current.Is(TokenKind.Punctuation, "}"))
            {
                index++;
                return new MapExpr(entries, open.Position);
            }

            Expect(TokenKind.Punctuation, ",");
        }
    }

    private void Expect(TokenKind kind, string value)
    {
        var token = Current;
        if (token.Kind != kind || (kind == TokenKind.Punctuation && token.Value != value))
        {
            throw token.Position.Error($"expected '{value}', found {token.Describe()}");
        }

        index++;
    }
}
