using Portal.Core.Engine;

namespace Portal.Bench;

/// <summary>
/// The US federal income tax chain written by hand over the population arrays: roles and filing
/// status, self-employment tax deduction, taxable Social Security, AGI, standard deduction, the
/// bracket schedule by filing status and the child tax credit: the same rules as the package's
/// formulas, with every parameter read from the release at the period. It is the "hardware limit"
/// the compiled engine is compared against, so it is parallel over the same cores the engine uses.
/// </summary>
public sealed class UsFederalKernel
{
    private const int Single = 0, Joint = 1, HeadOfHousehold = 3, Statuses = 5;

    private readonly double _adultAge, _dependentAge, _agedAge, _ctcChildAge;
    private readonly double _seFactor, _seSsRate, _seMedicareRate, _seMinimum, _seDeductible, _wageBase;
    private readonly double _ssLower, _ssUpper;
    private readonly double[] _ssBase = new double[Statuses], _ssAdjusted = new double[Statuses];
    private readonly double[] _standard = new double[Statuses], _additionalAged = new double[Statuses];
    private readonly double[] _ctcThreshold = new double[Statuses];
    private readonly double[][] _thresholds = new double[Statuses][], _rates = new double[Statuses][];
    private readonly double _ctcChild, _ctcOther, _ctcRate, _ctcIncrement;

    public UsFederalKernel(CountryModel model, int period)
    {
        var at = model.InstantOf(period);
        double V(string path) => ValueAt(((ParameterLeaf)Find(model, path)).Values, at);
        _adultAge = V("gov.irs.dependent.adult_age");
        _dependentAge = V("gov.irs.dependent.age_limit");
        _agedAge = V("gov.irs.deductions.aged_threshold");
        _ctcChildAge = V("gov.irs.credits.ctc.child_age_limit");
        _seFactor = V("gov.irs.payroll.self_employment.net_earnings_factor");
        _seSsRate = V("gov.irs.payroll.self_employment.social_security_rate");
        _seMedicareRate = V("gov.irs.payroll.self_employment.medicare_rate");
        _seMinimum = V("gov.irs.payroll.self_employment.minimum_net_earnings");
        _seDeductible = V("gov.irs.payroll.self_employment.deductible_share");
        _wageBase = V("gov.irs.payroll.social_security.wage_base");
        _ssLower = V("gov.irs.social_security.lower_rate");
        _ssUpper = V("gov.irs.social_security.upper_rate");
        _ctcChild = V("gov.irs.credits.ctc.amount.child");
        _ctcOther = V("gov.irs.credits.ctc.amount.other_dependent");
        _ctcRate = V("gov.irs.credits.ctc.phase_out.rate");
        _ctcIncrement = V("gov.irs.credits.ctc.phase_out.increment");
        var statuses = model.FindVariable("filing_status")!.PossibleValues;
        for (var s = 0; s < Statuses; s++)
        {
            var name = statuses[s];
            _ssBase[s] = V($"gov.irs.social_security.base_amount.{name}");
            _ssAdjusted[s] = V($"gov.irs.social_security.adjusted_base_amount.{name}");
            _standard[s] = V($"gov.irs.deductions.standard.{name}");
            _additionalAged[s] = V($"gov.irs.deductions.additional_aged.{name}");
            _ctcThreshold[s] = V($"gov.irs.credits.ctc.phase_out.threshold.{name}");
            var scale = (ParameterScale)Find(model, $"gov.irs.income.brackets.{name}");
            _thresholds[s] = scale.Brackets.Select(b => ValueAt(b.Threshold, at)).ToArray();
            _rates[s] = scale.Brackets.Select(b => ValueAt(b.Rate!, at)).ToArray();
        }
    }

