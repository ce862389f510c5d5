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

    internal int LocalCapacity => Model.LocalCapacity;

    /// <summary>A simulation of the same population and period under <paramref name="reform"/>, sharing unaffected results with this one.</summary>
    public Simulation WithReform(Reform reform)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new(Model, Population, Period, reform, this) { Parallel = Parallel };
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
