using System.Globalization;

namespace Portal.Core.Engine.Formulas;

internal enum TokenKind
{
    Number,
    Identifier,
    String,
    Operator,
    NewLine,
    End,
}

/// <summary>A token; <see cref="Line"/> and <see cref="Column"/> are 0-based positions inside the formula text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, double Number = 0);

/// <summary>A formula syntax or semantic error at a 0-based position in the formula text; the loader maps it into the YAML file.</summary>
internal sealed class FormulaException(int line, int column, string message) : Exception(message)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}

internal static class Lexer
{
    private static readonly string[] Operators = ["**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", ",", "."];

    /// <summary>Tokens with newline tokens only where they end a statement (outside brackets); comments dropped.</summary>
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int line = 0, column = 0, depth = 0, i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (depth == 0 && tokens.Count > 0 && tokens[^1].Kind != TokenKind.NewLine)
                {
                    tokens.Add(new Token(TokenKind.NewLine, "\n", line, column));
                }

                i++;
                line++;
                column = 0;
                continue;
            }

            if (c is ' ' or '\t' or '\r')
            {
                i++;
                column++;
                continue;
            }

            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                    column++;
                }

                continue;
            }

            if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var start = i;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.' || text[i] == '_'))
                {
                    i++;
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    var j = i + 1;
                    if (j < text.Length && (text[j] == '+' || text[j] == '-'))
                    {
                        j++;
                    }

                    if (j < text.Length && char.IsDigit(text[j]))
                    {
                        i = j;
                        while (i < text.Length && char.IsDigit(text[i]))
                        {
                            i++;
                        }
                    }
                }

                var literal = text[start..i];
                if (!double.TryParse(literal.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw new FormulaException(line, column, $"invalid number '{literal}'");
                }

                tokens.Add(new Token(TokenKind.Number, literal, line, column, value));
                column += i - start;
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i], line, column));
                column += i - start;
                continue;
            }

            if (c is '\'' or '"')
            {
                var start = i;
                i++;
                while (i < text.Length && text[i] != c && text[i] != '\n')
                {
                    i++;
                }

                if (i >= text.Length || text[i] != c)
                {
                    throw new FormulaException(line, column, "unterminated string literal");
                }

                i++;
                tokens.Add(new Token(TokenKind.String, text[(start + 1)..(i - 1)], line, column));
                column += i - start;
                continue;
            }

            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0)
                ?? throw new FormulaException(line, column, $"unexpected character '{c}'");
            if (op is "(" or "[")
            {
                depth++;
            }
            else if (op is ")" or "]")
            {
                depth = Math.Max(0, depth - 1);
            }

            tokens.Add(new Token(TokenKind.Operator, op, line, column));
            i += op.Length;
            column += op.Length;
        }

        if (tokens.Count > 0 && tokens[^1].Kind == TokenKind.NewLine)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        // "End of formula" is reported just after the last token, not on a trailing blank line.
        var last = tokens.Count > 0 ? tokens[^1] : new Token(TokenKind.End, "", 0, 0);
        var endColumn = last.Column + (last.Kind == TokenKind.String ? last.Text.Length + 2 : last.Text.Length);
        tokens.Add(new Token(TokenKind.End, "", last.Line, endColumn));
        return tokens;
    }
}

// ---------------------------------------------------------------- untyped syntax tree

internal abstract record Expr(Token At);

internal sealed record NumberExpr(Token At, double Value) : Expr(At);

internal sealed record BoolExpr(Token At, bool Value) : Expr(At);

internal sealed record StringExpr(Token At, string Value) : Expr(At);

internal sealed record NameExpr(Token At, string Name) : Expr(At);

internal sealed record MemberExpr(Token At, Expr Target, string Name) : Expr(At);

internal sealed record IndexExpr(Token At, Expr Target, Expr Index) : Expr(At);

internal sealed record Argument(string? Name, Expr Value, Token At);

internal sealed record CallExpr(Token At, Expr Callee, IReadOnlyList<Argument> Arguments) : Expr(At);

internal sealed record UnaryExpr(Token At, string Op, Expr Operand) : Expr(At);

internal sealed record BinaryExpr(Token At, string Op, Expr Left, Expr Right) : Expr(At);

internal sealed record Binding(Token At, string Name, Expr Value);

internal sealed record FormulaSyntax(IReadOnlyList<Binding> Locals, Expr Result);

/// <summary>Pratt parser for the formula language (precedence as in docs/model-format.md).</summary>
internal sealed class Parser
{
    private readonly List<Token> tokens;
    private readonly HashSet<Expr> parenthesized = new(ReferenceEqualityComparer.Instance);
    private int position;

    private Parser(List<Token> tokens) => this.tokens = tokens;

