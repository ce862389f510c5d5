using System.Text;
using Portal.Core.Engine.Formulas;

namespace Portal.Core.Engine;

/// <summary>
/// Computes variables for a population at one period, lazily and cached. A reform simulation made
/// with <see cref="WithReform"/> shares its baseline's inputs and, for every variable whose
/// computation reads no changed parameter, its baseline's cached results. Not thread-safe: use one
/// simulation per thread (the engine parallelises large columns internally).
/// <para>
/// Disposing a simulation gives the columns it computed back to the engine for the next simulation
/// to reuse (saving their page faults): every array <see cref="Calculate"/> returned is invalid
/// after <see cref="Dispose"/>, so copy what must outlive it. Disposing is optional (an undisposed
/// simulation's columns are collected as usual). Inputs are never given back, and a baseline's
/// columns are given back only once every reform made from it with <see cref="WithReform"/> is
/// disposed too (they share them).
/// </para>
/// </summary>
public sealed class Simulation : IDisposable
{
    private readonly Dictionary<string, double[]> cache = new(StringComparer.Ordinal);
    private readonly List<double[]> owned = [];
    private readonly Dictionary<string, double[]> reductions = new(StringComparer.Ordinal);
    private readonly HashSet<string> computing = new(StringComparer.Ordinal);
    private readonly double[]?[] parameterTables;
    private readonly ResolvedScale[]?[] scaleTables;
    private readonly Dictionary<string, List<ParameterChange>> changes;
    private readonly Simulation? baseline;
    private readonly Dictionary<string, bool> affected = new(StringComparer.Ordinal);
    private readonly DateOnly instant;
    private int liveReforms;
    private bool disposed;
    private bool released;

    public Simulation(CountryModel model, Population population, int period, Reform? reform = null)
        : this(model, population, period, reform, null)
    {
    }

    private Simulation(CountryModel model, Population population, int period, Reform? reform, Simulation? baseline)
    {
        if (!ReferenceEquals(population.Model, model))
        {
            throw new SimulationException("the population was built for a different model release");
        }

        if (period is < 1900 or > 2200)
        {
            throw new SimulationException($"period {period} is not a plausible year");
        }

        Model = model;
        Population = population;
        Period = period;
        Reform = reform ?? Reform.Empty;
        changes = Reform.Resolve(model);
        this.baseline = baseline;
        if (baseline is not null)
        {
            Interlocked.Increment(ref baseline.liveReforms);
        }

        instant = model.InstantOf(period);
        parameterTables = new double[]?[model.Slots.Slots.Count];
        scaleTables = new ResolvedScale[]?[model.Slots.Slots.Count];
    }

    public CountryModel Model { get; }

    public Population Population { get; }

    public int Period { get; }

    public Reform Reform { get; }

    /// <summary>Evaluate large columns on several threads (default true).</summary>
    public bool Parallel { get; set; } = true;

    /// <summary>Rows × formula nodes below which a formula is evaluated on one thread (tests lower it to exercise the parallel path).</summary>
    internal long ParallelWork { get; init; } = 32L << 20;

    /// <summary>
    /// Target persons per block when a chain of formulas is evaluated block by block (see
    /// <see cref="RunBlocked"/>); 0 evaluates one formula at a time over all rows. Populations smaller
    /// than two blocks are never cut (tests lower it to exercise block runs on small populations).
    /// </summary>
    internal int BlockPersons { get; init; } = DefaultBlockPersons;

    internal const int DefaultBlockPersons = 16_384;

    // Set while blocks run on worker threads: the cache is then read-only (every column the chain's
    // formulas read is in it before the first block starts).
    private volatile bool blocksRunning;

    internal int LocalCapacity => Model.LocalCapacity;

