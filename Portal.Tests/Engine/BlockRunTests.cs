using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Engine;

/// <summary>
/// Chains evaluated block by block (Simulation.RunBlocked) give exactly the columns of one formula at
/// a time over all rows: every variable of both shipped models, baseline and reform, blocks run on
/// one thread and on several.
/// </summary>
public sealed class BlockRunTests : IDisposable
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));
    private readonly TempDirectory _dir = new("portal-blocks");

    public void Dispose() => _dir.Dispose();

    private Population Generated(CountryModel model, string country)
    {
        var path = _dir.File($"{country}.h5");
        MicrodataFile.Write(SyntheticGenerator.Generate(new SyntheticOptions(country, 700, 5, model.DefaultPeriod)), path, periodGroups: true);
        using var file = H5File.Open(path);
        return DatasetLoader.Load(model, file, model.DefaultPeriod);
    }

    [Theory]
    [InlineData("us", """[{"path": "gov.irs.deductions.standard.SINGLE", "start": "2020-01-01", "value": 20000}, {"path": "gov.irs.income.brackets.JOINT[1].rate", "start": "2020-01-01", "value": 0.2}]""")]
    [InlineData("uk", """[{"path": "gov.hmrc.income_tax.allowances.personal_allowance.amount", "start": "2020-01-01", "value": 15000}]""")]
    public void Every_variable_equals_the_formula_at_a_time_result(string country, string reformJson)
    {
        var model = Catalog.Value.Find(country)!;
        var population = Generated(model, country);
        var blocks = population.Blocks(37);
        Assert.NotNull(blocks); // generated and loaded populations keep groups in person order
        Assert.True(blocks.Count > 10);

        var reform = Reform.Parse(reformJson);
        reform.Validate(model);
        var period = model.DefaultPeriod;
        using var reference = new Simulation(model, population, period) { BlockPersons = 0 };
        using var referenceReform = reference.WithReform(reform);
        foreach (var parallel in new[] { false, true })
        {
            using var blocked = new Simulation(model, population, period) { BlockPersons = 37, Parallel = parallel };
            using var blockedReform = blocked.WithReform(reform);
            // The household total first: one chain of (nearly) every formula, cut into blocks.
            Assert.Equal(reference.Calculate("household_net_income"), blocked.Calculate("household_net_income"));
            Assert.Equal(referenceReform.Calculate("household_net_income"), blockedReform.Calculate("household_net_income"));
            foreach (var variable in model.Variables.Select(v => v.Name))
            {
                Assert.True(reference.Calculate(variable).AsSpan().SequenceEqual(blocked.Calculate(variable)), $"{variable} (parallel {parallel})");
                Assert.True(referenceReform.Calculate(variable).AsSpan().SequenceEqual(blockedReform.Calculate(variable)), $"{variable} under the reform (parallel {parallel})");
            }
        }

        Assert.NotEqual(reference.Sum("income_tax"), referenceReform.Sum("income_tax"));
    }

    [Fact]
    public void Blocks_hold_whole_groups_and_populations_that_cannot_be_cut_run_formula_at_a_time()
    {
        var model = EnginePackages.Xx;
        var ages = Enumerable.Range(0, 40).Select(i => (double)(i * 7 % 80)).ToArray();
        var units = Enumerable.Range(0, 40).Select(i => i / 3).ToArray();
        var households = Enumerable.Range(0, 40).Select(i => i / 6).ToArray();
        var blocks = EnginePackages.People(model, ages, taxUnits: units, households: households).Blocks(5)!;
        for (var b = 0; b < blocks.Count; b++)
        {
            var (from, to) = blocks.Range("person", "person", b);
            Assert.True(to - from >= 5 || b == blocks.Count - 1);
            Assert.Equal(0, from % 6); // a household boundary is also a tax unit boundary
            Assert.Equal((from / 3, (to + 2) / 3), blocks.Range("tax_unit", "person", b));
        }

        Assert.Equal(40, blocks.PersonStarts[^1]);
        var interleaved = Enumerable.Range(0, 40).Select(i => i % 7).ToArray();
        var population = EnginePackages.People(model, ages, taxUnits: interleaved, households: households);
        Assert.Null(population.Blocks(5)); // every tax unit spans the population: one block
        Assert.Null(EnginePackages.People(model, ages, taxUnits: [.. units.Select(u => 13 - u)], households: households).Blocks(5)); // numbered backwards
        var mixed = EnginePackages.People(model, ages, taxUnits: [.. Enumerable.Range(0, 40).Select(i => (i / 6 * 2) + (i % 2))], households: households).Blocks(5)!;
        Assert.Equal(blocks.PersonStarts, mixed.PersonStarts); // a household's two units alternate: cut between households

        // Not cut, so evaluated one formula at a time: same results as without blocks.
        foreach (var variable in model.Variables.Select(v => v.Name))
        {
            using var blocked = new Simulation(model, population, 2024) { BlockPersons = 5 };
            using var plain = new Simulation(model, population, 2024) { BlockPersons = 0 };
            Assert.Equal(plain.Calculate(variable), blocked.Calculate(variable));
        }
    }

    [Fact]
    public void Partial_inputs_apply_in_every_block()
    {
        var model = EnginePackages.Xx;
        var ages = Enumerable.Range(0, 60).Select(i => (double)(i * 11 % 90)).ToArray();
        var population = EnginePackages.People(model, ages, incomes: Enumerable.Range(0, 60).Select(i => i * 1000.0).ToArray(),
            taxUnits: Enumerable.Range(0, 60).Select(i => i / 2).ToArray(), households: Enumerable.Range(0, 60).Select(i => i / 4).ToArray());
        var person = model.Variables.First(v => v.Entity == "person" && model.Kernels.ContainsKey(v.Name) && v.ValueType == VariableValueType.Float).Name;
        var given = Enumerable.Range(0, 60).Select(i => i % 7 == 0).ToArray();
        population.SetPartialInput(person, Enumerable.Range(0, 60).Select(i => -1.0 - i).ToArray(), given);

        using var plain = new Simulation(model, population, 2024) { BlockPersons = 0 };
        using var blocked = new Simulation(model, population, 2024) { BlockPersons = 4 };
        foreach (var variable in model.Variables.Select(v => v.Name))
        {
            Assert.Equal(plain.Calculate(variable), blocked.Calculate(variable));
        }

        Assert.Equal(-1.0 - 14, blocked.Calculate(person)[14]);
    }
}
