namespace Portal.Core.Engine.Formulas;

/// <summary>The parameters a formula can read, one slot per distinct (path, index combinations) reference.</summary>
internal sealed class ParameterSlots
{
    private readonly Dictionary<string, int> byKey = new(StringComparer.Ordinal);

    public List<ParameterNode[]> Slots { get; } = [];

    public int Add(ParameterNode[] nodes)
    {
        var key = string.Join("|", nodes.Select(n => n.Path));
        if (!byKey.TryGetValue(key, out var slot))
        {
            slot = Slots.Count;
            Slots.Add(nodes);
            byKey[key] = slot;
        }

        return slot;
    }
}

/// <summary>What the binder needs to know about the package.</summary>
internal sealed record ModelSchema(
    EntityDefinition Person,
    IReadOnlyDictionary<string, EntityDefinition> Entities,
    IReadOnlyDictionary<string, VariableDefinition> Variables,
    ParameterGroup Parameters,
    ParameterSlots Slots);

/// <summary>Type checks a parsed formula against the package and binds it to executable nodes.</summary>
internal sealed class Binder
{
    private static readonly string[] Functions =
        ["where", "min", "max", "clip", "abs", "round", "floor", "ceil", "sqrt", "exp", "log", "sum", "count", "any", "all", "mean", "position"];

    private static readonly string[] Reserved = ["parameters", "members", "period", "true", "false", "and", "or", "not"];

    private readonly ModelSchema schema;
    private readonly VariableDefinition variable;
    private readonly Dictionary<string, LocalNode> locals = new(StringComparer.Ordinal);
    private readonly HashSet<string> dependencies = new(StringComparer.Ordinal);
    private readonly SortedSet<int> slots = [];
    private readonly List<Node> nodes = [];
    private readonly Dictionary<string, Node> byKey = new(StringComparer.Ordinal);

    private Binder(ModelSchema schema, VariableDefinition variable)
    {
        this.schema = schema;
        this.variable = variable;
    }

    private sealed record Scope(EntityDefinition Entity, EntityDefinition? AggregationGroup)
    {
        public bool InAggregation => AggregationGroup is not null;
    }

    public static Kernel Compile(ModelSchema schema, VariableDefinition variable, string formula)
    {
        var syntax = Parser.Parse(formula);
        var binder = new Binder(schema, variable);
        var scope = new Scope(schema.Entities[variable.Entity], null);
        var localNodes = new List<Node>();
        foreach (var local in syntax.Locals)
        {
            binder.CheckLocalName(local);
            var value = binder.Bind(local.Value, scope, null);
            if (value.Type.Kind == TypeKind.Text)
            {
                throw Error(local.Value.At, $"cannot tell which enum '{((StringExpr)local.Value).Value}' belongs to; compare it with an enum value instead");
            }

            localNodes.Add(value);
            binder.locals[local.Name] = binder.Add(new LocalNode(value.Type, localNodes.Count - 1, value));
        }

        var target = FType.Of(variable);
        var result = binder.Bind(syntax.Result, scope, target);
        CheckResult(variable, target, result, syntax.Result.At);
        return new Kernel(variable, [.. localNodes], result, binder.nodes.Count)
        {
            Dependencies = [.. binder.dependencies],
            ParameterSlots = [.. binder.slots],
        };
    }

    private static void CheckResult(VariableDefinition variable, FType target, Node result, Token at)
    {
        var ok = target.Kind switch
        {
            TypeKind.Float or TypeKind.Int => result.Type.IsNumeric,
            TypeKind.Bool => result.Type.Kind == TypeKind.Bool,
            _ => result.Type.SameAs(target),
        };
        if (!ok)
        {
            throw Error(at, $"formula of '{variable.Name}' gives {result.Type} but the variable is {target}");
        }
    }

