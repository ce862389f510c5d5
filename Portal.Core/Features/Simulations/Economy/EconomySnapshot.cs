using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>What both policies share: weights, household sizes, ages, sex (from the baseline simulation).</summary>
internal sealed class EconomyFrame
{
    public required double[] HouseholdWeight { get; init; }

    /// <summary>Members per household.</summary>
    public required double[] HouseholdSize { get; init; }

    /// <summary>Household weight × members: the person weights of household-level distributional statistics.</summary>
    public required double[] People { get; init; }

    public required double[] PersonWeight { get; init; }

    public required double[] Age { get; init; }

    /// <summary>1 = male, 0 = female; null when neither the model nor the data has <c>is_male</c>.</summary>
    public double[]? IsMale { get; init; }

    public required int[] PersonHousehold { get; init; }

    public static EconomyFrame From(Simulation baseline)
    {
        EconomyConcepts.Require(baseline.Model, EconomyConcepts.Household, EconomyConcepts.HouseholdWeight, EconomyConcepts.PersonWeight, EconomyConcepts.Age);
        var population = baseline.Population;
        var personHousehold = population.Map(baseline.Model.Person.Key, EconomyConcepts.Household);
        var weight = baseline.Calculate(EconomyConcepts.HouseholdWeight);
        var size = new double[weight.Length];
        foreach (var h in personHousehold)
        {
            size[h]++;
        }

        var people = new double[weight.Length];
        for (var h = 0; h < people.Length; h++)
        {
            people[h] = weight[h] * size[h];
        }

        double[]? isMale = null;
        if (baseline.Model.FindVariable(EconomyConcepts.IsMale) is { Entity: var entity } && entity == baseline.Model.Person.Key)
        {
            isMale = baseline.Calculate(EconomyConcepts.IsMale);
        }
        else if (population.TryGetAuxiliary(EconomyConcepts.IsMale, out var column) && column.Entity == baseline.Model.Person.Key && column.Categories is null)
        {
            isMale = column.Values;
        }

        return new EconomyFrame
        {
            HouseholdWeight = weight,
            HouseholdSize = size,
            People = people,
            PersonWeight = baseline.Calculate(EconomyConcepts.PersonWeight),
            Age = baseline.Calculate(EconomyConcepts.Age),
            IsMale = isMale,
            PersonHousehold = personHousehold,
        };
    }
}

/// <summary>One policy's results that the comparison reads.</summary>
internal sealed class EconomySnapshot
{
    public required double[] NetIncome { get; init; }

    /// <summary>Household net income per equivalent adult, negatives set to 0 (inequality statistics).</summary>
    public required double[] EquivalisedIncome { get; init; }

    /// <summary>Equivalised income before clipping (decile ranking, where negatives are left out instead).</summary>
    public required double[] EquivalisedIncomeRaw { get; init; }

    public required double[] InPoverty { get; init; }

    public required double[] InDeepPoverty { get; init; }

    public required EconomyTotals Totals { get; init; }

    /// <summary>UK programme totals (signed budget contributions); empty for the US.</summary>
    public required IReadOnlyDictionary<string, double> Programs { get; init; }

    public static EconomySnapshot From(Simulation simulation, EconomyFrame frame, CancellationToken ct)
    {
        var net = simulation.Calculate(EconomyConcepts.NetIncome);
        var raw = EconomyConcepts.EquivalisedIncome(simulation, net, frame.HouseholdSize);
        var clipped = Array.ConvertAll(raw, v => Math.Max(v, 0));
        ct.ThrowIfCancellationRequested();
        var (poverty, deep) = EconomyConcepts.Poverty(simulation);
        ct.ThrowIfCancellationRequested();
        return new EconomySnapshot
        {
            NetIncome = net,
            EquivalisedIncome = clipped,
            EquivalisedIncomeRaw = raw,
            InPoverty = poverty,
            InDeepPoverty = deep,
            Totals = EconomyTotals.From(simulation),
            Programs = EconomyConcepts.Programs(simulation),
        };
    }
}

/// <summary>Weighted totals for the budget: taxes, the state part of them, benefits, net income.</summary>
internal sealed record EconomyTotals(double Tax, double StateTax, double Benefits, double NetIncome)
{
    public static EconomyTotals From(Simulation simulation)
    {
        EconomyConcepts.Require(simulation.Model, EconomyConcepts.Tax, EconomyConcepts.Benefits, EconomyConcepts.NetIncome);
        var stateTax = simulation.Model.FindVariable(EconomyConcepts.StateTax) is null ? 0 : simulation.Sum(EconomyConcepts.StateTax);
        return new EconomyTotals(
            simulation.Sum(EconomyConcepts.Tax),
            stateTax,
            simulation.Sum(EconomyConcepts.Benefits),
            simulation.Sum(EconomyConcepts.NetIncome));
    }
}
