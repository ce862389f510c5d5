using System.Text.Json.Nodes;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>The person-level sections of the result: poverty by age group and by sex.</summary>
internal static class EconomyResultSections
{
    public const double ChildAge = 18;
    public const double SeniorAge = 65;

    /// <summary><c>{poverty, deep_poverty} × {child, adult, senior, all} × {baseline, reform}</c>, person-weighted rates.</summary>
    public static JsonObject Poverty(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        var age = frame.Age;
        (string, Func<int, bool>)[] groups =
        [
            ("child", p => age[p] < ChildAge),
            ("adult", p => age[p] >= ChildAge && age[p] < SeniorAge),
            ("senior", p => age[p] >= SeniorAge),
            ("all", _ => true),
        ];
        return Rates(frame, baseline, reform, groups);
    }

    /// <summary><c>{poverty, deep_poverty} × {male, female}</c>; <c>{}</c> when sex is unknown.</summary>
    public static JsonObject PovertyByGender(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        if (frame.IsMale is not { } male)
        {
            return [];
        }

        return Rates(frame, baseline, reform, [("male", p => male[p] != 0), ("female", p => male[p] == 0)]);
    }

    private static JsonObject Rates(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform, (string Name, Func<int, bool> Include)[] groups)
    {
        JsonObject Table(Func<EconomySnapshot, double[]> flags)
        {
            var table = new JsonObject();
            foreach (var (name, include) in groups)
            {
                table[name] = new JsonObject
                {
                    ["baseline"] = EconomyStatistics.Rate(flags(baseline), frame.PersonWeight, include),
                    ["reform"] = EconomyStatistics.Rate(flags(reform), frame.PersonWeight, include),
                };
            }

            return table;
        }

        return new JsonObject { ["poverty"] = Table(s => s.InPoverty), ["deep_poverty"] = Table(s => s.InDeepPoverty) };
    }
}
