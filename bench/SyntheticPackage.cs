using System.Globalization;
using System.Text;

namespace Portal.Bench;

/// <summary>
/// Writes a synthetic country package (~100 variables) shaped like a tax-benefit chain: person
/// incomes and payroll taxes, tax-unit filing status, deductions, bracketed income tax, phased-out
/// credits, enum-indexed state tax and a means-tested household benefit.
/// </summary>
internal static class SyntheticPackage
{
    public const int FillerCount = 60;

    public static string Write(string root)
    {
        var release = Path.Combine(root, "syn", "1.0.0");
        Directory.CreateDirectory(Path.Combine(release, "parameters", "gov"));
        Directory.CreateDirectory(Path.Combine(release, "variables"));
        File.WriteAllText(Path.Combine(release, "package.yaml"),
            "country: syn\nname: Synthetic benchmark model\nversion: 1.0.0\ndescription: Generated.\ncurrency: USD\ndefault_period: 2025\n");
        File.WriteAllText(Path.Combine(release, "entities.yaml"), """
            person: {key: person, plural: people, label: Person, weight: person_weight}
            groups:
              - key: tax_unit
                plural: tax_units
                label: Tax unit
                weight: tax_unit_weight
                roles:
                  - {key: head, variable: is_head}
                  - {key: spouse, variable: is_spouse}
                  - {key: dependent, variable: is_dependent}
              - {key: household, plural: households, label: Household, weight: household_weight}
            """);

        var p = new StringBuilder("reference: https://example.org/synthetic\n");
        p.Append("standard_deduction:\n  SINGLE: {values: {2024-01-01: 14600, 2025-01-01: 15000}}\n  JOINT: {values: {2024-01-01: 29200, 2025-01-01: 30000}}\n  HEAD_OF_HOUSEHOLD: {values: {2024-01-01: 21900, 2025-01-01: 22500}}\n");
        p.Append("brackets:\n");
        foreach (var (status, scale) in new[] { ("SINGLE", 1.0), ("JOINT", 2.0), ("HEAD_OF_HOUSEHOLD", 1.5) })
        {
            p.Append(CultureInfo.InvariantCulture, $"  {status}:\n    type: marginal_rate\n    brackets:\n");
            double[] thresholds = [0, 11925, 48475, 103350, 197300, 250525, 626350];
            double[] rates = [0.10, 0.12, 0.22, 0.24, 0.32, 0.35, 0.37];
            for (var i = 0; i < thresholds.Length; i++)
            {
                p.Append(CultureInfo.InvariantCulture, $"      - {{threshold: {{2024-01-01: {thresholds[i] * scale}}}, rate: {{2024-01-01: {rates[i]}}}}}\n");
            }
        }

        p.Append("payroll:\n  rate: {values: {2024-01-01: 0.062}}\n  cap: {values: {2024-01-01: 168600, 2025-01-01: 176100}}\n  medicare: {values: {2024-01-01: 0.0145}}\n");
        p.Append("ctc:\n  amount: {values: {2024-01-01: 2000}}\n  threshold:\n    SINGLE: {values: {2024-01-01: 200000}}\n    JOINT: {values: {2024-01-01: 400000}}\n    HEAD_OF_HOUSEHOLD: {values: {2024-01-01: 200000}}\n  rate: {values: {2024-01-01: 50}}\n");
        p.Append("eitc:\n  max:\n    type: single_amount\n    brackets:\n      - {threshold: {2024-01-01: 0}, amount: {2024-01-01: 632}}\n      - {threshold: {2024-01-01: 1}, amount: {2024-01-01: 4213}}\n      - {threshold: {2024-01-01: 2}, amount: {2024-01-01: 6960}}\n      - {threshold: {2024-01-01: 3}, amount: {2024-01-01: 7830}}\n");
        p.Append("  phase_in: {values: {2024-01-01: 0.34}}\n  phase_out_start: {values: {2024-01-01: 22720}}\n  phase_out_rate: {values: {2024-01-01: 0.1598}}\n");
        p.Append("state_rate:\n");
        foreach (var (state, i) in States.Select((s, i) => (s, i)))
        {
            p.Append(CultureInfo.InvariantCulture, $"  {state}: {{values: {{2024-01-01: {0.01 * (i % 6)}}}}}\n");
        }

        p.Append("snap:\n  max:\n    type: single_amount\n    brackets:\n");
        for (var size = 0; size <= 8; size++)
        {
            p.Append(CultureInfo.InvariantCulture, $"      - {{threshold: {{2024-01-01: {size}}}, amount: {{2024-01-01: {size * 2400}}}}}\n");
        }

        p.Append("  rate: {values: {2024-01-01: 0.3}}\nfiller:\n");
        for (var i = 0; i < FillerCount; i++)
        {
            p.Append(CultureInfo.InvariantCulture, $"  f{i}: {{values: {{2024-01-01: {0.9 + (i % 7) * 0.01}}}}}\n");
        }

        File.WriteAllText(Path.Combine(release, "parameters", "gov", "tax.yaml"), p.ToString());

        var v = new StringBuilder();
        void Var(string name, string entity, string type, string? formula, string extra = "")
        {
            v.Append(CultureInfo.InvariantCulture, $"{name}:\n  entity: {entity}\n  value_type: {type}\n{extra}");
            if (formula is not null)
            {
                v.Append("  formula: |\n    ").Append(formula.Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
            }
        }

        Var("person_weight", "person", "float", null, "  default: 1\n");
        Var("tax_unit_weight", "tax_unit", "float", null, "  default: 1\n");
        Var("household_weight", "household", "float", null, "  default: 1\n");
        Var("age", "person", "int", null, "  default: 40\n");
        foreach (var income in new[] { "employment_income", "self_employment_income", "pension_income", "interest_income", "dividend_income" })
        {
            Var(income, "person", "float", null);
        }

        Var("is_disabled", "person", "bool", null);
        Var("rent", "household", "float", null);
        Var("state_code", "household", "enum", null, $"  possible_values: [{string.Join(", ", States)}]\n  default: {States[0]}\n");
        Var("is_adult", "person", "bool", "age >= 18");
        Var("is_head", "person", "bool", "position(tax_unit, age >= 18) == 0 and age >= 18");
        Var("is_spouse", "person", "bool", "position(tax_unit, age >= 18) == 1 and age >= 18");
        Var("is_dependent", "person", "bool", "not is_head and not is_spouse");
        Var("earned_income", "person", "float", "employment_income + self_employment_income");
        Var("gross_income", "person", "float", "earned_income + pension_income + interest_income + dividend_income");
        Var("social_security_tax", "person", "float", "min(employment_income, parameters.gov.tax.payroll.cap) * parameters.gov.tax.payroll.rate");
        Var("medicare_tax", "person", "float", "employment_income * parameters.gov.tax.payroll.medicare");
        Var("self_employment_tax", "person", "float", "max(self_employment_income * 0.9235, 0) * 0.153");
        Var("payroll_tax", "person", "float", "social_security_tax + medicare_tax + self_employment_tax");
        Var("has_spouse", "tax_unit", "bool", "count(members, role=spouse) > 0");
        Var("dependents", "tax_unit", "int", "count(members, role=dependent)");
        Var("filing_status", "tax_unit", "enum", "where(has_spouse, 'JOINT', where(dependents > 0, 'HEAD_OF_HOUSEHOLD', 'SINGLE'))",
            "  possible_values: [SINGLE, JOINT, HEAD_OF_HOUSEHOLD]\n  default: SINGLE\n");
        Var("tax_unit_earned", "tax_unit", "float", "sum(members.earned_income)");
        Var("agi", "tax_unit", "float", "sum(members.gross_income) - 0.5 * sum(members.self_employment_tax)");
        Var("standard_deduction", "tax_unit", "float", "parameters.gov.tax.standard_deduction[filing_status] + 1950 * count(members, age >= 65 and not is_dependent)");
        Var("taxable_income", "tax_unit", "float", "max(agi - standard_deduction, 0)");
        Var("income_tax_before_credits", "tax_unit", "float", "parameters.gov.tax.brackets[filing_status].calc(taxable_income)");
        Var("marginal_rate", "tax_unit", "float", "parameters.gov.tax.brackets[filing_status].marginal_rate(taxable_income)");
        Var("ctc_children", "tax_unit", "int", "count(members, age < 17 and is_dependent)");
        Var("ctc", "tax_unit", "float",
            "maximum = ctc_children * parameters.gov.tax.ctc.amount\nexcess = max(agi - parameters.gov.tax.ctc.threshold[filing_status], 0)\nmax(maximum - ceil(excess / 1000) * parameters.gov.tax.ctc.rate, 0)");
        Var("eitc_children", "tax_unit", "int", "min(dependents, 3)");
        Var("eitc", "tax_unit", "float",
            "maximum = parameters.gov.tax.eitc.max.amount(eitc_children)\nphased_in = min(tax_unit_earned * parameters.gov.tax.eitc.phase_in, maximum)\nreduction = max(agi - parameters.gov.tax.eitc.phase_out_start, 0) * parameters.gov.tax.eitc.phase_out_rate\nmax(phased_in - reduction, 0)");
        Var("income_tax", "tax_unit", "float", "income_tax_before_credits - min(ctc, income_tax_before_credits) - eitc");
        Var("state_income_tax", "tax_unit", "float", "taxable_income * parameters.gov.tax.state_rate[household.state_code]");

        // Filler chain: per-person and per-group adjustments feeding a household total.
        for (var i = 0; i < FillerCount; i++)
        {
            var entity = (i % 3) switch { 0 => "person", 1 => "tax_unit", _ => "household" };
            var prev = i == 0 ? "gross_income" : $"adjustment_{i - 1}";
            var prevEntity = i == 0 ? "person" : ((i - 1) % 3) switch { 0 => "person", 1 => "tax_unit", _ => "household" };
            string input = (entity, prevEntity) switch
            {
                ("person", "person") => prev,
                ("person", _) => $"{prevEntity}.{prev}",
                (_, "person") => $"sum(members.{prev})",
                _ => $"{prevEntity}.{prev}",
            };
            var own = entity switch { "person" => "earned_income", "tax_unit" => "agi", _ => "rent" };
            Var($"adjustment_{i}", entity, "float",
                $"x = {input} * parameters.gov.tax.filler.f{i}\nwhere(x > {own}, x - 0.01 * {own}, clip(x, 0, 1e9)) + {i % 5}");
        }

        Var("household_size", "household", "int", "count(members)");
        Var("household_market_income", "household", "float", "sum(members.gross_income)");
        Var("household_tax", "household", "float", "sum(members.payroll_tax) + sum(members.tax_unit.income_tax * is_head) + sum(members.tax_unit.state_income_tax * is_head)");
        Var("snap_net_income", "household", "float", "max(household_market_income - household_tax - 0.5 * rent, 0)");
        Var("snap", "household", "float", "max(parameters.gov.tax.snap.max.amount(min(household_size, 8)) - parameters.gov.tax.snap.rate * snap_net_income, 0)");
        Var("household_benefits", "household", "float", $"snap + sum(members.tax_unit.eitc * is_head) * 0 + 0.0001 * adjustment_{FillerCount - 1}");
        Var("household_net_income", "household", "float", "household_market_income - household_tax + household_benefits");
        File.WriteAllText(Path.Combine(release, "variables", "all.yaml"), v.ToString());
        return release;
    }

    public static readonly string[] States = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "MA", "NY", "TX"];
}
