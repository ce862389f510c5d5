using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Portal.Core.Engine.Formulas;

internal enum TypeKind
{
    Float,
    Int,
    Bool,
    Enum,
    /// <summary>An enum literal whose enum type is not known yet (typed by its context).</summary>
    Text,
}

internal sealed record FType(TypeKind Kind, IReadOnlyList<string>? Values = null)
{
    public static readonly FType Float = new(TypeKind.Float);
    public static readonly FType Int = new(TypeKind.Int);
    public static readonly FType Bool = new(TypeKind.Bool);
    public static readonly FType Text = new(TypeKind.Text);

    public bool IsNumeric => Kind is TypeKind.Float or TypeKind.Int or TypeKind.Bool;

    public bool SameAs(FType other) =>
        Kind == other.Kind && (Kind != TypeKind.Enum || Values!.SequenceEqual(other.Values!, StringComparer.Ordinal));

    public override string ToString() => Kind switch
    {
        TypeKind.Enum => $"enum<{string.Join("|", Values!.Take(4))}{(Values!.Count > 4 ? "|…" : "")}>",
        TypeKind.Text => "text",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    public static FType Of(VariableDefinition variable) => variable.ValueType switch
    {
        VariableValueType.Float => Float,
        VariableValueType.Int => Int,
        VariableValueType.Bool => Bool,
        _ => new FType(TypeKind.Enum, variable.PossibleValues),
    };

    /// <summary>Identifies the type exactly (enum types by all their values), for node keys.</summary>
    public string Key => Kind == TypeKind.Enum ? $"enum<{string.Join("|", Values!)}>" : Kind.ToString();

    public bool Equals(FType? other) => other is not null && SameAs(other);

    public override int GetHashCode() => Kind.GetHashCode();
}

/// <summary>A window of a column or of a node's scratch buffer holding one chunk's values.</summary>
internal readonly record struct Seg(double[] Array, int Offset)
{
    public ReadOnlySpan<double> Span(int length) => new(Array, Offset, length);
}

/// <summary>Per-evaluation state of one compiled formula: constants, prepared columns, resolved parameters.</summary>
internal sealed class EvalState(Simulation simulation, int nodeCount)
{
    public Simulation Simulation { get; } = simulation;

    /// <summary>Set when the formula is evaluated on one block of rows (see <see cref="RowBlocks"/>); else all rows.</summary>
    public BlockRun? Block { get; init; }

    /// <summary>The entity's rows this evaluation covers: one block's, or all.</summary>
    public (int From, int To) Rows(string entity) =>
        Block is { } block
            ? block.Blocks.Range(entity, Simulation.Population.Model.Person.Key, block.Index)
            : (0, Simulation.Population.Count(entity));

    public readonly bool[] IsConst = new bool[nodeCount];
    public readonly double[] Const = new double[nodeCount];
    public readonly double[]?[] Columns = new double[]?[nodeCount];
    public readonly int[]?[] Maps = new int[]?[nodeCount];
    public readonly object?[] Tables = new object?[nodeCount];

    /// <summary>Positions computed chunk by chunk in the pass that reads them, not materialised (see Kernel.StreamedPositions).</summary>
    public IReadOnlySet<Node> Streamed { get; set; } = System.Collections.Frozen.FrozenSet<Node>.Empty;

    /// <summary>Nodes already prepared (a node the binder merged is reached from several parents).</summary>
    public readonly bool[] Prepared = new bool[nodeCount];
    private Worker? constWorker;
    private List<double[]>? rented;

    /// <summary>Evaluates constant subtrees on one row.</summary>
    public Worker ConstWorker => constWorker ??= new Worker(IsConst.Length, 0, 1);

    /// <summary>The node (an aggregation or position at the formula's root) that writes straight into the kernel's output.</summary>
    public int TargetId { get; set; } = -1;

    public double[]? Target { get; set; }

    /// <summary>
    /// A whole-column buffer for node <paramref name="id"/>: the kernel's output when the node is the
    /// formula's result, else pooled until the evaluation ends; rows <paramref name="zeroed"/> are set to 0. Fresh columns cost page faults on every
    /// run; intermediate ones (aggregations, positions, counters) were half of the federal chain's.
    /// </summary>
    public double[] Column(int id, int length, (int From, int To) zeroed)
    {
        double[] array;
        if (id >= 0 && id == TargetId)
        {
            array = Target!;
        }
        else
        {
            array = ColumnMemory.Rent(length);
            (rented ??= []).Add(array);
        }

        Array.Clear(array, zeroed.From, zeroed.To - zeroed.From);
        return array;
    }

    public void ReturnColumns()
    {
        if (rented is null)
        {
            return;
        }

        foreach (var array in rented)
        {
            ColumnMemory.Return(array);
        }

        rented = null;
    }
}

/// <summary>
/// One block of a chain evaluated block by block: its index, and the reductions shared between
/// formulas (see <see cref="Kernel.ShareReductions"/>) whose columns the simulation allocated for the
/// chain and which an earlier formula already computed for this block.
/// </summary>
internal sealed class BlockRun(RowBlocks blocks, int index, IReadOnlyDictionary<string, double[]> shared)
{
    public RowBlocks Blocks { get; } = blocks;

    public int Index { get; } = index;

    public IReadOnlyDictionary<string, double[]> Shared { get; } = shared;

    public HashSet<string> Done { get; } = new(StringComparer.Ordinal);
}

/// <summary>Scratch buffers of one thread evaluating chunks.</summary>
internal sealed class Worker(int nodeCount, int localCount, int bufferSize)
{
    private static readonly Stack<Worker> Pool = new();
    private double[]?[] scratch = new double[]?[nodeCount];
    private int[]? combo;
    private long[] stamps = new long[nodeCount];
    private Seg[] memo = new Seg[nodeCount];
    private long chunk = 1;

    public Seg[] Locals { get; private set; } = new Seg[localCount];

    /// <summary>Scratch sized to the chunk (small for a household, so one-household runs stay cheap).</summary>
    public double[] Buffer(int id) => scratch[id] ??= new double[bufferSize];

    public int[] Combo => combo ??= new int[bufferSize];

    /// <summary>Starts a new chunk: values memoised for the previous one are stale.</summary>
    public void NextChunk() => chunk++;

    /// <summary>
    /// The node's values for the current chunk, computed once however many parents read them (the
    /// binder merges identical subexpressions into one node). Stamped with a per-worker chunk number
    /// that only grows, so a pooled worker never returns another formula's or chunk's values.
    /// </summary>
    public Seg Memoised(Node node, EvalState state, int start, int length)
    {
        var id = node.Id;
        if (stamps[id] == chunk)
        {
            return memo[id];
        }

        var seg = node.EvalFresh(state, this, start, length);
        memo[id] = seg;
        stamps[id] = chunk;
        return seg;
    }

    /// <summary>
    /// A full-chunk worker from a process-wide pool: every formula of a large population otherwise
    /// allocates (and the GC zeroes) 16 KB per node per thread, a measurable share of a column's time.
    /// Buffers keep stale values between uses, which is fine: a node writes its rows before reading them.
    /// </summary>
    public static Worker Rent(int nodeCount, int localCount)
    {
        Worker? worker = null;
        lock (Pool)
        {
            Pool.TryPop(out worker);
        }

        worker ??= new Worker(nodeCount, localCount, Kernel.ChunkSize);
        if (worker.scratch.Length < nodeCount)
        {
            Array.Resize(ref worker.scratch, nodeCount);
            Array.Resize(ref worker.stamps, nodeCount);
            Array.Resize(ref worker.memo, nodeCount);
        }

        if (worker.Locals.Length < localCount)
        {
            worker.Locals = new Seg[localCount];
        }

        return worker;
    }

