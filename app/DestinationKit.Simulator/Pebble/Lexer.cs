using System.Text.RegularExpressions;

namespace DestinationKit.Simulator.Pebble;

internal enum TokenKind
{
    Text,
    PrintStart,
    PrintEnd,
    ExecuteStart,
    ExecuteEnd,
    Name,
    Number,
    Long,
    String,
    InterpolationStart,
    InterpolationEnd,
    Operator,
    Punctuation,
    EndOfTemplate,
}

internal readonly record struct Token(TokenKind Kind, string Value, Position Position)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public string Describe() => Kind switch
    {
        TokenKind.EndOfTemplate => "the end of the template",
        TokenKind.Text => "template text",
        TokenKind.PrintStart => "'{{'",
        TokenKind.PrintEnd => "'}}'",
        TokenKind.ExecuteStart => "'{%'",
        TokenKind.ExecuteEnd => "'%}'",
        TokenKind.String => $"the string \"{Value}\"",
        TokenKind.InterpolationStart => "'#{'",
        TokenKind.InterpolationEnd => "'}'",
        TokenKind.Name => $"the name '{Value}'",
        TokenKind.Operator => $"the operator '{Value}'",
        _ => $"'{Value}'",
    };
}

/// <summary>Splits a template into tokens the way Pebble's LexerImpl does, including its whitespace control:
/// <c>{{-</c>/<c>{%-</c>/<c>{#-</c> strip the whitespace before the tag, <c>-}}</c>/<c>-%}</c>/<c>-#}</c> the
/// whitespace after it, and (Pebble's default newLineTrimming) one newline right after any closing delimiter is
/// dropped.</summary>
internal sealed partial class Lexer
{
    // Sorted longest first, as Pebble sorts its operator regex, so "is not" wins over "is" and "==" over "=".
    private static readonly string[] Operators =
    [
        "contains", "equals", "is not", "and", "not", "..", "or", "is", "==", "!=", ">=", "<=",
        "+", "-", "*", "/", "%", "|", "~", ">", "<",
    ];

    private const string PunctuationChars = "()[]{}?:.,|=";

    private readonly SourceText source;
    private readonly string text;
    private readonly List<Token> tokens = [];
    private readonly Stack<State> states = new();
    private readonly Stack<(string Open, int Offset)> brackets = new();
    private int pos;
    private bool trimNextText;
    private int delimiterOffset;

    private Lexer(SourceText source)
    {
        this.source = source;
        text = source.Text;
    }

    private enum State
    {
        Data,
        Execute,
        Print,
        Comment,
        String,
        Interpolation,
    }

    public static List<Token> Tokenize(SourceText source) => new Lexer(source).Run();

    private List<Token> Run()
    {
        states.Push(State.Data);
        while (pos < text.Length)
        {
            switch (states.Peek())
            {
                case State.Data:
                    LexData();
                    break;
                case State.Execute:
                    LexInsideTag("%}", TokenKind.ExecuteEnd);
                    break;
                case State.Print:
                    LexInsideTag("}}", TokenKind.PrintEnd);
                    break;
                case State.Comment:
                    LexComment();
                    break;
                case State.String:
                    LexString();
                    break;
                default:
                    LexInterpolation();
                    break;
            }
        }

        ThrowIfUnclosed();
        tokens.Add(new Token(TokenKind.EndOfTemplate, "", source.At(text.Length)));
        return tokens;
    }

    private void ThrowIfUnclosed()
    {
        var state = states.Peek();
        if (state is State.String or State.Interpolation)
        {
            var open = brackets.Peek();
            throw source.At(open.Offset).Error(open.Open == "\""
                ? "unclosed string: the '\"' opened here has no closing '\"'"
                : "unclosed '#{' string interpolation: expected '}'");
        }

        if (brackets.Count > 0)
        {
            var open = brackets.Peek();
            throw source.At(open.Offset).Error($"unclosed '{open.Open}': expected '{Closing(open.Open)}'");
        }

        if (state == State.Comment)
        {
            throw source.At(delimiterOffset).Error("unclosed comment: '{#' opened here has no closing '#}'");
        }

        if (state is State.Print or State.Execute)
        {
            var (opened, closing) = state == State.Print ? ("{{", "}}") : ("{%", "%}");
            throw source.At(delimiterOffset).Error($"unclosed tag: '{opened}' opened here has no closing '{closing}'");
        }
    }

