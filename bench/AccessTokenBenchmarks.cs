using BenchmarkDotNet.Attributes;
using Portal.Core.Features.AccessTokens;

namespace Portal.Bench;

/// <summary>
/// Every API request hashes its bearer token before the database lookup, so this cost is
/// paid per request; it must stay far below a millisecond.
/// </summary>
[MemoryDiagnoser]
public class AccessTokenBenchmarks
{
    private readonly string _token = AccessTokenSecret.Generate();

    [Benchmark]
    public bool ShapeCheck() => AccessTokenSecret.HasValidShape(_token);

    [Benchmark]
    public string Hash() => AccessTokenSecret.Hash(_token);

    [Benchmark]
    public string Generate() => AccessTokenSecret.Generate();
}