    private void CheckLocalName(Binding local)
    {
        if (locals.ContainsKey(local.Name))
        {
            throw Error(local.At, $"local '{local.Name}' is already defined");
        }

        if (schema.Variables.ContainsKey(local.Name))
        {
            throw Error(local.At, $"local '{local.Name}' would shadow the variable of the same name");
        }

        if (Functions.Contains(local.Name) || Reserved.Contains(local.Name) || schema.Entities.ContainsKey(local.Name))
        {
            throw Error(local.At, $"local '{local.Name}' would shadow a built-in name");
        }
    }

    /// <summary>
    /// Adds a bound node, or returns the identical one already in the formula (same <see cref="Node.Key"/>:
    /// operation, constants, variables, parameters, children and type), marked as reused so that it is
    /// evaluated once per chunk. Formulas repeat subexpressions (a projection, a condition written
    /// once as a local and again inside position()); merging them is exact: the same operations on the
    /// same inputs.
    /// </summary>
    private T Add<T>(T node)
        where T : Node
    {
        if (byKey.TryGetValue(node.Key, out var existing) && existing is T same)
        {
            same.Reused = true;
            return same;
        }

        node.Id = nodes.Count;
        nodes.Add(node);
        byKey[node.Key] = node;
        return node;
    }

    private static FormulaException Error(Token at, string message) => new(at.Line, at.Column, message);

    private Node Bind(Expr expr, Scope scope, FType? hint)
    {
        switch (expr)
        {
            case NumberExpr n:
                return Add(new ConstNode(n.Value == Math.Floor(n.Value) && !n.At.Text.Contains('.', StringComparison.Ordinal) ? FType.Int : FType.Float, n.Value));
            case BoolExpr b:
                return Add(new ConstNode(FType.Bool, b.Value ? 1 : 0));
            case StringExpr s:
                return BindText(s, hint);
            case NameExpr name:
                return BindName(name, scope);
            case MemberExpr or IndexExpr:
                return BindPath(expr, scope);
            case UnaryExpr u:
                return BindUnary(u, scope);
            case BinaryExpr b:
                return BindBinary(b, scope);
            case CallExpr call:
                return BindCall(call, scope, hint);
            default:
                throw Error(expr.At, "unsupported expression");
        }
    }

    private Node BindText(StringExpr s, FType? hint)
    {
        if (hint is null || hint.Kind != TypeKind.Enum)
        {
            return Add(new ConstNode(FType.Text, 0));
        }

        return Add(new ConstNode(hint, EnumValue(s, hint)));
    }

    private static int EnumValue(StringExpr s, FType type)
    {
        var index = -1;
        for (var i = 0; i < type.Values!.Count; i++)
        {
            if (string.Equals(type.Values[i], s.Value, StringComparison.Ordinal))
            {
                index = i;
            }
        }

        if (index < 0)
        {
            throw Error(s.At, $"'{s.Value}' is not a possible value of {type}{Suggest(s.Value, type.Values!)}");
        }

        return index;
    }

    private Node BindName(NameExpr name, Scope scope)
    {
        if (locals.TryGetValue(name.Name, out var local))
        {
            if (scope.InAggregation)
            {
                throw Error(name.At, $"local '{name.Name}' is in {variable.Entity} scope and cannot be used inside a members aggregation");
            }

            return Add(new LocalNode(local.Type, local.Index, local.Value));
        }

        switch (name.Name)
        {
            case "period":
                return Add(new PeriodNode());
            case "parameters":
                throw Error(name.At, "'parameters' must be followed by a parameter path, e.g. parameters.gov.x");
            case "members":
                throw Error(name.At, "'members' can only be used inside an aggregation: sum(members.x), count(members), …");
        }

        if (schema.Variables.TryGetValue(name.Name, out var target))
        {
            return VariableOf(target, scope, name.At);
        }

        if (schema.Entities.ContainsKey(name.Name))
        {
            throw Error(name.At, $"'{name.Name}' is an entity; use {name.Name}.<variable>");
        }

        var candidates = schema.Variables.Keys.Concat(locals.Keys).Concat(["period"]);
        throw Error(name.At, $"unknown variable '{name.Name}'{Suggest(name.Name, candidates)}");
    }