    private void LexData()
    {
        var start = FindStartDelimiter(pos);
        var end = start < 0 ? text.Length : start;
        var data = text[pos..end];
        var dataOffset = pos;
        if (trimNextText)
        {
            var trimmed = JavaChars.LeftTrim(data);
            dataOffset += data.Length - trimmed.Length;
            data = trimmed;
            trimNextText = false;
        }

        var textIndex = -1;
        if (data.Length > 0)
        {
            textIndex = tokens.Count;
            tokens.Add(new Token(TokenKind.Text, data, source.At(dataOffset)));
        }

        if (start < 0)
        {
            pos = text.Length;
            return;
        }

        var delimiter = text.Substring(start, 2);
        delimiterOffset = start;
        pos = start + 2;
        if (pos + 1 < text.Length && text[pos] == '-' && JavaChars.IsRegexSpace(text[pos + 1]))
        {
            if (textIndex >= 0)
            {
                var trimmed = JavaChars.RightTrim(tokens[textIndex].Value);
                if (trimmed.Length == 0)
                {
                    tokens.RemoveAt(textIndex);
                }
                else
                {
                    tokens[textIndex] = tokens[textIndex] with { Value = trimmed };
                }
            }

            pos++;
            while (pos < text.Length && JavaChars.IsRegexSpace(text[pos]))
            {
                pos++;
            }
        }

        switch (delimiter)
        {
            case "{#":
                states.Push(State.Comment);
                break;
            case "{{":
                tokens.Add(new Token(TokenKind.PrintStart, "{{", source.At(start)));
                states.Push(State.Print);
                break;
            default:
                // Pebble lexes {% verbatim %} itself, before any tag parser could reject it; its body may not even
                // tokenize, so the verdict has to come from here.
                var verbatim = VerbatimRegex().Match(text, pos);
                if (verbatim.Success)
                {
                    throw source.At(verbatim.Groups[1].Index).Error(AepRules.DisallowedTag("verbatim"));
                }

                tokens.Add(new Token(TokenKind.ExecuteStart, "{%", source.At(start)));
                states.Push(State.Execute);
                break;
        }
    }