    public static void Return(Worker worker)
    {
        Array.Clear(worker.Locals); // drop references to columns
        Array.Clear(worker.memo);
        lock (Pool)
        {
            if (Pool.Count < (2 * Environment.ProcessorCount) + 2)
            {
                Pool.Push(worker);
            }
        }
    }
}

/// <summary>A typed, bound formula expression evaluated one chunk of rows at a time.</summary>
internal abstract class Node(FType type)
{
    public int Id { get; set; }

    public FType Type { get; set; } = type;

    public abstract IEnumerable<Node> Children { get; }

    /// <summary>
    /// Read by more than one parent in its formula (the binder merges identical subexpressions into
    /// one node): its values are computed once per chunk and memoised (see <see cref="Worker.Memoised"/>).
    /// </summary>
    public bool Reused { get; set; }

    /// <summary>Cheap to evaluate again (a slice of a column or of a local): never worth memoising.</summary>
    protected virtual bool IsSlice => false;

    private string? key;

    /// <summary>
    /// The node's structure: operation, its constants, variables and parameter slots, children's
    /// keys and the result type. Within one simulation two nodes with equal keys compute equal
    /// values (the binder merges them; reductions are shared across formulas, see
    /// <see cref="Kernel.ShareReductions"/>).
    /// </summary>
    public string Key => key ??= $"{Describe()}({string.Join(",", Children.Select(c => c.Key))}):{Type.Key}";

    /// <summary>The operation and its own constants (children and type are added by <see cref="Key"/>).</summary>
    protected virtual string Describe() => GetType().Name;

    /// <summary>Whether <see cref="Key"/> means the same in every formula (false below a formula's local).</summary>
    public virtual bool Portable => Children.All(c => c.Portable);

    /// <summary>Called once per evaluation, before any chunk: fetches columns, materialises aggregations, folds constants.</summary>
    public void Prepare(EvalState state)
    {
        if (!state.Prepared[Id])
        {
            state.Prepared[Id] = true;
            PrepareCore(state);
        }
    }

    protected virtual void PrepareCore(EvalState state)
    {
        var allConst = true;
        foreach (var child in Children)
        {
            child.Prepare(state);
            allConst &= state.IsConst[child.Id];
        }

        if (allConst && IsElementwise)
        {
            state.Const[Id] = EvalCore(state, state.ConstWorker, 0, 1).Array[0];
            state.IsConst[Id] = true;
        }
    }

    protected virtual bool IsElementwise => true;

    public Seg Eval(EvalState state, Worker worker, int start, int length)
    {
        if (state.IsConst[Id])
        {
            var buffer = worker.Buffer(Id);
            Array.Fill(buffer, state.Const[Id], 0, length);
            return new Seg(buffer, 0);
        }

        return Reused && !IsSlice ? worker.Memoised(this, state, start, length) : EvalCore(state, worker, start, length);
    }

    /// <summary>The chunk's values computed now (for <see cref="Worker.Memoised"/>).</summary>
    public Seg EvalFresh(EvalState state, Worker worker, int start, int length) => EvalCore(state, worker, start, length);

    protected abstract Seg EvalCore(EvalState state, Worker worker, int start, int length);

    /// <summary>The chunk's values written into <paramref name="destination"/> (the kernel's output), without a scratch copy where the node supports it.</summary>
    public void EvalInto(EvalState state, Worker worker, int start, int length, Span<double> destination)
    {
        if (state.IsConst[Id])
        {
            destination.Fill(state.Const[Id]);
        }
        else if (ComputesInto)
        {
            ComputeInto(state, worker, start, length, destination);
        }
        else
        {
            EvalCore(state, worker, start, length).Span(length).CopyTo(destination);
        }
    }

    protected virtual bool ComputesInto => false;

    protected virtual void ComputeInto(EvalState state, Worker worker, int start, int length, Span<double> d) => throw new NotSupportedException();

    /// <summary>EvalCore for nodes that compute into a span: into this node's scratch buffer.</summary>
    protected Seg ComputeIntoBuffer(EvalState state, Worker worker, int start, int length)
    {
        var buffer = worker.Buffer(Id);
        ComputeInto(state, worker, start, length, buffer.AsSpan(0, length));
        return new Seg(buffer, 0);
    }
}

internal sealed class ConstNode(FType type, double value) : Node(type)
{
    public double Value { get; } = value;

    public override IEnumerable<Node> Children => [];

    protected override string Describe() => $"const {BitConverter.DoubleToInt64Bits(Value):x}";

    protected override void PrepareCore(EvalState state)
    {
        state.IsConst[Id] = true;
        state.Const[Id] = Value;
    }

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => throw new InvalidOperationException();
}

internal sealed class PeriodNode() : Node(FType.Int)
{
    public override IEnumerable<Node> Children => [];

    protected override void PrepareCore(EvalState state)
    {
        state.IsConst[Id] = true;
        state.Const[Id] = state.Simulation.Period;
    }

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => throw new InvalidOperationException();
}

internal sealed class VariableNode(FType type, string variable) : Node(type)
{
    public string Variable { get; } = variable;

    public override IEnumerable<Node> Children => [];

    protected override bool IsSlice => true;

    protected override string Describe() => $"variable {Variable}";

    protected override void PrepareCore(EvalState state) => state.Columns[Id] = state.Simulation.Compute(Variable);

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => new(state.Columns[Id]!, start);
}

/// <summary>Value of a variable of another entity, through an index map (person → group, or group → group via its first member).</summary>
internal sealed class GatherNode(FType type, string variable, string fromEntity, string toEntity) : Node(type)
{
    public string Variable { get; } = variable;

    public override IEnumerable<Node> Children => [];

    protected override string Describe() => $"gather {Variable} {fromEntity}>{toEntity}";

    protected override void PrepareCore(EvalState state)
    {
        state.Columns[Id] = state.Simulation.Compute(Variable);
        state.Maps[Id] = state.Simulation.Population.Map(fromEntity, toEntity);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length)
    {
        var column = state.Columns[Id]!;
        var map = state.Maps[Id]!.AsSpan(start, length);
        var d = worker.Buffer(Id);
        for (var i = 0; i < map.Length; i++)
        {
            d[i] = column[map[i]];
        }

        return new Seg(d, 0);
    }
}

internal sealed class LocalNode(FType type, int index, Node value) : Node(type)
{
    public int Index { get; } = index;

    public Node Value { get; } = value;

    public override IEnumerable<Node> Children => [];

    protected override bool IsSlice => true;

    protected override string Describe() => $"local {Index}";

    public override bool Portable => false;

    protected override void PrepareCore(EvalState state)
    {
        if (state.IsConst[Value.Id])
        {
            state.IsConst[Id] = true;
            state.Const[Id] = state.Const[Value.Id];
        }
    }

    /// <summary>
    /// The local's chunk, evaluated by the kernel before the result; in a pass that materialises a
    /// reduction (<c>position(group, local)</c>) before the chunk loop, the local's value directly.
    /// </summary>
    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) =>
        worker.Locals[Index] is { Array: not null } seg ? seg : Value.Eval(state, worker, start, length);
}

/// <summary>
/// An element-wise operation; <see cref="Vectorized"/> ops also have SIMD forms (512-bit where the
/// hardware runs them, e.g. AMD Zen 4/5, else 256-bit) giving bit-identical
/// results (same IEEE operations, comparisons as masks: no branch per element, which on mixed data
/// mispredicts half the time).
/// </summary>
internal interface IBinaryOp
{
    static abstract double Apply(double a, double b);

    static virtual bool Vectorized => false;

    static virtual Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => throw new NotSupportedException();

