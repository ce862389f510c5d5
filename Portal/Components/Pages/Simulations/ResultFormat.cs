using System.Globalization;
using System.Text.Json;

namespace Portal.Components.Pages.Simulations;

/// <summary>
/// How the result page writes numbers: invariant culture (the page is English and tests read it),
/// money compact (bn/m/k) with the country's symbol, shares as percentages, changes with a sign.
/// </summary>
public static class ResultFormat
{
    public static string Symbol(string currency) => currency switch
    {
        "USD" => "$",
        "GBP" => "£",
        "EUR" => "€",
        _ => currency + " ",
    };

    /// <summary>Country code → currency, for pages that know only the country.</summary>
    public static string CurrencyOf(string country) => country == "uk" ? "GBP" : "USD";

    /// <summary>−$1.2bn, $450m, £12.3k, $87.</summary>
    public static string Money(double value, string currency, bool withSign = false)
    {
        var abs = Math.Abs(value);
        var (scaled, suffix) = abs switch
        {
            >= 1e9 => (abs / 1e9, "bn"),
            >= 1e6 => (abs / 1e6, "m"),
            >= 1e4 => (abs / 1e3, "k"),
            _ => (abs, ""),
        };
        var digits = suffix.Length == 0 ? scaled.ToString("#,0", CultureInfo.InvariantCulture) : scaled.ToString("#,0.0", CultureInfo.InvariantCulture);
        var sign = value < 0 && digits.Any(c => c is >= '1' and <= '9') ? "−" : withSign && value > 0 ? "+" : "";
        return sign + Symbol(currency) + digits + suffix;
    }

    /// <summary>A share (0.123 → 12.3%).</summary>
    public static string Percent(double share, int decimals = 1, bool withSign = false)
    {
        var text = (Math.Abs(share) * 100).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture);
        var nonZero = text.Any(c => c is >= '1' and <= '9');
        return (share < 0 && nonZero ? "−" : withSign && share > 0 && nonZero ? "+" : "") + text + "%";
    }

    /// <summary>A change of a rate in percentage points (0.004 → +0.4 pp).</summary>
    public static string Points(double change) => Percent(change, 1, withSign: true)[..^1] + " pp";

    /// <summary>A plain statistic such as a Gini coefficient (0.4123 → 0.412).</summary>
    public static string Number(double value, int decimals = 3) => value.ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture);

    /// <summary>Round-trippable invariant text for data-* attributes and tests.</summary>
    public static string Raw(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Serialises chart data for a <c>&lt;script type="application/json"&gt;</c> island. The default encoder escapes &lt;, &gt; and &amp;, so it cannot close the element.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Text colour for a change as shown: green for gains, red for losses, none when it rounds to zero at <paramref name="decimals"/>.</summary>
    public static string ChangeClass(double change, int decimals = 6) => Math.Round(change, decimals) switch
    {
        > 0 => "text-success",
        < 0 => "text-danger",
        _ => "",
    };
}