    private int FindStartDelimiter(int from)
    {
        for (var i = text.IndexOf('{', from); i >= 0 && i + 1 < text.Length; i = text.IndexOf('{', i + 1))
        {
            if (text[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    private void LexInsideTag(string closing, TokenKind endKind)
    {
        if (TrailingTrimRegex().IsMatch(text, pos))
        {
            trimNextText = true;
        }

        if (brackets.Count == 0 && TryMatchClose(closing, out var closeStart, out var end))
        {
            tokens.Add(new Token(endKind, closing, source.At(closeStart)));
            pos = end;
            states.Pop();
            return;
        }

        LexExpressionToken();
    }

    /// <summary>Matches \s* -? closing (newline)? at the current position, as Pebble's close regexes do.</summary>
    private bool TryMatchClose(string closing, out int closeStart, out int end)
    {
        var i = pos;
        while (i < text.Length && JavaChars.IsRegexSpace(text[i]))
        {
            i++;
        }

        closeStart = i;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (string.CompareOrdinal(text, i, closing, 0, closing.Length) != 0)
        {
            end = pos;
            return false;
        }

        end = SkipOneNewline(i + closing.Length);
        return true;
    }

    private int SkipOneNewline(int i)
    {
        if (i >= text.Length)
        {
            return i;
        }

        if ((text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            || (text[i] == '\n' && i + 1 < text.Length && text[i + 1] == '\r'))
        {
            return i + 2;
        }

        return text[i] is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029' ? i + 1 : i;
    }

    private void LexComment()
    {
        var close = text.IndexOf("#}", pos, StringComparison.Ordinal);
        if (close < 0)
        {
            throw source.At(delimiterOffset).Error("unclosed comment: '{#' opened here has no closing '#}'");
        }

        // Pebble detects "-#}" by matching "-\s+" against the reversed comment body.
        var body = text[pos..close];
        if (body.Length >= 2 && body[^1] == '-' && JavaChars.IsRegexSpace(body[^2]))
        {
            trimNextText = true;
        }

        pos = SkipOneNewline(close + 2);
        states.Pop();
    }

    private void LexString()
    {
        if (string.CompareOrdinal(text, pos, "#{", 0, 2) == 0)
        {
            brackets.Push(("#{", pos));
            tokens.Add(new Token(TokenKind.InterpolationStart, "#{", source.At(pos)));
            pos += 2;
            states.Push(State.Interpolation);
            return;
        }

        // Pebble keeps the parts of an interpolated string raw: not even \" is unescaped there.
        var part = StringPartRegex().Match(text, pos);
        if (part.Success && part.Length > 0)
        {
            tokens.Add(new Token(TokenKind.String, part.Value, source.At(pos)));
            pos += part.Length;
            return;
        }

        if (text[pos] == '"')
        {
            brackets.Pop();
            states.Pop();
            pos++;
            return;
        }

        throw source.At(brackets.Peek().Offset).Error("unclosed string: the '\"' opened here has no closing '\"'");
    }

    private void LexInterpolation()
    {
        var close = InterpolationCloseRegex().Match(text, pos);
        if (brackets.Peek().Open == "#{" && close.Success)
        {
            brackets.Pop();
            tokens.Add(new Token(TokenKind.InterpolationEnd, "}", source.At(close.Index + close.Length - 1)));
            pos = close.Index + close.Length;
            states.Pop();
            return;
        }

        LexExpressionToken();
    }

    private void LexExpressionToken()
    {
        while (pos < text.Length && JavaChars.IsWhitespace(text[pos]))
        {
            pos++;
        }

        if (pos >= text.Length)
        {
            return;
        }

        var start = pos;
        var at = source.At(start);
        var op = MatchOperator();
        if (op is not null)
        {
            tokens.Add(new Token(TokenKind.Operator, op, at));
            pos += op.Length;
            return;
        }

        var c = text[pos];
        if (char.IsLetter(c) || c == '_')
        {
            pos++;
            while (pos < text.Length && (char.IsLetter(text[pos]) || char.IsDigit(text[pos]) || text[pos] == '_'))
            {
                pos++;
            }

            tokens.Add(new Token(TokenKind.Name, text[start..pos], at));
            return;
        }

        if (char.IsAsciiDigit(c))
        {
            LexNumber(start, at);
            return;
        }

        if (PunctuationChars.Contains(c, StringComparison.Ordinal))
        {
            LexPunctuation(c, at);
            return;
        }

        var plain = PlainStringRegex().Match(text, pos);
        if (plain.Success)
        {
            var quote = plain.Value[0];
            var body = plain.Value[1..^1];
            body = quote == '\'' ? EscapedSingleQuote().Replace(body, "'") : EscapedDoubleQuote().Replace(body, "\"");
            tokens.Add(new Token(TokenKind.String, body, at));
            pos += plain.Length;
            return;
        }

        if (c == '"')
        {
            brackets.Push(("\"", pos));
            states.Push(State.String);
            pos++;
            return;
        }

        if (c == '\'')
        {
            throw at.Error("unclosed string: the ''' opened here has no closing '''");
        }

        throw at.Error($"unexpected character '{c}'");
    }

    private string? MatchOperator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(text, pos, op, 0, op.Length) != 0)
            {
                continue;
            }

            // Pebble's lookahead keeps "or" from matching the start of "order", "is" of "is_member", etc.
            var next = pos + op.Length;
            if (char.IsLetter(op[^1]) && next < text.Length && (char.IsAsciiLetterOrDigit(text[next]) || text[next] == '_'))
            {
                continue;
            }

            return op;
        }

        return null;
    }

    private void LexNumber(int start, Position at)
    {
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        if (pos < text.Length && text[pos] == 'L')
        {
            tokens.Add(new Token(TokenKind.Long, text[start..pos], at));
            pos++;
            return;
        }

        if (pos + 1 < text.Length && text[pos] == '.' && char.IsAsciiDigit(text[pos + 1]))
        {
            pos++;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
        }

        tokens.Add(new Token(TokenKind.Number, text[start..pos], at));
    }

    private void LexPunctuation(char c, Position at)
    {
        if (c is '(' or '[' or '{')
        {
            brackets.Push((c.ToString(), pos));
        }
        else if (c is ')' or ']' or '}')
        {
            if (brackets.Count == 0)
            {
                throw at.Error($"unexpected '{c}': nothing is open here");
            }

            var open = brackets.Pop();
            if (Closing(open.Open) != c.ToString())
            {
                var opened = source.At(open.Offset);
                throw at.Error($"unexpected '{c}': expected '{Closing(open.Open)}' to close the '{open.Open}' "
                    + $"at line {opened.Line}, column {opened.Column}");
            }
        }

        tokens.Add(new Token(TokenKind.Punctuation, c.ToString(), at));
        pos++;
    }

    private static string Closing(string open) => open switch
    {
        "(" => ")",
        "[" => "]",
        "{" or "#{" => "}",
        _ => "\"",
    };

    [GeneratedRegex(@"\G[ \t\n\x0B\f\r]*(verbatim)[ \t\n\x0B\f\r]*-?%}")]
    private static partial Regex VerbatimRegex();

    [GeneratedRegex(@"\G[ \t\n\x0B\f\r]*-(}}|%}|#})")]
    private static partial Regex TrailingTrimRegex();

    [GeneratedRegex(@"\G""([^#""\\]*(?:\\.[^#""\\]*)*)""|\G'([^'\\]*(?:\\.[^'\\]*)*)'", RegexOptions.Singleline)]
    private static partial Regex PlainStringRegex();

    [GeneratedRegex(@"\G[^#""\\]*(?:(?:\\.|#(?!\{))[^#""\\]*)*", RegexOptions.Singleline)]
    private static partial Regex StringPartRegex();

    [GeneratedRegex(@"\G[ \t\n\x0B\f\r]*}")]
    private static partial Regex InterpolationCloseRegex();

    [GeneratedRegex(@"\\(')")]
    private static partial Regex EscapedSingleQuote();

    [GeneratedRegex(@"\\("")")]
    private static partial Regex EscapedDoubleQuote();
}