    /// <summary>Fills income tax before credits and the CTC per tax unit (one per household here).</summary>
    public void Run(UsPopulation pop, double[] taxBeforeCredits, double[] ctc, bool parallel = true)
    {
        var chunks = parallel ? Environment.ProcessorCount * 4 : 1;
        System.Threading.Tasks.Parallel.For(0, chunks, chunk =>
        {
            var from = (int)((long)pop.Households * chunk / chunks);
            var to = (int)((long)pop.Households * (chunk + 1) / chunks);
            for (var unit = from; unit < to; unit++)
            {
                Unit(pop, unit, out taxBeforeCredits[unit], out ctc[unit]);
            }
        });
    }

    private void Unit(UsPopulation pop, int unit, out double tax, out double credit)
    {
        int start = pop.HouseholdStart[unit], end = pop.HouseholdStart[unit + 1];
        var adults = 0;
        for (var p = start; p < end; p++)
        {
            adults += pop.Age[p] >= _adultAge ? 1 : 0;
        }

        int adultsSeen = 0, spouses = 0, dependents = 0, qualifying = 0, aged = 0;
        double income = 0, seTax = 0, benefits = 0;
        for (var p = start; p < end; p++)
        {
            var age = pop.Age[p];
            var adult = age >= _adultAge;
            var head = adults > 0 ? adult && adultsSeen == 0 : p == start;
            var spouse = adult && adultsSeen == 1;
            adultsSeen += adult ? 1 : 0;
            var dependent = !head && !spouse && age < _dependentAge;
            spouses += spouse ? 1 : 0;
            dependents += dependent ? 1 : 0;
            qualifying += dependent && age < _ctcChildAge ? 1 : 0;
            aged += (head || spouse) && age >= _agedAge ? 1 : 0;

            var wages = pop.Employment[p];
            var net = Math.Max(pop.SelfEmployment[p], 0) * _seFactor;
            var room = Math.Max(_wageBase - Math.Max(wages, 0), 0);
            var personSeTax = (Math.Min(net, room) * _seSsRate) + (net * _seMedicareRate);
            seTax += net >= _seMinimum ? personSeTax : 0;
            income += wages + pop.SelfEmployment[p] + pop.Interest[p] + pop.Dividends[p] + pop.Pension[p] + pop.Unemployment[p];
            benefits += pop.SocialSecurity[p];
        }

        var status = spouses > 0 ? Joint : dependents > 0 ? HeadOfHousehold : Single;
        var beforeSs = income - (seTax * _seDeductible);
        var provisional = beforeSs + (_ssLower * benefits);
        var overBase = Math.Max(provisional - _ssBase[status], 0);
        var tier = Math.Max(_ssAdjusted[status] - _ssBase[status], 0);
        var overAdjusted = Math.Max(overBase - tier, 0);
        var firstTier = Math.Min(_ssLower * benefits, _ssLower * Math.Min(overBase, tier));
        var agi = beforeSs + Math.Min(firstTier + (_ssUpper * overAdjusted), _ssUpper * benefits);

        var taxable = Math.Max(agi - (_standard[status] + (aged * _additionalAged[status])), 0);
        var thresholds = _thresholds[status];
        var rates = _rates[status];
        tax = 0;
        for (var b = 0; b < thresholds.Length && taxable > thresholds[b]; b++)
        {
            var top = b + 1 < thresholds.Length ? Math.Min(taxable, thresholds[b + 1]) : taxable;
            tax += (top - thresholds[b]) * rates[b];
        }

        var maximum = (qualifying * _ctcChild) + (Math.Max(dependents - qualifying, 0) * _ctcOther);
        var excess = Math.Max(agi - _ctcThreshold[status], 0);
        credit = Math.Max(maximum - (Math.Ceiling(excess / _ctcIncrement) * _ctcRate), 0);
    }

    private static ParameterNode Find(CountryModel model, string path) =>
        Portal.Core.Features.Models.ParameterTree.Find(model.Parameters, path)
        ?? throw new InvalidOperationException($"The release has no parameter {path}.");

    private static double ValueAt(IReadOnlyList<DatedValue> values, DateOnly at) =>
        values.LastOrDefault(v => v.Start <= at)?.Value ?? throw new InvalidOperationException($"No value at {at}.");
}
