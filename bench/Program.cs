using BenchmarkDotNet.Running;

// Performance targets are checked here, not in timed unit tests. Run all suites with:
//   dotnet run -c Release --project bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