    private Node VariableOf(VariableDefinition target, Scope scope, Token at)
    {
        if (!string.Equals(target.Entity, scope.Entity.Key, StringComparison.Ordinal))
        {
            var hint = scope.Entity.IsPerson
                ? $"use {target.Entity}.{target.Name}"
                : target.Entity == schema.Person.Key
                    ? $"aggregate it, e.g. sum(members.{target.Name})"
                    : $"use {target.Entity}.{target.Name}";
            throw Error(at, $"variable '{target.Name}' belongs to entity '{target.Entity}', not '{scope.Entity.Key}'; {hint}");
        }

        dependencies.Add(target.Name);
        return Add(new VariableNode(FType.Of(target), target.Name));
    }

    /// <summary>Flattens a.b[c].d into its root name and segments.</summary>
    private static (NameExpr Root, List<(string? Name, Expr? Index, Token At)> Segments) Flatten(Expr expr)
    {
        var segments = new List<(string?, Expr?, Token)>();
        while (true)
        {
            switch (expr)
            {
                case MemberExpr m:
                    segments.Add((m.Name, null, m.At));
                    expr = m.Target;
                    continue;
                case IndexExpr i:
                    segments.Add((null, i.Index, i.At));
                    expr = i.Target;
                    continue;
                case NameExpr n:
                    segments.Reverse();
                    return (n, segments);
                default:
                    throw Error(expr.At, "expected a name before '.' or '['");
            }
        }
    }