    static virtual Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => throw new NotSupportedException();
}

internal interface IUnaryOp
{
    static abstract double Apply(double a);

    static virtual bool Vectorized => false;

    static virtual Vector256<double> Apply(Vector256<double> a) => throw new NotSupportedException();

    static virtual Vector512<double> Apply(Vector512<double> a) => throw new NotSupportedException();
}

/// <summary>Helpers for the SIMD forms: masks to 0/1.</summary>
internal static class Simd
{
    public static readonly Vector256<double> One = Vector256.Create(1.0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Truth(Vector256<double> mask) => mask & One;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> NonZero(Vector256<double> a) => ~Vector256.Equals(a, Vector256<double>.Zero);

    public static readonly Vector512<double> One512 = Vector512.Create(1.0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Truth(Vector512<double> mask) => mask & One512;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> NonZero(Vector512<double> a) => ~Vector512.Equals(a, Vector512<double>.Zero);
}

#pragma warning disable CA1812 // Instantiated through generic type arguments.
internal struct AddOp : IBinaryOp { public static double Apply(double a, double b) => a + b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => a + b; public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => a + b; }
internal struct SubOp : IBinaryOp { public static double Apply(double a, double b) => a - b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => a - b; public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => a - b; }
internal struct MulOp : IBinaryOp { public static double Apply(double a, double b) => a * b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => a * b; public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => a * b; }
internal struct DivOp : IBinaryOp { public static double Apply(double a, double b) => b == 0 ? 0 : a / b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(Vector256.Equals(b, Vector256<double>.Zero), Vector256<double>.Zero, a / b); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(Vector512.Equals(b, Vector512<double>.Zero), Vector512<double>.Zero, a / b); }
internal struct ModOp : IBinaryOp { public static double Apply(double a, double b) => b == 0 ? 0 : a - (Math.Floor(a / b) * b); }
internal struct PowOp : IBinaryOp { public static double Apply(double a, double b) { var r = Math.Pow(a, b); return double.IsNaN(r) ? 0 : r; } }
internal struct EqOp : IBinaryOp { public static double Apply(double a, double b) => a == b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Vector256.Equals(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Vector512.Equals(a, b)); }
internal struct NeOp : IBinaryOp { public static double Apply(double a, double b) => a != b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(~Vector256.Equals(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(~Vector512.Equals(a, b)); }
internal struct LtOp : IBinaryOp { public static double Apply(double a, double b) => a < b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Vector256.LessThan(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Vector512.LessThan(a, b)); }
internal struct LeOp : IBinaryOp { public static double Apply(double a, double b) => a <= b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Vector256.LessThanOrEqual(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Vector512.LessThanOrEqual(a, b)); }
internal struct GtOp : IBinaryOp { public static double Apply(double a, double b) => a > b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Vector256.GreaterThan(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Vector512.GreaterThan(a, b)); }
internal struct GeOp : IBinaryOp { public static double Apply(double a, double b) => a >= b ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Vector256.GreaterThanOrEqual(a, b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Vector512.GreaterThanOrEqual(a, b)); }
internal struct AndOp : IBinaryOp { public static double Apply(double a, double b) => a != 0 && b != 0 ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Simd.NonZero(a) & Simd.NonZero(b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Simd.NonZero(a) & Simd.NonZero(b)); }
internal struct OrOp : IBinaryOp { public static double Apply(double a, double b) => a != 0 || b != 0 ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Simd.Truth(Simd.NonZero(a) | Simd.NonZero(b)); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Simd.Truth(Simd.NonZero(a) | Simd.NonZero(b)); }
internal struct MinOp : IBinaryOp { public static double Apply(double a, double b) => a < b ? a : b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(Vector256.LessThan(a, b), a, b); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(Vector512.LessThan(a, b), a, b); }
internal struct MaxOp : IBinaryOp { public static double Apply(double a, double b) => a > b ? a : b; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b); public static Vector512<double> Apply(Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, b), a, b); }

internal struct NegOp : IUnaryOp { public static double Apply(double a) => -a; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => -a; public static Vector512<double> Apply(Vector512<double> a) => -a; }
internal struct NotOp : IUnaryOp { public static double Apply(double a) => a == 0 ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Simd.Truth(Vector256.Equals(a, Vector256<double>.Zero)); public static Vector512<double> Apply(Vector512<double> a) => Simd.Truth(Vector512.Equals(a, Vector512<double>.Zero)); }
internal struct AbsOp : IUnaryOp { public static double Apply(double a) => Math.Abs(a); public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Vector256.Abs(a); public static Vector512<double> Apply(Vector512<double> a) => Vector512.Abs(a); }
internal struct RoundOp : IUnaryOp { public static double Apply(double a) => Math.Round(a, MidpointRounding.ToEven); }
internal struct FloorOp : IUnaryOp { public static double Apply(double a) => Math.Floor(a); public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Vector256.Floor(a); public static Vector512<double> Apply(Vector512<double> a) => Vector512.Floor(a); }
internal struct CeilOp : IUnaryOp { public static double Apply(double a) => Math.Ceiling(a); public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Vector256.Ceiling(a); public static Vector512<double> Apply(Vector512<double> a) => Vector512.Ceiling(a); }
internal struct SqrtOp : IUnaryOp { public static double Apply(double a) => a <= 0 ? 0 : Math.Sqrt(a); public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Vector256.ConditionalSelect(Vector256.LessThanOrEqual(a, Vector256<double>.Zero), Vector256<double>.Zero, Vector256.Sqrt(a)); public static Vector512<double> Apply(Vector512<double> a) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(a, Vector512<double>.Zero), Vector512<double>.Zero, Vector512.Sqrt(a)); }
internal struct ExpOp : IUnaryOp { public static double Apply(double a) => Math.Exp(a); }
internal struct LogOp : IUnaryOp { public static double Apply(double a) => a <= 0 ? 0 : Math.Log(a); }
internal struct BoolOp : IUnaryOp { public static double Apply(double a) => a != 0 ? 1 : 0; public static bool Vectorized => true; public static Vector256<double> Apply(Vector256<double> a) => Simd.Truth(Simd.NonZero(a)); public static Vector512<double> Apply(Vector512<double> a) => Simd.Truth(Simd.NonZero(a)); }
#pragma warning restore CA1812

internal abstract class BinaryNode(FType type, Node left, Node right) : Node(type)
{
    public Node Left { get; } = left;

    public Node Right { get; } = right;

