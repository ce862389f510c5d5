using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Microdata;

public sealed class MicrodataFileTests : IDisposable
{
    private readonly TempDirectory _dir = new("portal-microdata");

    [Fact]
    public void The_same_seed_writes_byte_identical_files()
    {
        var a = _dir.File("a.h5");
        var b = _dir.File("b.h5");
        MicrodataFile.Write(SyntheticGenerator.Generate(new SyntheticOptions("us", 400, 77)), a, periodGroups: true);
        MicrodataFile.Write(SyntheticGenerator.Generate(new SyntheticOptions("us", 400, 77)), b, periodGroups: true);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Weighted_state_populations_read_back_from_the_file_match_the_2020_census()
    {
        var path = _dir.File("us.h5");
        MicrodataFile.Write(SyntheticGenerator.Generate(new SyntheticOptions("us", 20_000, 42)), path, periodGroups: true);

        using var file = H5File.Open(path);
        var weights = file.Root.GetDataset("/household_weight/2024").Read<double>();
        var fips = file.Root.GetDataset("/state_fips/2024").Read<int>();
        var codes = file.Root.GetDataset("/state_code/2024").ReadStrings();
        var links = file.Root.GetDataset("/person_household_id/2024").Read<int>();
        var population = new Dictionary<int, double>();
        foreach (var household in links)
        {
            population[fips[household - 1]] = population.GetValueOrDefault(fips[household - 1]) + weights[household - 1];
        }

        var worst = UsGeography.States.Max(s => Math.Abs(population[s.Fips] / s.Population2020 - 1));
        Assert.True(worst < 0.005, $"worst state deviation {worst:P4}");
        Assert.All(Enumerable.Range(0, fips.Length), h => Assert.Equal(UsGeography.ByFips(fips[h]).Code, codes[h]));
        Assert.Equal("us", file.Root.FindAttribute("country")!.AsString());
        Assert.Equal(links.Length, file.Root.FindAttribute("rows_person")!.AsLong());
        Assert.Equal("person", file.Root.GetDataset("/age/2024").FindAttribute("entity")!.AsString());
    }

    public void Dispose() => _dir.Dispose();
}