    private Node BindPath(Expr expr, Scope scope)
    {
        var (root, segments) = Flatten(expr);
        if (root.Name == "parameters")
        {
            var (nodesFound, indexes, strides, end) = ResolveParameter(segments, scope, root.At);
            if (nodesFound[0] is ParameterScale)
            {
                throw Error(end, $"'{nodesFound[0].Path}' is a scale; use .calc(x), .marginal_rate(x) or .amount(x)");
            }

            var type = nodesFound.All(n => n is ParameterLeaf { IsBool: true }) ? FType.Bool : FType.Float;
            var slot = schema.Slots.Add(nodesFound);
            slots.Add(slot);
            return Add(new ParamNode(type, slot, indexes, strides));
        }

        if (root.Name == "members" && scope.InAggregation && segments.Count == 2 && segments[0].Name is { } g && schema.Entities.ContainsKey(g))
        {
            // members.household.x: a person → group projection written with the members prefix.
            (root, segments) = (new NameExpr(segments[0].At, g), segments.GetRange(1, 1));
        }

        if (segments.Count != 1 || segments[0].Name is null)
        {
            throw Error(segments.Count > 1 ? segments[1].At : root.At, $"unexpected '{(segments.Count > 1 ? segments[1].Name ?? "[" : "[")}' after '{root.Name}'");
        }

        var name = segments[0].Name!;
        var at = segments[0].At;
        if (root.Name == "members")
        {
            if (!scope.InAggregation)
            {
                throw Error(root.At, "'members' can only be used inside an aggregation: sum(members.x), count(members), …");
            }

            return VariableOf(LookupVariable(name, at), scope, at);
        }

        if (schema.Entities.TryGetValue(root.Name, out var group) && !group.IsPerson)
        {
            var target = LookupVariable(name, at);
            if (target.Entity != group.Key)
            {
                throw Error(at, $"variable '{name}' belongs to entity '{target.Entity}', not '{group.Key}'");
            }

            if (group.Key == scope.Entity.Key)
            {
                return VariableOf(target, scope, at);
            }

            dependencies.Add(target.Name);
            return Add(new GatherNode(FType.Of(target), target.Name, scope.Entity.Key, group.Key));
        }

        if (locals.ContainsKey(root.Name) || schema.Variables.ContainsKey(root.Name))
        {
            throw Error(at, $"'{root.Name}' is a value and has no member '{name}'");
        }

        throw Error(root.At, $"unknown name '{root.Name}'{Suggest(root.Name, schema.Entities.Keys.Concat(["parameters", "members"]))}");
    }

    private VariableDefinition LookupVariable(string name, Token at) =>
        schema.Variables.TryGetValue(name, out var target)
            ? target
            : throw Error(at, $"unknown variable '{name}'{Suggest(name, schema.Variables.Keys)}");

    private (ParameterNode[] Nodes, Node[] Indexes, int[] Strides, Token End) ResolveParameter(
        List<(string? Name, Expr? Index, Token At)> segments, Scope scope, Token rootAt)
    {
        ParameterNode[] current = [schema.Parameters];
        var indexes = new List<(Node Node, int Size)>();
        var end = rootAt;
        var path = "parameters";
        foreach (var (name, indexExpr, at) in segments)
        {
            end = at;
            if (current[0] is not ParameterGroup)
            {
                throw Error(at, $"'{current[0].Path}' is a {(current[0] is ParameterScale ? "scale" : "value")} and has no child '{name ?? "[…]"}'");
            }

            if (name is not null || indexExpr is StringExpr)
            {
                var childName = name ?? ((StringExpr)indexExpr!).Value;
                current = current.Select(n => ((ParameterGroup)n).Child(childName)
                    ?? throw Error(at, $"unknown parameter '{Join(n.Path, childName)}'{Suggest(childName, ((ParameterGroup)n).Children.Select(c => c.Name))}"))
                    .ToArray();
                path = Join(path, childName);
                continue;
            }

            var index = Bind(indexExpr!, scope, null);
            if (index.Type.Kind != TypeKind.Enum)
            {
                throw Error(indexExpr!.At, $"a parameter node can only be indexed by an enum, not {index.Type}");
            }

            var values = index.Type.Values!;
            var next = new List<ParameterNode>();
            foreach (var n in current)
            {
                var group = (ParameterGroup)n;
                foreach (var value in values)
                {
                    next.Add(group.Child(value)
                        ?? throw Error(indexExpr!.At, $"parameter node '{group.Path}' has no child for enum value '{value}'"));
                }
            }

            current = [.. next];
            indexes.Add((index, values.Count));
        }

        if (current[0] is ParameterGroup)
        {
            throw Error(end, $"'{current[0].Path}' is a parameter node, not a value; name or index one of its children");
        }

        if (current.Any(n => n.GetType() != current[0].GetType()))
        {
            throw Error(end, $"the parameters selected under '{path}' mix values and scales");
        }

        var strides = new int[indexes.Count];
        var stride = 1;
        for (var k = indexes.Count - 1; k >= 0; k--)
        {
            strides[k] = stride;
            stride *= indexes[k].Size;
        }

        return (current, [.. indexes.Select(i => i.Node)], strides, end);
    }

    private static string Join(string path, string child) => path.Length == 0 ? child : $"{path}.{child}";

    private Node BindUnary(UnaryExpr u, Scope scope)
    {
        var operand = Bind(u.Operand, scope, null);
        if (u.Op == "not")
        {
            RequireLogical(operand, u.Operand.At);
            return Add(new UnaryNode<NotOp>(FType.Bool, operand));
        }

        RequireNumeric(operand, u.Operand.At, "-");
        return Add(new UnaryNode<NegOp>(operand.Type.Kind == TypeKind.Int ? FType.Int : FType.Float, operand));
    }

    private void RequireNumeric(Node node, Token at, string op)
    {
        if (!node.Type.IsNumeric)
        {
            throw Error(at, node.Type.Kind == TypeKind.Enum || node.Type.Kind == TypeKind.Text
                ? $"enums cannot be used in arithmetic ('{op}')"
                : $"expected a number for '{op}', got {node.Type}");
        }
    }

    private static void RequireLogical(Node node, Token at)
    {
        if (!node.Type.IsNumeric)
        {
            throw Error(at, $"expected a bool, got {node.Type}");
        }
    }

    private Node BindBinary(BinaryExpr b, Scope scope)
    {
        if (b.Op is "==" or "!=")
        {
            // A string literal takes its enum type from the other side.
            Node left, right;
            if (b.Left is StringExpr && b.Right is not StringExpr)
            {
                right = Bind(b.Right, scope, null);
                left = Bind(b.Left, scope, right.Type);
            }
            else
            {
                left = Bind(b.Left, scope, null);
                right = Bind(b.Right, scope, left.Type);
            }

            if (left.Type.Kind == TypeKind.Text || right.Type.Kind == TypeKind.Text)
            {
                var other = left.Type.Kind == TypeKind.Text ? right : left;
                throw Error(b.At, other.Type.Kind == TypeKind.Text
                    ? "cannot compare two string literals"
                    : $"cannot compare {other.Type} with a string; only enums have string values");
            }

            if ((left.Type.Kind == TypeKind.Enum || right.Type.Kind == TypeKind.Enum) && !left.Type.SameAs(right.Type))
            {
                throw Error(b.At, $"cannot compare {left.Type} with {right.Type}");
            }

            return b.Op == "=="
                ? Add(new BinaryNode<EqOp>(FType.Bool, left, right))
                : Add(new BinaryNode<NeOp>(FType.Bool, left, right));
        }

        var l = Bind(b.Left, scope, null);
        var r = Bind(b.Right, scope, null);
        if (b.Op is "and" or "or")
        {
            RequireLogical(l, b.Left.At);
            RequireLogical(r, b.Right.At);
            return b.Op == "and" ? Add(new BinaryNode<AndOp>(FType.Bool, l, r)) : Add(new BinaryNode<OrOp>(FType.Bool, l, r));
        }

        RequireNumeric(l, b.Left.At, b.Op);
        RequireNumeric(r, b.Right.At, b.Op);
        var numeric = l.Type.Kind == TypeKind.Int && r.Type.Kind == TypeKind.Int ? FType.Int : FType.Float;
        return b.Op switch
        {
            "<" => Add(new BinaryNode<LtOp>(FType.Bool, l, r)),
            "<=" => Add(new BinaryNode<LeOp>(FType.Bool, l, r)),
            ">" => Add(new BinaryNode<GtOp>(FType.Bool, l, r)),
            ">=" => Add(new BinaryNode<GeOp>(FType.Bool, l, r)),
            "+" => Add(new BinaryNode<AddOp>(numeric, l, r)),
            "-" => Add(new BinaryNode<SubOp>(numeric, l, r)),
            "*" => Add(new BinaryNode<MulOp>(numeric, l, r)),
            "/" => Add(new BinaryNode<DivOp>(FType.Float, l, r)),
            "%" => Add(new BinaryNode<ModOp>(numeric, l, r)),
            "**" => Add(new BinaryNode<PowOp>(FType.Float, l, r)),
            _ => throw Error(b.At, $"unknown operator '{b.Op}'"),
        };
    }

    private static void Arity(CallExpr call, string name, int min, int max)
    {
        if (call.Arguments.Count < min || call.Arguments.Count > max)
        {
            var expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw Error(call.At, $"{name}() takes {expected} argument{(max == 1 ? "" : "s")}, got {call.Arguments.Count}");
        }

        var named = call.Arguments.FirstOrDefault(a => a.Name is not null && !(a.Name == "role" && name is "sum" or "count" or "any" or "all" or "max" or "min" or "mean"));
        if (named is not null)
        {
            throw Error(named.At, $"{name}() has no argument named '{named.Name}'");
        }
    }

    private Node BindCall(CallExpr call, Scope scope, FType? hint)
    {
        if (call.Callee is MemberExpr { Name: "calc" or "marginal_rate" or "amount" } method && Flatten(method.Target).Root.Name == "parameters")
        {
            return BindScaleCall(call, method, scope);
        }

        if (call.Callee is not NameExpr { Name: var name } callee)
        {
            throw Error(call.At, "only built-in functions and scale methods (.calc, .marginal_rate, .amount) can be called");
        }

        var args = call.Arguments;
        switch (name)
        {
            case "where":
            {
                Arity(call, name, 3, 3);
                var condition = Bind(args[0].Value, scope, null);
                RequireLogical(condition, args[0].Value.At);
                Node a, b;
                if (args[1].Value is StringExpr && args[2].Value is not StringExpr)
                {
                    b = Bind(args[2].Value, scope, hint);
                    a = Bind(args[1].Value, scope, b.Type.Kind == TypeKind.Enum ? b.Type : hint);
                }
                else
                {
                    a = Bind(args[1].Value, scope, hint);
                    b = Bind(args[2].Value, scope, a.Type.Kind == TypeKind.Enum ? a.Type : hint);
                }

                return Add(new WhereNode(Unify(a, b, call.At), condition, a, b));
            }

            // Inside an aggregation (person scope) min/max can only be element-wise; in a group formula
            // they aggregate with one argument, a role filter, or a first argument reading members
            // directly (not merely through a nested aggregation such as sum(members.x)).
            case "min" or "max" when !scope.InAggregation && args.Count >= 1
                && (args.Count == 1 || UsesMembers(args[0].Value) || args.Any(a => a.Name == "role")):
                return BindAggregate(call, name == "min" ? AggregateKind.Min : AggregateKind.Max, scope);
            case "min" or "max":
            {
                Arity(call, name, 2, int.MaxValue);
                var result = Numeric(args[0], scope, name);
                foreach (var arg in args.Skip(1))
                {
                    var next = Numeric(arg, scope, name);
                    var type = result.Type.Kind == TypeKind.Int && next.Type.Kind == TypeKind.Int ? FType.Int : FType.Float;
                    result = name == "min" ? Add(new BinaryNode<MinOp>(type, result, next)) : Add(new BinaryNode<MaxOp>(type, result, next));
                }

                return result;
            }

            case "clip":
            {
                Arity(call, name, 3, 3);
                var x = Numeric(args[0], scope, name);
                var lo = Numeric(args[1], scope, name);
                var hi = Numeric(args[2], scope, name);
                return Add(new BinaryNode<MinOp>(FType.Float, Add(new BinaryNode<MaxOp>(FType.Float, x, lo)), hi));
            }

            case "abs":
                Arity(call, name, 1, 1);
                var absArg = Numeric(args[0], scope, name);
                return Add(new UnaryNode<AbsOp>(absArg.Type.Kind == TypeKind.Int ? FType.Int : FType.Float, absArg));
            case "round":
            {
                Arity(call, name, 1, 2);
                var x = Numeric(args[0], scope, name);
                if (args.Count == 1)
                {
                    return Add(new UnaryNode<RoundOp>(FType.Float, x));
                }

                var digits = args[1].Value switch
                {
                    NumberExpr n when n.Value == Math.Floor(n.Value) => (int)n.Value,
                    UnaryExpr { Op: "-", Operand: NumberExpr n } when n.Value == Math.Floor(n.Value) => -(int)n.Value,
                    _ => throw Error(args[1].At, "round()'s digits must be a whole number literal"),
                };
                return Add(new RoundDigitsNode(x, digits) { Type = FType.Float });
            }

            case "floor":
                Arity(call, name, 1, 1);
                return Add(new UnaryNode<FloorOp>(FType.Float, Numeric(args[0], scope, name)));
            case "ceil":
                Arity(call, name, 1, 1);
                return Add(new UnaryNode<CeilOp>(FType.Float, Numeric(args[0], scope, name)));
            case "sqrt":
                Arity(call, name, 1, 1);
                return Add(new UnaryNode<SqrtOp>(FType.Float, Numeric(args[0], scope, name)));
            case "exp":
                Arity(call, name, 1, 1);
                return Add(new UnaryNode<ExpOp>(FType.Float, Numeric(args[0], scope, name)));
            case "log":
                Arity(call, name, 1, 1);
                return Add(new UnaryNode<LogOp>(FType.Float, Numeric(args[0], scope, name)));
            case "sum":
                return BindAggregate(call, AggregateKind.Sum, scope);
            case "count":
                return BindAggregate(call, AggregateKind.Count, scope);
            case "any":
                return BindAggregate(call, AggregateKind.Any, scope);
            case "all":
                return BindAggregate(call, AggregateKind.All, scope);
            case "mean":
                return BindAggregate(call, AggregateKind.Mean, scope);
            case "position":
                return BindPosition(call, scope);
            default:
                throw Error(callee.At, $"unknown function '{name}'{Suggest(name, Functions)}");
        }
    }

    private Node Numeric(Argument arg, Scope scope, string function)
    {
        var node = Bind(arg.Value, scope, null);
        RequireNumeric(node, arg.Value.At, function);
        return node;
    }

    private static FType Unify(Node a, Node b, Token at)
    {
        if (a.Type.Kind == TypeKind.Enum || b.Type.Kind == TypeKind.Enum || a.Type.Kind == TypeKind.Text || b.Type.Kind == TypeKind.Text)
        {
            if (a.Type.Kind == TypeKind.Text && b.Type.Kind == TypeKind.Text)
            {
                throw Error(at, "cannot tell which enum these string literals belong to");
            }

            if (!a.Type.SameAs(b.Type))
            {
                throw Error(at, $"where() branches have different types: {a.Type} and {b.Type}");
            }

            return a.Type;
        }

        if (a.Type.Kind == TypeKind.Bool && b.Type.Kind == TypeKind.Bool)
        {
            return FType.Bool;
        }

        return a.Type.Kind == TypeKind.Int && b.Type.Kind == TypeKind.Int ? FType.Int : FType.Float;
    }

    private static bool UsesMembers(Expr expr) => expr switch
    {
        NameExpr { Name: "members" } => true,
        MemberExpr m => UsesMembers(m.Target),
        IndexExpr i => UsesMembers(i.Target) || UsesMembers(i.Index),
        UnaryExpr u => UsesMembers(u.Operand),
        BinaryExpr b => UsesMembers(b.Left) || UsesMembers(b.Right),
        CallExpr c => !IsAggregationCall(c) && (UsesMembers(c.Callee) || c.Arguments.Any(a => UsesMembers(a.Value))),
        _ => false,
    };

    /// <summary>A call that aggregates members itself: its own <c>members</c> do not make the enclosing min/max an aggregation.</summary>
    private static bool IsAggregationCall(CallExpr call) => call.Callee is NameExpr { Name: var name }
        && (name is "sum" or "count" or "any" or "all" or "mean"
            || (name is "min" or "max" && (call.Arguments.Count == 1 || call.Arguments.Any(a => a.Name == "role"))));

    private Node BindAggregate(CallExpr call, AggregateKind kind, Scope scope)
    {
        var name = ((NameExpr)call.Callee).Name;
        if (scope.Entity.IsPerson || scope.InAggregation)
        {
            throw Error(call.At, $"{name}() aggregates over a group's members and is only valid in a group formula");
        }

        Arity(call, name, 1, 2);
        var personScope = new Scope(schema.Person, scope.Entity);
        var args = call.Arguments;
        Node? value = null;
        if (kind == AggregateKind.Count)
        {
            if (args[0].Value is not NameExpr { Name: "members" } || args[0].Name is not null)
            {
                throw Error(args[0].At, "count()'s first argument must be 'members': count(members) or count(members, condition)");
            }
        }
        else
        {
            if (args[0].Name is not null)
            {
                throw Error(args[0].At, $"{name}()'s first argument is the value to aggregate, e.g. {name}(members.x)");
            }

            value = Bind(args[0].Value, personScope, null);
            if (kind is AggregateKind.Any or AggregateKind.All)
            {
                RequireLogical(value, args[0].Value.At);
            }
            else
            {
                RequireNumeric(value, args[0].Value.At, name);
            }
        }

        Node? filter = null;
        if (args.Count == 2)
        {
            var arg = args[1];
            if (arg.Name == "role")
            {
                if (arg.Value is not NameExpr { Name: var roleKey })
                {
                    throw Error(arg.Value.At, "role= takes a role key, e.g. role=dependent");
                }

                var role = scope.Entity.FindRole(roleKey)
                    ?? throw Error(arg.Value.At, $"entity '{scope.Entity.Key}' has no role '{roleKey}'{Suggest(roleKey, scope.Entity.Roles.Select(r => r.Key))}");
                dependencies.Add(role.Variable);
                filter = Add(new VariableNode(FType.Bool, role.Variable));
            }
            else
            {
                filter = Bind(arg.Value, personScope, null);
                RequireLogical(filter, arg.Value.At);
            }
        }

        var type = kind switch
        {
            AggregateKind.Count => FType.Int,
            AggregateKind.Any or AggregateKind.All => FType.Bool,
            AggregateKind.Mean => FType.Float,
            _ => value!.Type.Kind is TypeKind.Int or TypeKind.Bool ? FType.Int : FType.Float,
        };
        return Add(new AggregateNode(type, kind, scope.Entity.Key, value, filter));
    }

    private Node BindPosition(CallExpr call, Scope scope)
    {
        Arity(call, "position", 2, 2);
        if (!scope.Entity.IsPerson)
        {
            throw Error(call.At, "position() is only valid in a person formula");
        }

        if (call.Arguments[0].Value is not NameExpr { Name: var groupKey } || !schema.Entities.TryGetValue(groupKey, out var group) || group.IsPerson)
        {
            throw Error(call.Arguments[0].At, $"position()'s first argument must be a group: {string.Join(", ", schema.Entities.Values.Where(e => !e.IsPerson).Select(e => e.Key))}");
        }

        var condition = Bind(call.Arguments[1].Value, scope, null);
        RequireLogical(condition, call.Arguments[1].Value.At);
        return Add(new PositionNode(group.Key, condition));
    }

    private Node BindScaleCall(CallExpr call, MemberExpr method, Scope scope)
    {
        var (_, segments) = Flatten(method.Target);
        var (found, indexes, strides, _) = ResolveParameter(segments, scope, method.At);
        if (found[0] is not ParameterScale)
        {
            throw Error(method.At, $"'{found[0].Path}' is not a scale, so it has no .{method.Name}()");
        }

        if (method.Name == "amount" && found.Any(n => ((ParameterScale)n).ScaleType != ScaleType.SingleAmount))
        {
            throw Error(method.At, $".amount() needs a single_amount scale; '{found[0].Path}' is marginal_rate (use .calc)");
        }

        if (call.Arguments.Count != 1 || call.Arguments[0].Name is not null)
        {
            throw Error(call.At, $".{method.Name}() takes 1 argument, got {call.Arguments.Count}");
        }

        var x = Numeric(call.Arguments[0], scope, method.Name);
        var slot = schema.Slots.Add(found);
        slots.Add(slot);
        return Add(new ScaleNode(slot, indexes, strides, method.Name == "marginal_rate" ? ScaleFunction.MarginalRate : ScaleFunction.Calc, x));
    }

    /// <summary>" (did you mean 'x'?)" for the closest candidate, or "".</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Levenshtein(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 3) && bestDistance < name.Length ? $" (did you mean '{best}'?)" : "";
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
