namespace DestinationKit.Simulator.Pebble;

// Template nodes: what the parser builds and the renderer walks.

internal abstract record Node(Position Position);

internal sealed record TextNode(string Text, Position Position) : Node(Position);

/// <summary><c>{{ expr }}</c>, and also the <c>filter</c> tag (Pebble turns it into a print of the filtered body).</summary>
internal sealed record PrintNode(Expr Expression, Position Position) : Node(Position);

internal sealed record ForNode(string Variable, Expr Iterable, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else,
    Position Position) : Node(Position);

internal sealed record IfBranch(Expr Condition, IReadOnlyList<Node> Body);

internal sealed record IfNode(IReadOnlyList<IfBranch> Branches, IReadOnlyList<Node>? Else, Position Position)
    : Node(Position);

internal sealed record SetNode(string Name, Expr Value, Position Position) : Node(Position);

// Expressions. Position is the token an error about the expression should point at (operator, filter name, ...).

internal abstract record Expr(Position Position);

internal sealed record LiteralExpr(object? Value, Position Position) : Expr(Position);

internal sealed record VariableExpr(string Name, Position Position) : Expr(Position);

internal sealed record AttributeExpr(Expr Target, Expr Attribute, Position Position) : Expr(Position);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, Position Position) : Expr(Position);

internal sealed record MapExpr(IReadOnlyList<(Expr Key, Expr Value)> Entries, Position Position) : Expr(Position);

internal enum UnaryOp
{
    Not,
    Plus,
    Minus,
}

internal sealed record UnaryExpr(UnaryOp Op, Expr Operand, Position Position) : Expr(Position);

internal enum BinaryOp
{
    Or,
    And,
    Contains,
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Concat,
}

internal sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right, Position Position) : Expr(Position);

internal sealed record TernaryExpr(Expr Condition, Expr Then, Expr Else, Position Position) : Expr(Position);

internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    public static readonly Arguments None = new([], []);
}

internal sealed record FilterExpr(Expr Input, string Name, Arguments Args, Position Position) : Expr(Position);

internal sealed record TestExpr(Expr Input, string Name, Arguments Args, bool Negated, Position Position)
    : Expr(Position);

internal sealed record FunctionExpr(string Name, Arguments Args, Position Position) : Expr(Position);

/// <summary>The rendered body of a <c>filter</c> tag, as the input of its filter chain.</summary>
internal sealed record BodyExpr(IReadOnlyList<Node> Body, Position Position) : Expr(Position);
