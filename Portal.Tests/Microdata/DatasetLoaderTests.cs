using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Microdata;

public sealed class DatasetLoaderTests : IDisposable
{
    private static readonly Lazy<ModelCatalog> Catalog = new(() => ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false));
    private readonly TempDirectory _dir = new("portal-loader");

    [Theory]
    [InlineData("us", "state_code")]
    [InlineData("uk", "region")]
    public void A_generated_release_loads_and_runs_an_economy_wide_baseline(string country, string enumVariable)
    {
        var model = Catalog.Value.Find(country)!;
        var set = SyntheticGenerator.Generate(new SyntheticOptions(country, 1_000, 11, model.DefaultPeriod));
        var path = _dir.File($"{country}.h5");
        MicrodataFile.Write(set, path, periodGroups: true);

        using var file = H5File.Open(path);
        var loaded = DatasetLoader.LoadWithReport(model, file, model.DefaultPeriod);
        Assert.Equal(set.Rows["person"], loaded.Population.PersonCount);
        Assert.Contains(enumVariable, loaded.LoadedVariables);
        Assert.Contains("employment_income", loaded.LoadedVariables);
        Assert.Contains("is_male", loaded.UnknownVariables);

        var simulation = new Simulation(model, loaded.Population, model.DefaultPeriod);
        var employment = simulation.Sum("employment_income");
        var expected = 0.0;
        var weights = ((DoubleColumn)set["household_weight"]).Values;
        var links = ((IntColumn)set["person_household_id"]).Values;
        var income = ((DoubleColumn)set["employment_income"]).Values;
        for (var i = 0; i < income.Length; i++)
        {
            expected += income[i] * weights[links[i] - 1];
        }

        Assert.Equal(expected, employment, expected * 1e-9);
        var net = simulation.Calculate("household_net_income");
        Assert.Equal(1_000, net.Length);
        Assert.All(net, v => Assert.True(double.IsFinite(v)));
        Assert.True(simulation.Sum("household_net_income") > 0);
        Assert.Equal(((CategoryColumn)set[enumVariable]).AsStrings(), simulation.CalculateText(enumVariable));
    }

    [Fact]
    public void Every_problem_is_reported_together()
    {
        var model = Catalog.Value.Find("uk")!;
        var path = _dir.File("bad.h5");
        using (var writer = H5Writer.Create(path))
        {
            writer.WriteDataset<int>("/person_id/2025", [1, 2, 2]);
            writer.WriteDataset<int>("/benunit_id/2025", [1, 2]);
            writer.WriteDataset<int>("/household_id/2025", [1]);
            writer.WriteDataset<int>("/person_benunit_id/2025", [1, 1, 9]);
            writer.WriteDataset<int>("/person_household_id/2025", [1, 1, 1]);
            writer.WriteDataset<double>("/employment_income/2025", [1, double.NaN, 3]);
            writer.WriteDataset<double>("/household_weight/2025", [-5]);
            writer.WriteStrings("/region/2025", ["ATLANTIS"]);
            writer.WriteDataset<int>("/age/2025", [1, 2]);
            writer.Commit();
        }

        using var file = H5File.Open(path);
        var error = Assert.Throws<DatasetValidationException>(() => DatasetLoader.Load(model, file, 2025));
        Assert.Contains("person_id: duplicate id 2", error.Problems);
        Assert.Contains("person_benunit_id: person 2 is linked to benunit 9, which does not exist", error.Problems);
        Assert.Contains("benunit 2 has no members", error.Problems);
        Assert.Contains("employment_income: row 1 value NaN is not a finite number", error.Problems);
        Assert.Contains("household_weight: row 0 value -5 is a negative weight", error.Problems);
        Assert.Contains(error.Problems, p => p.StartsWith("region: row 0 has 'ATLANTIS', not one of NORTH_EAST", StringComparison.Ordinal));
        Assert.Contains("age: 2 values but person has 3 instances", error.Problems);

        var missing = Assert.Throws<DatasetValidationException>(() => DatasetLoader.Load(model, file, 2030));
        Assert.Contains("/person_id/2030 is missing", missing.Problems);
    }

    public void Dispose() => _dir.Dispose();
}
