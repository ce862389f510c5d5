using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// Which package variables stand for the concepts of the comparison, and the definitions computed
/// here where a package has no variable for them (equivalisation in the US, deep poverty). Released
/// packages are hash-locked, so missing concepts are derived, never added. See docs/economy-comparison.md.
/// </summary>
internal static class EconomyConcepts
{
    public const string Household = "household";
    public const string HouseholdWeight = "household_weight";
    public const string PersonWeight = "person_weight";
    public const string Age = "age";
    public const string IsMale = "is_male";
    public const string NetIncome = "household_net_income";
    public const string Tax = "household_tax";
    public const string Benefits = "household_benefits";
    public const string StateTax = "state_income_tax";
    public const string EmploymentIncome = "employment_income";

    /// <summary>A package's own equivalised income (UK: modified OECD, HBAI before housing costs).</summary>
    public const string EquivalisedNetIncome = "equivalised_household_net_income";

    /// <summary>Deep poverty = resources below half the poverty threshold, in the first pair the package has.</summary>
    private static readonly (string Resources, string Threshold)[] PovertyLines =
    [
        ("spm_unit_net_income", "spm_unit_spm_threshold"),          // US: SPM resources vs SPM threshold
        ("equivalised_household_net_income", "poverty_line"),       // UK: HBAI BHC vs 60% of the median
    ];

    /// <summary>
    /// PolicyEngine UK's programme list with the sign of each line's budget contribution (taxes +,
    /// benefits −). Only the programmes a package defines are reported.
    /// </summary>
    public static readonly (string Program, bool IsTax)[] UkPrograms =
    [
        ("child_benefit", false), ("council_tax", true), ("fuel_duty", true), ("income_tax", true),
        ("national_insurance", true), ("ni_employer", true), ("pension_credit", false), ("state_pension", false),
        ("tax_credits", false), ("universal_credit", false), ("vat", true),
    ];

    public static void Require(CountryModel model, params string[] names)
    {
        var missing = names.Where(n => model.FindVariable(n) is null && model.FindEntity(n) is null).ToList();
        if (missing.Count > 0)
        {
            throw new EconomyComparisonException($"The {model.Country} {model.Version} model has no {string.Join(", ", missing)}; an economy comparison needs it.");
        }
    }

    /// <summary>The package's equivalised income, else net income / √(household size) (PolicyEngine US's square-root scale).</summary>
    public static double[] EquivalisedIncome(Simulation simulation, double[] netIncome, double[] householdSize)
    {
        if (simulation.Model.FindVariable(EquivalisedNetIncome) is { Entity: Household })
        {
            return simulation.Calculate(EquivalisedNetIncome);
        }

        var result = new double[netIncome.Length];
        for (var h = 0; h < result.Length; h++)
        {
            result[h] = netIncome[h] / Math.Sqrt(Math.Max(householdSize[h], 1));
        }

        return result;
    }

    /// <summary>Per person 0/1: in poverty (the package's own flag) and in deep poverty.</summary>
    public static (double[] Poverty, double[] Deep) Poverty(Simulation simulation)
    {
        var model = simulation.Model;
        var flag = new[] { "person_in_poverty", "in_poverty" }.FirstOrDefault(n => model.FindVariable(n) is not null)
            ?? throw new EconomyComparisonException($"The {model.Country} {model.Version} model has no poverty flag (person_in_poverty or in_poverty).");
        var poverty = ToPersons(simulation, flag);

        var deepFlag = new[] { "person_in_deep_poverty", "in_deep_poverty" }.FirstOrDefault(n => model.FindVariable(n) is not null);
        if (deepFlag is not null)
        {
            return (poverty, ToPersons(simulation, deepFlag));
        }

        foreach (var (resourcesName, thresholdName) in PovertyLines)
        {
            if (model.FindVariable(resourcesName) is not { } resources || model.FindVariable(thresholdName) is not { } threshold || resources.Entity != threshold.Entity)
            {
                continue;
            }

            var r = simulation.Calculate(resourcesName);
            var t = simulation.Calculate(thresholdName);
            var unitDeep = new double[r.Length];
            for (var i = 0; i < r.Length; i++)
            {
                unitDeep[i] = r[i] < t[i] / 2 ? 1 : 0;
            }

            return (poverty, Spread(simulation, resources.Entity, unitDeep));
        }

        throw new EconomyComparisonException($"The {model.Country} {model.Version} model has no deep-poverty flag and no poverty resources/threshold pair to derive one.");
    }

    /// <summary>Weighted programme totals, signed as contributions to the budget (taxes +, benefits −); UK only.</summary>
    public static IReadOnlyDictionary<string, double> Programs(Simulation simulation)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (simulation.Model.Country != "uk")
        {
            return result;
        }

        foreach (var (program, isTax) in UkPrograms)
        {
            if (simulation.Model.FindVariable(program) is not null)
            {
                result[program] = (isTax ? 1 : -1) * simulation.Sum(program);
            }
        }

        return result;
    }

    private static double[] ToPersons(Simulation simulation, string variable) =>
        Spread(simulation, simulation.Model.FindVariable(variable)!.Entity, simulation.Calculate(variable));

    /// <summary>An entity's values on each of its members.</summary>
    private static double[] Spread(Simulation simulation, string entity, double[] values)
    {
        if (entity == simulation.Model.Person.Key)
        {
            return values;
        }

        var map = simulation.Population.Map(simulation.Model.Person.Key, entity);
        var result = new double[map.Length];
        for (var p = 0; p < result.Length; p++)
        {
            result[p] = values[map[p]];
        }

        return result;
    }
}
