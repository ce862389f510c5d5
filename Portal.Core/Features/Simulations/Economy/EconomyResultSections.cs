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
        var group = Array.ConvertAll(frame.Age, a => a < ChildAge ? 0 : a < SeniorAge ? 1 : 2);
        return Tables(frame, baseline, reform, group, ["child", "adult", "senior"], "all");
    }

    /// <summary><c>{poverty, deep_poverty} × {male, female}</c>; <c>{}</c> when sex is unknown.</summary>
    public static JsonObject PovertyByGender(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        if (frame.IsMale is not { } male)
        {
            return [];
        }

        return Tables(frame, baseline, reform, Array.ConvertAll(male, m => m != 0 ? 0 : 1), ["male", "female"], null);
    }

    private static JsonObject Tables(EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform, int[] group, string[] names, string? total)
    {
        JsonObject Table(Func<EconomySnapshot, double[]> flags)
        {
            var before = EconomyStatistics.GroupRates(flags(baseline), frame.PersonWeight, group, names.Length);
            var after = EconomyStatistics.GroupRates(flags(reform), frame.PersonWeight, group, names.Length);
            var table = new JsonObject();
            for (var g = 0; g < names.Length; g++)
            {
                table[names[g]] = new JsonObject { ["baseline"] = before[g], ["reform"] = after[g] };
            }

            if (total is not null)
            {
                table[total] = new JsonObject { ["baseline"] = before[^1], ["reform"] = after[^1] };
            }

            return table;
        }

        return new JsonObject { ["poverty"] = Table(s => s.InPoverty), ["deep_poverty"] = Table(s => s.InDeepPoverty) };
    }
}
