using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>
/// The calculator form exactly as typed (query-string values), so a bad entry can be echoed back
/// with a message instead of being lost. Field names are the query-string keys.
/// </summary>
public sealed record HouseholdFormInput(
    string? Country = null, string? Release = null, string? Period = null, string? Adults = null, string? Married = null,
    string? Children = null, string? Age1 = null, string? Age2 = null, string? Earnings1 = null, string? Earnings2 = null,
    string? SelfEmployment1 = null, string? SelfEmployment2 = null, string? Rent = null, string? State = null, string? Region = null);

/// <summary>The parsed form: one or two adults, children by age, annual amounts in the release's currency.</summary>
public sealed record HouseholdForm(
    CountryModel Model, int Period, int Adults, bool Married, IReadOnlyList<int> ChildAges, IReadOnlyList<int> AdultAges,
    IReadOnlyList<double> Earnings, IReadOnlyList<double> SelfEmployment, double Rent, string? State, string? Region)
{
    public const double MaxAmount = 10_000_000;

    /// <summary>Validates every field and reports each bad one under its query-string key.</summary>
    public static Result<HouseholdForm> Parse(ModelCatalog catalog, HouseholdFormInput input)
    {
        var found = ModelLookup.Find(catalog, string.IsNullOrWhiteSpace(input.Country) ? "us" : input.Country, input.Release);
        if (!found.Succeeded)
        {
            return found.Problem!;
        }

        var model = found.Value!;
        var check = new Validation();
        var period = Integer(check, "period", input.Period, model.DefaultPeriod, 1900, 2100, "Tax year");
        var adults = Integer(check, "adults", input.Adults, 1, 1, 2, "Number of adults");
        var married = input.Married is "true" or "on" or "1" or "yes";
        var ages = new[] { Integer(check, "age1", input.Age1, 40, 18, 120, "Age of adult 1"), Integer(check, "age2", input.Age2, 40, 18, 120, "Age of adult 2") };
        var earnings = new[] { Amount(check, "earnings1", input.Earnings1, "Employment income of adult 1"), Amount(check, "earnings2", input.Earnings2, "Employment income of adult 2") };
        var self = new[] { Amount(check, "self_employment1", input.SelfEmployment1, "Self-employment income of adult 1"), Amount(check, "self_employment2", input.SelfEmployment2, "Self-employment income of adult 2") };
        var rent = Amount(check, "rent", input.Rent, "Annual rent");

        var children = new List<int>();
        foreach (var part in (input.Children ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var age) && age <= 17)
            {
                children.Add(age);
            }
            else
            {
                check.Add("children", $"Children's ages must be whole numbers from 0 to 17, separated by commas; '{part}' is not.");
            }
        }

        check.Require(children.Count <= 10, "children", "At most 10 children.");
        var state = Choice(check, model, "state", "state_code", input.State);
        var region = Choice(check, model, "region", "region", input.Region);
        return check.IsValid
            ? new HouseholdForm(model, period, adults, married && adults == 2, children, ages[..adults], earnings[..adults], self[..adults], rent, state, region)
            : check.ToProblem();
    }

    /// <summary>
    /// People and groups: adults first (the first adult is the head, the earner the chart varies),
    /// then children. A couple shares its tax or benefit unit; two unmarried adults each get their own,
    /// with the children in the first adult's.
    /// </summary>
    public HouseholdSketch ToSketch()
    {
        var sketch = new HouseholdSketch(Model);
        var people = new List<int>();
        for (var i = 0; i < Adults; i++)
        {
            people.Add(sketch.AddPerson($"adult{i + 1}"));
        }

        var children = ChildAges.Select((_, i) => sketch.AddPerson($"child{i + 1}")).ToList();
        people.AddRange(children);
        foreach (var group in Model.Groups)
        {
            if (group.Key is "marital_unit")
            {
                sketch.AddGroup(group.Key, "marital_unit1", Married ? [0, 1] : [0]);
                var rest = people.Skip(Married ? 2 : 1).ToList();
                for (var i = 0; i < rest.Count; i++)
                {
                    sketch.AddGroup(group.Key, $"marital_unit{i + 2}", [rest[i]]);
                }
            }
            else if (Adults == 2 && !Married && group.Key is "tax_unit" or "benunit")
            {
                sketch.AddGroup(group.Key, group.Key + "1", [0, .. children]);
                sketch.AddGroup(group.Key, group.Key + "2", [1]);
            }
            else
            {
                sketch.AddGroup(group.Key, group.Key + "1", people);
            }
        }

        for (var i = 0; i < Adults; i++)
        {
            sketch.Set("age", i, AdultAges[i]);
            sketch.Set("employment_income", i, Earnings[i]);
            sketch.Set("self_employment_income", i, SelfEmployment[i]);
        }

        for (var i = 0; i < children.Count; i++)
        {
            sketch.Set("age", children[i], ChildAges[i]);
        }

        sketch.Set("rent", 0, Rent);
        if (State is not null)
        {
            sketch.Set("state_code", 0, State);
        }

        if (Region is not null)
        {
            sketch.Set("region", 0, Region);
        }

        return sketch;
    }

    private static int Integer(Validation check, string field, string? text, int fallback, int min, int max, string label)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        check.Add(field, $"{label} must be a whole number from {min} to {max}.");
        return fallback;
    }

    private static double Amount(Validation check, string field, string? text, string label)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        // People type "45,000" or "45000.50"; thousands separators are dropped.
        var cleaned = text.Trim().Replace(",", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (double.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value <= MaxAmount)
        {
            return value;
        }

        check.Add(field, $"{label} must be an amount from 0 to {MaxAmount:#,0}, such as 45000.");
        return 0;
    }

    /// <summary>An enum input (US state, UK region): must be one of the release's possible values.</summary>
    private static string? Choice(Validation check, CountryModel model, string field, string variable, string? text)
    {
        var definition = model.FindVariable(variable);
        if (definition is null || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var index = definition.EnumIndex(text.Trim());
        if (index < 0)
        {
            check.Add(field, $"'{text}' is not one of the {definition.Label.ToLowerInvariant()} values of this release.");
            return null;
        }

        return definition.PossibleValues[index];
    }
}