    public static FormulaSyntax Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        return parser.ParseFormula();
    }

    private Token Current => tokens[position];

    private Token Next() => tokens[position++];

    private bool IsOp(string op) => Current.Kind == TokenKind.Operator && Current.Text == op;

    private bool IsKeyword(string word) => Current.Kind == TokenKind.Identifier && Current.Text == word;

    private Token Expect(string op)
    {
        if (!IsOp(op))
        {
            throw new FormulaException(Current.Line, Current.Column, $"expected '{op}' but found {Describe(Current)}");
        }

        return Next();
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of formula",
        TokenKind.NewLine => "end of line",
        TokenKind.String => $"'{token.Text}'",
        _ => $"'{token.Text}'",
    };

    private FormulaSyntax ParseFormula()
    {
        if (Current.Kind == TokenKind.End)
        {
            throw new FormulaException(Current.Line, Current.Column, "empty formula");
        }

        var locals = new List<Binding>();
        while (true)
        {
            var isBinding = Current.Kind == TokenKind.Identifier
                && tokens[position + 1].Kind == TokenKind.Operator && tokens[position + 1].Text == "=";
            if (isBinding)
            {
                var name = Next();
                Next();
                var value = ParseExpression(0);
                locals.Add(new Binding(name, name.Text, value));
                if (Current.Kind != TokenKind.NewLine)
                {
                    throw Current.Kind == TokenKind.End
                        ? new FormulaException(name.Line, name.Column, $"the last line must be the result, not a binding of '{name.Text}'")
                        : new FormulaException(Current.Line, Current.Column, $"unexpected {Describe(Current)} after the expression");
                }

                Next();
                continue;
            }

            var result = ParseExpression(0);
            if (Current.Kind == TokenKind.NewLine)
            {
                var next = tokens[position + 1];
                throw new FormulaException(next.Line, next.Column, "only the last line may be an expression; earlier lines must be bindings 'name = expression'");
            }

            if (Current.Kind != TokenKind.End)
            {
                throw new FormulaException(Current.Line, Current.Column, $"unexpected {Describe(Current)} after the expression");
            }

            return new FormulaSyntax(locals, result);
        }
    }

    // Binding powers: or 1, and 2, not 3 (prefix), comparisons 4, + - 5, * / % 6, unary - 7, ** 8 (right).
    private static int InfixPower(Token token) => token.Kind switch
    {
        TokenKind.Identifier when token.Text == "or" => 1,
        TokenKind.Identifier when token.Text == "and" => 2,
        TokenKind.Operator => token.Text switch
        {
            "==" or "!=" or "<" or "<=" or ">" or ">=" => 4,
            "+" or "-" => 5,
            "*" or "/" or "%" => 6,
            "**" => 8,
            _ => 0,
        },
        _ => 0,
    };

    private Expr ParseExpression(int minPower)
    {
        var left = ParsePrefix();
        while (true)
        {
            var op = Current;
            var power = InfixPower(op);
            if (power == 0 || power <= minPower)
            {
                break;
            }

            Next();
            // ** is right-associative: parse its right side at one less power.
            var right = ParseExpression(op.Text == "**" ? power - 1 : power);
            if (power == 4 && left is BinaryExpr { Op: "==" or "!=" or "<" or "<=" or ">" or ">=" } && !parenthesized.Contains(left))
            {
                throw new FormulaException(op.Line, op.Column, "comparisons cannot be chained; combine them with 'and'");
            }

            left = new BinaryExpr(op, op.Text, left, right);
        }

        return left;
    }

    private Expr ParsePrefix()
    {
        var token = Current;
        if (IsKeyword("not"))
        {
            Next();
            return new UnaryExpr(token, "not", ParseExpression(3));
        }

        if (IsOp("-"))
        {
            Next();
            return new UnaryExpr(token, "-", ParseExpression(7));
        }

        if (IsOp("+"))
        {
            Next();
            return ParseExpression(7);
        }

        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new NumberExpr(token, token.Number);
            case TokenKind.String:
                return new StringExpr(token, token.Text);
            case TokenKind.Identifier when token.Text == "true":
                return new BoolExpr(token, true);
            case TokenKind.Identifier when token.Text == "false":
                return new BoolExpr(token, false);
            case TokenKind.Identifier when token.Text is "and" or "or" or "not":
                throw new FormulaException(token.Line, token.Column, $"expected a value but found '{token.Text}'");
            case TokenKind.Identifier:
                return new NameExpr(token, token.Text);
            case TokenKind.Operator when token.Text == "(":
                var inner = ParseExpression(0);
                Expect(")");
                parenthesized.Add(inner);
                return inner;
            default:
                throw new FormulaException(token.Line, token.Column, $"expected a value but found {Describe(token)}");
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var token = Current;
            if (IsOp("."))
            {
                Next();
                var name = Next();
                if (name.Kind != TokenKind.Identifier)
                {
                    throw new FormulaException(name.Line, name.Column, $"expected a name after '.' but found {Describe(name)}");
                }

                expr = new MemberExpr(name, expr, name.Text);
            }
            else if (IsOp("["))
            {
                Next();
                var index = ParseExpression(0);
                Expect("]");
                expr = new IndexExpr(token, expr, index);
            }
            else if (IsOp("("))
            {
                Next();
                var args = new List<Argument>();
                while (!IsOp(")"))
                {
                    var at = Current;
                    string? name = null;
                    if (Current.Kind == TokenKind.Identifier && tokens[position + 1] is { Kind: TokenKind.Operator, Text: "=" })
                    {
                        name = Next().Text;
                        Next();
                    }

                    args.Add(new Argument(name, ParseExpression(0), at));
                    if (!IsOp(","))
                    {
                        break;
                    }

                    Next();
                }

                Expect(")");
                expr = new CallExpr(expr is MemberExpr m ? m.At : expr.At, expr, args);
            }
            else
            {
                return expr;
            }
        }
    }
}