    /// <summary>A simulation of the same population and period under <paramref name="reform"/>, sharing unaffected results with this one.</summary>
    public Simulation WithReform(Reform reform)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new(Model, Population, Period, reform, this) { Parallel = Parallel, ParallelWork = ParallelWork, BlockPersons = BlockPersons };
    }

    /// <summary>
    /// The variable's values, one per instance of its entity (enums as 0-based index, bools 0/1). Do
    /// not modify the array, nor read it after this simulation is disposed.
    /// </summary>
    public double[] Calculate(string variable)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return Compute(variable);
    }

    /// <summary>
    /// Gives the columns this simulation computed back for reuse (see the class remarks); its
    /// baseline's, once this was the baseline's last live reform and the baseline is disposed.
    /// </summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        ReleaseIfUnshared();
        if (baseline is not null && Interlocked.Decrement(ref baseline.liveReforms) == 0)
        {
            baseline.ReleaseIfUnshared();
        }
    }

    private void ReleaseIfUnshared()
    {
        if (!disposed || released || Volatile.Read(ref liveReforms) > 0)
        {
            return;
        }

        released = true;
        cache.Clear();
        reductions.Clear();
        foreach (var column in owned)
        {
            ColumnMemory.Release(column);
        }

        owned.Clear();
    }

    /// <summary>Calculate without the disposed check: a disposed baseline still serves its live reforms.</summary>
    internal double[] Compute(string variable)
    {
        if (released)
        {
            throw new InvalidOperationException("a simulation whose columns were given back was asked for a variable");
        }

        if (cache.TryGetValue(variable, out var cached))
        {
            return cached;
        }

        if (blocksRunning)
        {
            // Worker threads: inputs are read as they are, anything else must already be cached.
            return Population.TryGetInput(variable, out var given)
                ? given
                : throw new InvalidOperationException($"'{variable}' was read during a block run but is not in its chain");
        }

        var definition = Model.FindVariable(variable)
            ?? throw new SimulationException($"unknown variable '{variable}'{Binder.Suggest(variable, Model.Variables.Select(v => v.Name))}");
        double[] result;
        if (Population.TryGetInput(variable, out var input))
        {
            result = input;
        }
        else if (baseline is not null && !IsAffected(variable))
        {
            result = baseline.Compute(variable);
        }
        else if (Model.Kernels.TryGetValue(variable, out var kernel))
        {
            if (RunBlocked(variable) is { } blocked)
            {
                return blocked;
            }

            if (!computing.Add(variable))
            {
                throw new SimulationException($"cycle while computing '{variable}'");
            }

            try
            {
                result = kernel.Run(this);
            }
            finally
            {
                computing.Remove(variable);
            }

            owned.Add(result);
        }
        else
        {
            result = ColumnMemory.Uninitialized(Population.Count(definition.Entity));
            Array.Fill(result, definition.Default);
            owned.Add(result);
        }

        if (Population.TryGetPartialInput(variable, out var partial))
        {
            if (!ReferenceEquals(owned.Count > 0 ? owned[^1] : null, result))
            {
                result = (double[])result.Clone(); // the baseline's column: not ours to change
                owned.Add(result);
            }

            for (var i = 0; i < result.Length; i++)
            {
                if (partial.Given[i])
                {
                    result[i] = partial.Values[i];
                }
            }
        }

        cache[variable] = result;
        return result;
    }

    /// <summary>
    /// Computes <paramref name="target"/> and every formula it needs that is not computed yet (the
    /// chain) block by block: the population is cut into blocks of whole groups (<see cref="RowBlocks"/>)
    /// and each block runs the whole chain, in dependency order, before the next. A block's columns
    /// (~16k persons) stay in cache from one formula to the next, where evaluating one formula over all
    /// rows at a time streamed every column through memory; and blocks are independent, so they run
    /// on all cores with one barrier per chain instead of one per formula. Every group's members are in
    /// one block, in person order, so aggregations and positions give exactly the values of a run over
    /// all rows, whatever thread ran which block (each group's sum is added in person order by one
    /// thread). Null when the chain cannot be cut (small population, groups not in person order): the
    /// caller computes one formula at a time.
    /// </summary>
    private double[]? RunBlocked(string target)
    {
        if (BlockPersons <= 0 || Population.PersonCount < 2 * BlockPersons || Population.Blocks(BlockPersons) is not { } blocks)
        {
            return null;
        }

        var personKey = Model.Person.Key;
        var chain = new List<(string Variable, Kernel Kernel)>();
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var cut = true;
        void Visit(string variable)
        {
            if (cache.ContainsKey(variable) || done.Contains(variable) || Population.TryGetInput(variable, out _))
            {
                return;
            }

            if (!visiting.Add(variable))
            {
                throw new SimulationException($"cycle while computing '{variable}'");
            }

            if ((baseline is not null && !IsAffected(variable)) || !Model.Kernels.TryGetValue(variable, out var kernel))
            {
                Compute(variable); // the baseline's column, or the variable's default
            }
            else
            {
                foreach (var dependency in kernel.Dependencies)
                {
                    Visit(dependency);
                }

                cut &= blocks.Covers(kernel.Variable.Entity, personKey);
                chain.Add((variable, kernel));
            }

            visiting.Remove(variable);
            done.Add(variable);
        }

        Visit(target);
        if (!cut || chain.Count == 0)
        {
            return null;
        }

        // Everything the blocks read is prepared here, on this thread: output columns (in the cache,
        // so formulas find them), parameter tables, and the columns of reductions that several
        // formulas share.
        var outputs = new double[chain.Count][];
        var shared = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (var i = 0; i < chain.Count; i++)
        {
            var (variable, kernel) = chain[i];
            outputs[i] = OwnedColumn(Population.Count(kernel.Variable.Entity));
            cache[variable] = outputs[i];
            foreach (var slot in kernel.ParameterSlots)
            {
                _ = Model.Slots.Slots[slot][0] is ParameterScale ? (object)ScaleTable(slot) : ParameterTable(slot);
            }

            foreach (var node in kernel.Nodes().OfType<PersonGroupNode>())
            {
                if (node.SharedKey is { } key && !reductions.ContainsKey(key) && !shared.ContainsKey(key))
                {
                    shared[key] = OwnedColumn(Population.Count(node.ColumnEntity(Population)));
                }
            }
        }

        void Block(int b)
        {
            var run = new BlockRun(blocks, b, shared);
            for (var i = 0; i < chain.Count; i++)
            {
                var (variable, kernel) = chain[i];
                kernel.RunBlock(this, run, outputs[i]);
                if (Population.TryGetPartialInput(variable, out var partial))
                {
                    var (from, to) = blocks.Range(kernel.Variable.Entity, personKey, b);
                    for (var r = from; r < to; r++)
                    {
                        if (partial.Given[r])
                        {
                            outputs[i][r] = partial.Values[r];
                        }
                    }
                }
            }
        }

        blocksRunning = true;
        try
        {
            if (Parallel && blocks.Count > 1)
            {
                System.Threading.Tasks.Parallel.For(0, blocks.Count, Block);
            }
            else
            {
                for (var b = 0; b < blocks.Count; b++)
                {
                    Block(b);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var (variable, _) in chain)
            {
                cache.Remove(variable);
            }

            if (e is AggregateException { InnerExceptions: [var single] })
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(single);
            }

            throw;
        }
        finally
        {
            blocksRunning = false;
        }

        foreach (var (key, column) in shared)
        {
            reductions[key] = column;
        }

        return cache[target];
    }

    /// <summary>A column owned by this simulation (given back on dispose), contents unspecified.</summary>
    internal double[] OwnedColumn(int length)
    {
        var column = ColumnMemory.Uninitialized(length);
        owned.Add(column);
        return column;
    }

    /// <summary>A reduction that formulas of several variables contain, once one of them materialised it (see Kernel.ShareReductions).</summary>
    internal bool TryGetReduction(string key, out double[] column) => reductions.TryGetValue(key, out column!);

    internal void AddReduction(string key, double[] column) => reductions[key] = column;

    /// <summary>Enum values as names.</summary>
    public string[] CalculateText(string enumVariable)
    {
        var definition = Model.FindVariable(enumVariable)
            ?? throw new SimulationException($"unknown variable '{enumVariable}'");
        var values = Calculate(enumVariable);
        return definition.ValueType == VariableValueType.Enum
            ? Array.ConvertAll(values, v => definition.PossibleValues[(int)v])
            : Array.ConvertAll(values, v => Format(definition, v));
    }

    internal static string Format(VariableDefinition definition, double value) => definition.ValueType switch
    {
        VariableValueType.Enum => definition.PossibleValues[(int)value],
        VariableValueType.Bool => value != 0 ? "true" : "false",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Total over the entity's instances, weighted by the entity's weight variable when it has one.</summary>
    public double Sum(string variable, bool weighted = true)
    {
        var definition = Model.FindVariable(variable)
            ?? throw new SimulationException($"unknown variable '{variable}'");
        var values = Calculate(variable);
        var weightVariable = Model.FindEntity(definition.Entity)!.WeightVariable;
        if (!weighted || weightVariable is null)
        {
            return values.Sum();
        }

        var weights = Calculate(weightVariable);
        var total = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            total += values[i] * weights[i];
        }

        return total;
    }

    /// <summary>True when the variable's computation reads (directly or through formulas) a parameter the reform changes at this period.</summary>
    private bool IsAffected(string variable)
    {
        if (affected.TryGetValue(variable, out var known))
        {
            return known;
        }

        var result = false;
        if (!Population.TryGetInput(variable, out _) && Model.Kernels.TryGetValue(variable, out var kernel))
        {
            affected[variable] = false; // guards against re-entry; the graph is acyclic
            foreach (var slot in kernel.ParameterSlots)
            {
                if (SlotDiffers(slot))
                {
                    result = true;
                    break;
                }
            }

            if (!result)
            {
                foreach (var dependency in kernel.Dependencies)
                {
                    if (IsAffected(dependency))
                    {
                        result = true;
                        break;
                    }
                }
            }
        }

        affected[variable] = result;
        return result;
    }

    private bool SlotDiffers(int slot)
    {
        if (Model.Slots.Slots[slot][0] is ParameterScale)
        {
            var mine = ScaleTable(slot);
            var theirs = baseline!.ScaleTable(slot);
            return mine.Where((scale, i) => !scale.SameAs(theirs[i])).Any();
        }

        return !ParameterTable(slot).AsSpan().SequenceEqual(baseline!.ParameterTable(slot));
    }

    internal double[] ParameterTable(int slot) =>
        parameterTables[slot] ??= Array.ConvertAll(Model.Slots.Slots[slot], node => LeafValue((ParameterLeaf)node));

    internal ResolvedScale[] ScaleTable(int slot) =>
        scaleTables[slot] ??= Array.ConvertAll(Model.Slots.Slots[slot], node => ResolveScale((ParameterScale)node));

    private double LeafValue(ParameterLeaf leaf) =>
        ValueAt(leaf.Values, leaf.Path, leaf.Path);

    private double ValueAt(IReadOnlyList<DatedValue> values, string key, string describe)
    {
        if (changes.TryGetValue(key, out var overrides))
        {
            // Later changes win over earlier ones for the same instant.
            for (var i = overrides.Count - 1; i >= 0; i--)
            {
                var change = overrides[i];
                if (change.Start <= instant && (change.Stop is null || instant <= change.Stop))
                {
                    return change.Value;
                }
            }
        }

        var found = TryValueAt(values, instant);
        return found ?? throw new SimulationException($"parameter {describe} has no value at {instant:yyyy-MM-dd} (period {Period})");
    }

    internal static double? TryValueAt(IReadOnlyList<DatedValue> values, DateOnly instant)
    {
        double? result = null;
        foreach (var value in values)
        {
            if (value.Start > instant)
            {
                break;
            }

            result = value.Value;
        }

        return result;
    }

    private ResolvedScale ResolveScale(ParameterScale scale)
    {
        var thresholds = new List<double>();
        var values = new List<double>();
        for (var b = 0; b < scale.Brackets.Count; b++)
        {
            var bracket = scale.Brackets[b];
            var series = scale.ScaleType == ScaleType.MarginalRate ? bracket.Rate : bracket.Amount;
            var field = scale.ScaleType == ScaleType.MarginalRate ? "rate" : "amount";
            var thresholdKey = $"{scale.Path}[{b}].threshold";
            var valueKey = $"{scale.Path}[{b}].{field}";

            // A bracket that is not yet in force at the instant (and not added by the reform) is left out.
            var inForce = changes.ContainsKey(thresholdKey) || TryValueAt(bracket.Threshold, instant) is not null;
            if (!inForce)
            {
                continue;
            }

            thresholds.Add(ValueAt(bracket.Threshold, thresholdKey, $"{scale.Path}[{b}].threshold"));
            values.Add(ValueAt(series ?? [], valueKey, $"{scale.Path}[{b}].{field}"));
        }

        if (thresholds.Count == 0)
        {
            throw new SimulationException($"scale {scale.Path} has no bracket in force at {instant:yyyy-MM-dd} (period {Period})");
        }

        return new ResolvedScale(scale.ScaleType, [.. thresholds], [.. values]);
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{Model} {Period}");
        if (!Reform.IsEmpty)
        {
            text.Append(" with reform (").Append(Reform.Changes.Count).Append(" changes)");
        }

        return text.ToString();
    }
}