    public override IEnumerable<Node> Children => [Left, Right];
}

internal sealed class BinaryNode<TOp>(FType type, Node left, Node right) : BinaryNode(type, left, right)
    where TOp : struct, IBinaryOp
{
    protected override string Describe() => typeof(TOp).Name;
    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => ComputeIntoBuffer(state, worker, start, length);

    protected override bool ComputesInto => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ComputeInto(EvalState state, Worker worker, int start, int length, Span<double> d)
    {
        if (state.IsConst[Right.Id])
        {
            Apply(Left.Eval(state, worker, start, length).Span(length), state.Const[Right.Id], d);
        }
        else if (state.IsConst[Left.Id])
        {
            Apply(state.Const[Left.Id], Right.Eval(state, worker, start, length).Span(length), d);
        }
        else
        {
            var a = Left.Eval(state, worker, start, length).Span(length);
            Apply(a, Right.Eval(state, worker, start, length).Span(length), d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> d)
    {
        var i = 0;
        if (TOp.Vectorized && Vector512.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            for (; i <= d.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        if (TOp.Vectorized && Vector256.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            for (; i <= d.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = TOp.Apply(a[i], b[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(ReadOnlySpan<double> a, double b, Span<double> d)
    {
        var i = 0;
        if (TOp.Vectorized && Vector512.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rd = ref MemoryMarshal.GetReference(d);
            var vb = Vector512.Create(b);
            for (; i <= d.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i), vb).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        if (TOp.Vectorized && Vector256.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rd = ref MemoryMarshal.GetReference(d);
            var vb = Vector256.Create(b);
            for (; i <= d.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i), vb).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = TOp.Apply(a[i], b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply(double a, ReadOnlySpan<double> b, Span<double> d)
    {
        var i = 0;
        if (TOp.Vectorized && Vector512.IsHardwareAccelerated)
        {
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            var va = Vector512.Create(a);
            for (; i <= d.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                TOp.Apply(va, Vector512.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        if (TOp.Vectorized && Vector256.IsHardwareAccelerated)
        {
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            var va = Vector256.Create(a);
            for (; i <= d.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                TOp.Apply(va, Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = TOp.Apply(a, b[i]);
        }
    }
}

internal sealed class UnaryNode<TOp>(FType type, Node operand) : Node(type)
    where TOp : struct, IUnaryOp
{
    protected override string Describe() => typeof(TOp).Name;
    public Node Operand { get; } = operand;

    public override IEnumerable<Node> Children => [Operand];

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => ComputeIntoBuffer(state, worker, start, length);

    protected override bool ComputesInto => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ComputeInto(EvalState state, Worker worker, int start, int length, Span<double> d)
    {
        var a = Operand.Eval(state, worker, start, length).Span(length);
        var i = 0;
        if (TOp.Vectorized && Vector512.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rd = ref MemoryMarshal.GetReference(d);
            for (; i <= d.Length - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                TOp.Apply(Vector512.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        if (TOp.Vectorized && Vector256.IsHardwareAccelerated)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rd = ref MemoryMarshal.GetReference(d);
            for (; i <= d.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref ra, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = TOp.Apply(a[i]);
        }
    }
}

internal sealed class RoundDigitsNode(Node operand, int digits) : Node(FType.Float)
{
    public override IEnumerable<Node> Children => [operand];

    protected override string Describe() => $"round {digits}";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length)
    {
        var a = operand.Eval(state, worker, start, length).Span(length);
        var buffer = worker.Buffer(Id);
        var scale = Math.Pow(10, digits);
        for (var i = 0; i < length; i++)
        {
            buffer[i] = digits is >= 0 and <= 15
                ? Math.Round(a[i], digits, MidpointRounding.ToEven)
                : Math.Round(a[i] * scale, MidpointRounding.ToEven) / scale;
        }

        return new Seg(buffer, 0);
    }
}

internal sealed class WhereNode(FType type, Node condition, Node then, Node otherwise) : Node(type)
{
    public override IEnumerable<Node> Children => [condition, then, otherwise];

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => ComputeIntoBuffer(state, worker, start, length);

    protected override bool ComputesInto => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ComputeInto(EvalState state, Worker worker, int start, int length, Span<double> d)
    {
        var c = condition.Eval(state, worker, start, length).Span(length);
        if (state.IsConst[then.Id] || state.IsConst[otherwise.Id])
        {
            // A constant branch (e.g. where(x >= limit, tax, 0)) is broadcast, not filled per chunk.
            SelectConst(state, worker, start, length, c, d);
            return;
        }

        var a = then.Eval(state, worker, start, length).Span(length);
        var b = otherwise.Eval(state, worker, start, length).Span(length);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rc = ref MemoryMarshal.GetReference(c);
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256.ConditionalSelect(Simd.NonZero(Vector256.LoadUnsafe(ref rc, (nuint)i)), Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i))
                    .StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            d[i] = c[i] != 0 ? a[i] : b[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SelectConst(EvalState state, Worker worker, int start, int length, ReadOnlySpan<double> c, Span<double> d)
    {
        var constA = state.IsConst[then.Id];
        var constB = state.IsConst[otherwise.Id];
        var ca = constA ? state.Const[then.Id] : 0;
        var cb = constB ? state.Const[otherwise.Id] : 0;
        var a = constA ? default : then.Eval(state, worker, start, length).Span(length);
        var b = constB ? default : otherwise.Eval(state, worker, start, length).Span(length);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rc = ref MemoryMarshal.GetReference(c);
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var rd = ref MemoryMarshal.GetReference(d);
            var va = Vector256.Create(ca);
            var vb = Vector256.Create(cb);
            for (; i <= length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var x = constA ? va : Vector256.LoadUnsafe(ref ra, (nuint)i);
                var y = constB ? vb : Vector256.LoadUnsafe(ref rb, (nuint)i);
                Vector256.ConditionalSelect(Simd.NonZero(Vector256.LoadUnsafe(ref rc, (nuint)i)), x, y).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            d[i] = c[i] != 0 ? (constA ? ca : a[i]) : (constB ? cb : b[i]);
        }
    }
}

/// <summary>A parameter value, possibly indexed by enum expressions: one table entry per combination of index values.</summary>
internal sealed class ParamNode(FType type, int slot, Node[] indexes, int[] strides) : Node(type)
{
    public int Slot { get; } = slot;

    public override IEnumerable<Node> Children => indexes;

    protected override string Describe() => $"parameter {Slot}";

    protected override void PrepareCore(EvalState state)
    {
        foreach (var index in indexes)
        {
            index.Prepare(state);
        }

        var table = state.Simulation.ParameterTable(Slot);
        state.Tables[Id] = table;
        if (indexes.Length == 0)
        {
            state.IsConst[Id] = true;
            state.Const[Id] = table[0];
        }
        else if (indexes.All(i => state.IsConst[i.Id]))
        {
            state.IsConst[Id] = true;
            state.Const[Id] = table[Kernel.ConstIndex(state, indexes, strides)];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length)
    {
        var table = (double[])state.Tables[Id]!;
        var buffer = worker.Buffer(Id).AsSpan(0, length);
        if (indexes.Length == 1)
        {
            // One enum index (the common case, e.g. a value per filing status): gather straight from
            // the index column, without building a combination index first.
            var e = indexes[0].Eval(state, worker, start, length).Span(length);
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = table[(int)e[i]];
            }

            return new Seg(worker.Buffer(Id), 0);
        }

        var combo = Kernel.ComboIndex(state, worker, indexes, strides, start, length, Id);
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = table[combo[i]];
        }

        return new Seg(worker.Buffer(Id), 0);
    }
}

internal enum ScaleFunction
{
    Calc,
    MarginalRate,
}

internal sealed class ScaleNode(int slot, Node[] indexes, int[] strides, ScaleFunction function, Node argument) : Node(FType.Float)
{
    public int Slot { get; } = slot;

    public override IEnumerable<Node> Children => [.. indexes, argument];

    protected override string Describe() => $"scale {Slot} {function}";

    protected override void PrepareCore(EvalState state)
    {
        base.PrepareCore(state);
        var scales = state.Simulation.ScaleTable(Slot);
        // A scale selected by constant indexes (or none) is resolved once here, not per chunk.
        var constant = indexes.Length == 0 || Array.TrueForAll(indexes, i => state.IsConst[i.Id]);
        if (constant)
        {
            scales = [scales[indexes.Length == 0 ? 0 : Kernel.ConstIndex(state, indexes, strides)]];
        }

        state.Tables[Id] = ScaleBlock.TryCreate(scales, function) ?? (object)scales;
    }

    protected override bool IsElementwise => false;

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => ComputeIntoBuffer(state, worker, start, length);

    protected override bool ComputesInto => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ComputeInto(EvalState state, Worker worker, int start, int length, Span<double> buffer)
    {
        var x = argument.Eval(state, worker, start, length).Span(length);
        if (state.Tables[Id] is ScaleBlock block)
        {
            if (block.Count == 1)
            {
                block.Apply(x, default, default, buffer);
            }
            else if (indexes.Length == 1)
            {
                block.Apply(x, indexes[0].Eval(state, worker, start, length).Span(length), default, buffer);
            }
            else
            {
                block.Apply(x, default, Kernel.ComboIndex(state, worker, indexes, strides, start, length, Id), buffer);
            }
        }
        else if (state.Tables[Id] is ResolvedScale[] { Length: 1 } one)
        {
            var scale = one[0];
            for (var i = 0; i < length; i++)
            {
                buffer[i] = scale.Apply(function, x[i]);
            }
        }
        else if (indexes.Length == 1)
        {
            var scales = (ResolvedScale[])state.Tables[Id]!;
            var e = indexes[0].Eval(state, worker, start, length).Span(length);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = scales[(int)e[i]].Apply(function, x[i]);
            }
        }
        else
        {
            var scales = (ResolvedScale[])state.Tables[Id]!;
            var combo = Kernel.ComboIndex(state, worker, indexes, strides, start, length, Id);
            for (var i = 0; i < length; i++)
            {
                buffer[i] = scales[combo[i]].Apply(function, x[i]);
            }
        }
    }
}

/// <summary>
/// The scales one <see cref="ScaleNode"/> can select (one per combination of its enum indexes), laid
/// out flat for the row loop: scale k's thresholds at [k × stride ..], padded to the widest scale with
/// +∞ thresholds (never reached: x ≤ +∞, and for the amount lookup the padding repeats the last value)
/// and one +∞ more as the top of the last bracket. Only when every scale's thresholds are ordered and
/// all take the same form (bracket sums, or the last bracket's value); otherwise the scales apply one
/// by one. Results are those of <see cref="ResolvedScale.Apply"/>, bit for bit.
/// </summary>
internal sealed class ScaleBlock
{
    private readonly int width;
    private readonly bool sums;
    private readonly double[] thresholds;
    private readonly double[] below;
    private readonly double[] values;

    private ScaleBlock(int count, int width, bool sums, double[] thresholds, double[] below, double[] values)
    {
        Count = count;
        this.width = width;
        this.sums = sums;
        this.thresholds = thresholds;
        this.below = below;
        this.values = values;
    }

    public int Count { get; }

    public static ScaleBlock? TryCreate(ResolvedScale[] scales, ScaleFunction function)
    {
        var sums = function == ScaleFunction.Calc && scales[0].Type == ScaleType.MarginalRate;
        if (!Array.TrueForAll(scales, s => s.Ordered && (function == ScaleFunction.Calc && s.Type == ScaleType.MarginalRate) == sums))
        {
            return null;
        }

        var width = scales.Max(s => s.Thresholds.Length);
        var stride = width + 1;
        var thresholds = new double[scales.Length * stride];
        var below = new double[scales.Length * stride];
        var values = new double[scales.Length * stride];
        for (var k = 0; k < scales.Length; k++)
        {
            var scale = scales[k];
            var n = scale.Thresholds.Length;
            for (var b = 0; b < stride; b++)
            {
                thresholds[(k * stride) + b] = b < n ? scale.Thresholds[b] : double.PositiveInfinity;
                below[(k * stride) + b] = scale.Below[Math.Min(b, n - 1)];
                values[(k * stride) + b] = scale.Values[Math.Min(b, n - 1)];
            }
        }

        return new ScaleBlock(scales.Length, width, sums, thresholds, below, values);
    }

    /// <summary>d[i] = scale (index[i] or combo[i], or the only one) applied to x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<double> x, ReadOnlySpan<double> index, ReadOnlySpan<int> combo, Span<double> d)
    {
        var stride = width + 1;
        var t = thresholds;
        for (var i = 0; i < d.Length; i++)
        {
            var k = (!index.IsEmpty ? (int)index[i] : !combo.IsEmpty ? combo[i] : 0) * stride;
            var xi = x[i];
            var reached = 0;
            if (sums)
            {
                // Brackets the loop enters: it stops at the first threshold with x <= threshold.
                for (var b = 0; b < width; b++)
                {
                    reached += xi <= t[k + b] ? 0 : 1;
                }

                var last = k + reached - 1;
                d[i] = reached == 0 ? 0.0 : below[last] + (values[last] * (Math.Min(xi, t[last + 1]) - t[last]));
            }
            else
            {
                // The value of every bracket with x >= threshold, up to the first without.
                for (var b = 0; b < width; b++)
                {
                    reached += xi >= t[k + b] ? 1 : 0;
                }

                d[i] = reached == 0 ? 0.0 : values[k + reached - 1];
            }
        }
    }
}

/// <summary>A scale's brackets at one instant.</summary>
internal sealed class ResolvedScale
{
    private readonly ScaleType type;
    private readonly double[] thresholds;
    private readonly double[] values;

    // Thresholds in non-decreasing order (every real schedule): the brackets x reaches are a prefix,
    // found by counting comparisons without a branch per bracket, and calc adds the last bracket's
    // share to the tax of the full brackets below it, precomputed by the same additions in the same
    // order as the bracket loop (so the result is bit-identical to it).
    private readonly bool ordered;
    private readonly double[] below;

    public ResolvedScale(ScaleType type, double[] thresholds, double[] values)
    {
        this.type = type;
        this.thresholds = thresholds;
        this.values = values;
        ordered = true;
        for (var b = 1; b < thresholds.Length; b++)
        {
            ordered &= thresholds[b - 1] <= thresholds[b];
        }

        below = new double[thresholds.Length];
        var tax = 0.0;
        for (var b = 0; b < thresholds.Length; b++)
        {
            below[b] = tax;
            if (b + 1 < thresholds.Length)
            {
                tax += values[b] * (thresholds[b + 1] - thresholds[b]);
            }
        }
    }

    public bool SameAs(ResolvedScale other) =>
        type == other.Type && thresholds.AsSpan().SequenceEqual(other.Thresholds) && values.AsSpan().SequenceEqual(other.Values);

    public ScaleType Type => type;

    public double[] Thresholds => thresholds;

    public double[] Values => values;

    /// <summary>Thresholds in non-decreasing order.</summary>
    public bool Ordered => ordered;

    /// <summary>Tax of the full brackets below each bracket, summed as the bracket loop does.</summary>
    public double[] Below => below;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Apply(ScaleFunction function, double x)
    {
        if (!ordered)
        {
            return ApplyInOrder(function, x);
        }

        var t = thresholds;
        var reached = 0;
        if (function == ScaleFunction.Calc && type == ScaleType.MarginalRate)
        {
            // Brackets the loop would enter: it stops at the first threshold with x <= threshold.
            for (var b = 0; b < t.Length; b++)
            {
                reached += x <= t[b] ? 0 : 1;
            }

            if (reached == 0)
            {
                return 0.0;
            }

            var last = reached - 1;
            var high = reached < t.Length ? t[reached] : double.PositiveInfinity;
            return below[last] + (values[last] * (Math.Min(x, high) - t[last]));
        }

        // The loop keeps the value of every bracket with x >= threshold until the first without.
        for (var b = 0; b < t.Length; b++)
        {
            reached += x >= t[b] ? 1 : 0;
        }

        return reached == 0 ? 0.0 : values[reached - 1];
    }

    /// <summary>The bracket loop itself (the reference semantics; used for thresholds out of order).</summary>
    public double ApplyInOrder(ScaleFunction function, double x)
    {
        if (function == ScaleFunction.Calc && type == ScaleType.MarginalRate)
        {
            var tax = 0.0;
            for (var b = 0; b < thresholds.Length; b++)
            {
                var low = thresholds[b];
                if (x <= low)
                {
                    break;
                }

                var high = b + 1 < thresholds.Length ? thresholds[b + 1] : double.PositiveInfinity;
                tax += values[b] * (Math.Min(x, high) - low);
            }

            return tax;
        }

        // marginal_rate, or a single_amount scale's amount: the value of the last bracket whose threshold ≤ x.
        var result = 0.0;
        for (var b = 0; b < thresholds.Length; b++)
        {
            if (x >= thresholds[b])
            {
                result = values[b];
            }
            else
            {
                break;
            }
        }

        return result;
    }
}

internal enum AggregateKind
{
    Sum,
    Count,
    Any,
    All,
    Max,
    Min,
    Mean,
}

/// <summary>
/// Aggregation over a group's members, materialised before the chunk loop. The value and filter are
/// evaluated chunk by chunk and reduced straight from the chunk buffers (one pass, on one thread):
/// materialising them as person columns first streamed 16 MB per million persons through memory
/// twice, which made aggregations memory-bound.
/// </summary>
internal sealed class AggregateNode(FType type, AggregateKind kind, string group, Node? value, Node? filter) : PersonGroupNode(type, group)
{
    public override IEnumerable<Node> Children => value is null ? filter is null ? [] : [filter] : filter is null ? [value] : [value, filter];

    protected override string Describe() => $"{kind} {Group} {(value is null ? "-" : "value")} {(filter is null ? "-" : "filter")}";

    public override string ColumnEntity(Population population) => Group;

    protected override void PrepareCore(EvalState state)
    {
        base.PrepareCore(state);
        if (TryReuse(state))
        {
            return;
        }

        Materialise(state);
        Done(state);
    }

    private void Materialise(EvalState state)
    {
        var (persons, map) = PersonMap(state);
        var groups = state.Simulation.Population.Count(Group);
        var groupRows = state.Rows(Group);
        var result = ResultColumn(state, groups, zeroed: groupRows);
        var constValue = value is null ? 1 : state.IsConst[value.Id] ? state.Const[value.Id] : 0;
        var varyingValue = value is not null && !state.IsConst[value.Id];
        var varyingKeep = filter is not null && !state.IsConst[filter.Id];
        var constKeep = filter is null || (state.IsConst[filter.Id] && state.Const[filter.Id] != 0);
        if (kind == AggregateKind.All)
        {
            Array.Fill(result, 1, groupRows.From, groupRows.To - groupRows.From);
        }

        if (!varyingKeep && !constKeep)
        {
            return; // a constant false filter selects nobody
        }

        var needsCount = kind is AggregateKind.Mean or AggregateKind.Max or AggregateKind.Min;
        var count = needsCount ? state.Column(-1, groups, zeroed: groupRows) : null;
        Kernel.Chunks(state, persons, (worker, start, length) =>
        {
            var values = varyingValue ? value!.Eval(state, worker, start, length).Span(length) : default;
            var keep = varyingKeep ? filter!.Eval(state, worker, start, length).Span(length) : default;
            if (varyingKeep && kind is AggregateKind.Sum or AggregateKind.Count)
            {
                // Filtered sums and counts add 0 for the rows left out, selected with SIMD masks
                // rather than a branch per row (exact: the sums start at +0, and x + 0 == x).
                var selected = worker.Buffer(Id).AsSpan(0, length);
                Select(keep, kind == AggregateKind.Sum && varyingValue ? values : default, kind == AggregateKind.Count ? 1 : constValue, selected);
                var rows = map.AsSpan(start, length);
                for (var i = 0; i < rows.Length; i++)
                {
                    result[rows[i]] += selected[i];
                }

                return;
            }

            Reduce(result, count, map.AsSpan(start, length), varyingValue, values, constValue, varyingKeep, keep);
        });

        if (kind == AggregateKind.Mean)
        {
            for (var g = groupRows.From; g < groupRows.To; g++)
            {
                result[g] = count![g] == 0 ? 0 : result[g] / count[g];
            }
        }
    }

    /// <summary>selected[i] = keep[i] != 0 ? (values[i] or constant) : 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Select(ReadOnlySpan<double> keep, ReadOnlySpan<double> values, double constant, Span<double> selected)
    {
        var i = 0;
        var hasValues = !values.IsEmpty;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rk = ref MemoryMarshal.GetReference(keep);
            ref var rv = ref MemoryMarshal.GetReference(values);
            ref var rs = ref MemoryMarshal.GetReference(selected);
            var c = Vector256.Create(constant);
            for (; i <= selected.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var v = hasValues ? Vector256.LoadUnsafe(ref rv, (nuint)i) : c;
                Vector256.ConditionalSelect(Simd.NonZero(Vector256.LoadUnsafe(ref rk, (nuint)i)), v, Vector256<double>.Zero).StoreUnsafe(ref rs, (nuint)i);
            }
        }

        for (; i < selected.Length; i++)
        {
            selected[i] = keep[i] != 0 ? (hasValues ? values[i] : constant) : 0;
        }
    }

    /// <summary>Reduces one chunk: <paramref name="constValue"/> unless <paramref name="hasValues"/>, everyone unless <paramref name="hasKeep"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reduce(double[] result, double[]? count, ReadOnlySpan<int> map, bool hasValues, ReadOnlySpan<double> values, double constValue, bool hasKeep, ReadOnlySpan<double> keep)
    {
        if (kind is AggregateKind.Sum or AggregateKind.Count)
        {
            var useValues = kind == AggregateKind.Sum && hasValues;
            var v = kind == AggregateKind.Count ? 1 : constValue;
            if (!hasKeep && useValues)
            {
                for (var i = 0; i < map.Length; i++)
                {
                    result[map[i]] += values[i];
                }
            }
            else if (!hasKeep)
            {
                for (var i = 0; i < map.Length; i++)
                {
                    result[map[i]] += v;
                }
            }
            else if (useValues)
            {
                for (var i = 0; i < map.Length; i++)
                {
                    result[map[i]] += keep[i] != 0 ? values[i] : 0;
                }
            }
            else
            {
                for (var i = 0; i < map.Length; i++)
                {
                    result[map[i]] += keep[i] != 0 ? v : 0;
                }
            }

            return;
        }

        for (var i = 0; i < map.Length; i++)
        {
            if (hasKeep && keep[i] == 0)
            {
                continue;
            }

            var g = map[i];
            var x = hasValues ? values[i] : constValue;
            switch (kind)
            {
                case AggregateKind.Mean:
                    result[g] += x;
                    break;
                case AggregateKind.Any:
                    if (x != 0)
                    {
                        result[g] = 1;
                    }

                    break;
                case AggregateKind.All:
                    if (x == 0)
                    {
                        result[g] = 0;
                    }

                    break;
                case AggregateKind.Max:
                    result[g] = count![g] == 0 || x > result[g] ? x : result[g];
                    break;
                case AggregateKind.Min:
                    result[g] = count![g] == 0 || x < result[g] ? x : result[g];
                    break;
            }

            if (count is not null)
            {
                count[g]++;
            }
        }
    }
}

/// <summary><c>position(group, cond)</c>: members of the person's group before the person (input order) satisfying cond.</summary>
internal sealed class PositionNode(string group, Node condition) : PersonGroupNode(FType.Int, group)
{
    public override IEnumerable<Node> Children => [condition];

    protected override string Describe() => $"position {Group}";

    public override string ColumnEntity(Population population) => population.Model.Person.Key;

    protected override void PrepareCore(EvalState state)
    {
        base.PrepareCore(state);
        var (persons, map) = PersonMap(state);
        var groupRows = state.Rows(Group);
        if (state.Streamed.Contains(this))
        {
            // Computed chunk by chunk by the one pass that reads it (see Kernel.StreamedPositions).
            state.Tables[Id] = new Stream(map, state.Column(-1, state.Simulation.Population.Count(Group), zeroed: groupRows)) { Next = persons.From };
            return;
        }

        if (TryReuse(state))
        {
            return;
        }

        var counters = state.Column(-1, state.Simulation.Population.Count(Group), zeroed: groupRows);
        var result = ResultColumn(state, state.Simulation.Population.PersonCount, zeroed: default);
        if (state.IsConst[condition.Id])
        {
            Count(map, counters, persons.From, default, state.Const[condition.Id] != 0, result.AsSpan(persons.From, persons.To - persons.From));
        }
        else
        {
            // In person order on one thread: each person's position depends on the persons before it.
            Kernel.Chunks(state, persons, (worker, start, length) =>
                Count(map, counters, start, condition.Eval(state, worker, start, length).Span(length), false, result.AsSpan(start, length)));
        }

        Done(state);
    }

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length)
    {
        if (state.Tables[Id] is not Stream stream)
        {
            return base.EvalCore(state, worker, start, length);
        }

        var buffer = worker.Buffer(Id);
        if (start == stream.Last)
        {
            return new Seg(buffer, 0); // a second parent in the same chunk
        }

        if (start != stream.Next)
        {
            throw new InvalidOperationException($"position() streamed out of order: rows from {start}, expected {stream.Next}");
        }

        var constant = state.IsConst[condition.Id];
        var keep = constant ? default : condition.Eval(state, worker, start, length).Span(length);
        Count(stream.Map, stream.Counters, start, keep, constant && state.Const[condition.Id] != 0, buffer.AsSpan(0, length));
        stream.Last = start;
        stream.Next = start + length;
        return new Seg(buffer, 0);
    }

    /// <summary>Counters of a position computed in the pass that reads it, and the chunk it is at.</summary>
    private sealed class Stream(int[] map, double[] counters)
    {
        public int[] Map { get; } = map;

        public double[] Counters { get; } = counters;

        public int Next { get; set; }

        public int Last { get; set; } = -1;
    }

    /// <summary>Positions of rows start.. (all remaining rows when <paramref name="keep"/> is empty) into <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Count(int[] map, double[] counters, int start, ReadOnlySpan<double> keep, bool constKeep, Span<double> output)
    {
        var length = keep.IsEmpty ? output.Length : keep.Length;
        var rows = map.AsSpan(start, length);
        for (var i = 0; i < rows.Length; i++)
        {
            var g = rows[i];
            output[i] = counters[g];
            counters[g] += (keep.IsEmpty ? constKeep : keep[i] != 0) ? 1 : 0;
        }
    }
}

/// <summary>
/// A person-level reduction over a group (aggregate, position): materialised whole in Prepare, so it is
/// never folded elementwise and its chunks are slices of that column.
/// </summary>
internal abstract class PersonGroupNode(FType type, string group) : Node(type)
{
    protected string Group { get; } = group;

    protected override bool IsElementwise => false;

    protected override bool IsSlice => true;

    /// <summary>
    /// Set when formulas of several variables contain this same reduction (equal <see cref="Node.Key"/>):
    /// the first to run in a simulation keeps its column there and the others read it (see
    /// <see cref="Kernel.ShareReductions"/>).
    /// </summary>
    public string? SharedKey { get; set; }

    /// <summary>True when the simulation already holds this shared reduction (now the node's column).</summary>
    protected bool TryReuse(EvalState state)
    {
        if (SharedKey is null)
        {
            return false;
        }

        if (state.Simulation.TryGetReduction(SharedKey, out var column))
        {
            state.Columns[Id] = column;
            return true;
        }

        if (state.Block is { } block && block.Done.Contains(SharedKey))
        {
            state.Columns[Id] = block.Shared[SharedKey]; // this block's rows are computed
            return true;
        }

        return false;
    }

    /// <summary>Rows of the reduction's own column: the group's for an aggregation, persons for a position.</summary>
    public abstract string ColumnEntity(Population population);

    /// <summary>The column the reduction is materialised into: the simulation's when shared, else the formula's.</summary>
    protected double[] ResultColumn(EvalState state, int length, (int From, int To) zeroed)
    {
        double[] column;
        if (SharedKey is null)
        {
            column = state.Column(Id, length, zeroed);
        }
        else
        {
            // Shared: the simulation's column (in a block run, allocated for the whole chain).
            column = state.Block is { } block ? block.Shared[SharedKey] : state.Simulation.OwnedColumn(length);
            Array.Clear(column, zeroed.From, zeroed.To - zeroed.From);
        }

        state.Columns[Id] = column;
        return column;
    }

    /// <summary>Offers the finished column (or, in a block run, this block's rows of it) to the other formulas of the simulation.</summary>
    protected void Done(EvalState state)
    {
        if (SharedKey is null)
        {
            return;
        }

        if (state.Block is { } block)
        {
            block.Done.Add(SharedKey);
        }
        else
        {
            state.Simulation.AddReduction(SharedKey, state.Columns[Id]!);
        }
    }

    /// <summary>The persons this evaluation covers and the person → group index map.</summary>
    protected ((int From, int To) Persons, int[] Map) PersonMap(EvalState state)
    {
        var population = state.Simulation.Population;
        return (state.Rows(population.Model.Person.Key), population.Map(population.Model.Person.Key, Group));
    }

    protected override Seg EvalCore(EvalState state, Worker worker, int start, int length) => new(state.Columns[Id]!, start);
}

/// <summary>A compiled variable formula: locals then the result, evaluated chunk by chunk over the entity's rows.</summary>
internal sealed class Kernel(VariableDefinition variable, Node[] locals, Node result, int nodeCount)
{
    public const int ChunkSize = 2048;

    public VariableDefinition Variable { get; } = variable;

    public Node[] Locals { get; } = locals;

    public Node Result { get; } = result;

    public int NodeCount { get; } = nodeCount;

    // Positions each read by one pass only: [0] those of reductions' passes (always serial),
    // [1] those plus the main chunk loop's (when it runs on one thread).
    private readonly HashSet<Node>[] streamable = StreamedPositions(locals, result);

    /// <summary>Variables read directly (any entity), including role variables of role filters.</summary>
    public required IReadOnlyList<string> Dependencies { get; init; }

    /// <summary>Parameter slots read.</summary>
    public required IReadOnlyList<int> ParameterSlots { get; init; }

    /// <summary>
    /// Marks the reductions (aggregations, positions) that formulas of several variables contain
    /// alike, e.g. <c>count(members, (is_head or is_spouse) and age >= 65)</c> in two deductions:
    /// a simulation materialises each once (a full pass over the persons) and the other formulas
    /// read its column. Only reductions whose key means the same everywhere (no formula locals).
    /// </summary>
    public static void ShareReductions(IEnumerable<Kernel> kernels)
    {
        var byKey = new Dictionary<string, List<PersonGroupNode>>(StringComparer.Ordinal);
        foreach (var kernel in kernels)
        {
            foreach (var node in kernel.Nodes().OfType<PersonGroupNode>().Where(n => n.Portable))
            {
                if (!byKey.TryGetValue(node.Key, out var alike))
                {
                    byKey[node.Key] = alike = [];
                }

                alike.Add(node);
            }
        }

        foreach (var (key, alike) in byKey)
        {
            foreach (var node in alike)
            {
                node.SharedKey = alike.Count > 1 ? key : null;
            }
        }
    }

    /// <summary>Every distinct node of the formula.</summary>
    public IEnumerable<Node> Nodes()
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>([.. Locals, Result]);
        while (pending.TryPop(out var node))
        {
            if (seen.Add(node))
            {
                yield return node;
                foreach (var child in node.Children)
                {
                    pending.Push(child);
                }
            }
        }
    }

    public double[] Run(Simulation simulation)
    {
        var state = new EvalState(simulation, NodeCount);
        var rows = simulation.Population.Count(Variable.Entity);
        var output = ColumnMemory.Uninitialized(rows);
        state.Streamed = streamable[RunsSerially(state, rows) ? 1 : 0];
        Run(state, (0, rows), output);
        return output;
    }

    /// <summary>
    /// Evaluates the formula on one block's rows into <paramref name="output"/> (the whole column,
    /// of which only this block's rows are written), on the calling thread.
    /// </summary>
    public void RunBlock(Simulation simulation, BlockRun block, double[] output)
    {
        var state = new EvalState(simulation, NodeCount) { Block = block };
        state.Streamed = streamable[1];
        Run(state, state.Rows(Variable.Entity), output);
    }

    private void Run(EvalState state, (int From, int To) rows, double[] output)
    {
        if (Locals.Length == 0 && Result is PersonGroupNode { SharedKey: null })
        {
            state.TargetId = Result.Id;
            state.Target = output;
        }

        try
        {
            Evaluate(state, rows, output);
        }
        finally
        {
            state.ReturnColumns();
        }

        if (Variable.ValueType == VariableValueType.Bool && Result.Type.Kind != TypeKind.Bool)
        {
            throw new InvalidOperationException("type checker let a non-bool result through");
        }
    }

    private void Evaluate(EvalState state, (int From, int To) rows, double[] output)
    {
        foreach (var local in Locals)
        {
            local.Prepare(state);
        }

        Result.Prepare(state);
        if (state.TargetId >= 0)
        {
            // The root aggregation or position wrote the output itself.
        }
        else if (state.IsConst[Result.Id] && Locals.Length == 0)
        {
            Array.Fill(output, state.Const[Result.Id], rows.From, rows.To - rows.From);
        }
        else
        {
            Drive(state, rows, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (worker, start, length) =>
            {
                for (var l = 0; l < Locals.Length; l++)
                {
                    worker.Locals[l] = Locals[l].Eval(state, worker, start, length);
                }

                Result.EvalInto(state, worker, start, length, output.AsSpan(start, length));
            });
        }
    }

    /// <summary>
    /// Whether the main chunk loop runs on the calling thread. Parallel only when each thread gets
    /// enough work (rows × nodes) to repay waking it up: a formula over a million rows is a few
    /// milliseconds, and measured on 2 shared cores a barrier per formula cost more CPU (spinning,
    /// concurrent page faults on the fresh output, waiting for a descheduled thread) than it saved in
    /// wall time.
    /// </summary>
    private static bool RunsSerially(EvalState state, int rows) =>
        state.Block is not null
        || (long)rows * state.IsConst.Length < state.Simulation.ParallelWork
        || (rows + ChunkSize - 1) / ChunkSize < 16
        || !state.Simulation.Parallel;

    /// <summary>
    /// The positions that need no column: each is read by a single pass over the persons (the main
    /// chunk loop, or the pass materialising one reduction), which visits the rows in order on one
    /// thread and so can count them as it goes (counters per group carried from chunk to chunk).
    /// Materialising one instead writes a person column in a pass of its own and reads it back, three
    /// streams through memory that, on a 1M-person chain, cost more than the counting. The formula's
    /// result itself is written straight into the output as before.
    /// </summary>
    private static HashSet<Node>[] StreamedPositions(Node[] locals, Node result)
    {
        var passes = new Dictionary<Node, HashSet<Node?>>(ReferenceEqualityComparer.Instance);
        var reductions = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<(IEnumerable<Node> Roots, Node? Pass)>([([.. locals, result], null)]);
        while (pending.TryDequeue(out var pass))
        {
            var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<Node>(pass.Roots);
            while (stack.TryPop(out var node))
            {
                if (!seen.Add(node))
                {
                    continue;
                }

                if (node is PersonGroupNode)
                {
                    // Its own children are read by its own pass, not this one.
                    if (node is PositionNode)
                    {
                        if (!passes.TryGetValue(node, out var readers))
                        {
                            passes[node] = readers = new HashSet<Node?>(ReferenceEqualityComparer.Instance);
                        }

                        readers.Add(pass.Pass);
                    }

                    if (reductions.Add(node))
                    {
                        pending.Enqueue((node.Children, node));
                    }

                    continue;
                }

                foreach (var child in node is LocalNode local ? [local.Value] : node.Children)
                {
                    stack.Push(child);
                }
            }
        }

        var single = passes.Where(p => p.Value.Count == 1 && !ReferenceEquals(p.Key, result)).ToList();
        return
        [
            new HashSet<Node>(single.Where(p => p.Value.Single() is not null).Select(p => p.Key), ReferenceEqualityComparer.Instance),
            new HashSet<Node>(single.Select(p => p.Key), ReferenceEqualityComparer.Instance),
        ];
    }

    /// <summary>Runs <paramref name="chunk"/> over the rows in order on the calling thread.</summary>
    public static void Chunks(EvalState state, (int From, int To) rows, Action<Worker, int, int> chunk)
    {
        var pooled = rows.To - rows.From >= ChunkSize || state.Block is not null;
        var worker = pooled ? Worker.Rent(state.IsConst.Length, state.Simulation.LocalCapacity) : new Worker(state.IsConst.Length, state.Simulation.LocalCapacity, Math.Max(rows.To - rows.From, 1));
        for (var start = rows.From; start < rows.To; start += ChunkSize)
        {
            worker.NextChunk();
            chunk(worker, start, Math.Min(ChunkSize, rows.To - start));
        }

        if (pooled)
        {
            Worker.Return(worker);
        }
    }

    private static void Drive(EvalState state, (int From, int To) range, Action<Worker, int, int> chunk)
    {
        if (RunsSerially(state, range.To - range.From))
        {
            Chunks(state, range, chunk);
            return;
        }

        var rows = range.To; // all rows: a block run is always serial
        var chunks = (rows + ChunkSize - 1) / ChunkSize;
        var localCount = state.Simulation.LocalCapacity;

        // Each thread takes contiguous blocks of chunks with its own scratch buffers.
        var blocks = Math.Min(Environment.ProcessorCount * 2, chunks);
        System.Threading.Tasks.Parallel.For(0, blocks, () => Worker.Rent(state.IsConst.Length, localCount), (block, _, worker) =>
        {
            var first = (int)((long)chunks * block / blocks);
            var last = (int)((long)chunks * (block + 1) / blocks);
            for (var c = first; c < last; c++)
            {
                var start = c * ChunkSize;
                worker.NextChunk();
                chunk(worker, start, Math.Min(ChunkSize, rows - start));
            }

            return worker;
        }, Worker.Return);
    }

    public static int ConstIndex(EvalState state, Node[] indexes, int[] strides)
    {
        var index = 0;
        for (var k = 0; k < indexes.Length; k++)
        {
            index += (int)state.Const[indexes[k].Id] * strides[k];
        }

        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<int> ComboIndex(EvalState state, Worker worker, Node[] indexes, int[] strides, int start, int length, int id)
    {
        var combo = worker.Combo.AsSpan(0, length);
        combo.Clear();
        for (var k = 0; k < indexes.Length; k++)
        {
            var e = indexes[k].Eval(state, worker, start, length).Span(length);
            var stride = strides[k];
            for (var i = 0; i < length; i++)
            {
                combo[i] += (int)e[i] * stride;
            }
        }

        return combo;
    }
}
