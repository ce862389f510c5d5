using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args.FirstOrDefault() == "us-economy") { Portal.Bench.UsKernel.Run(args[1..]); return; }
if (args.FirstOrDefault() == "us-chain") { Portal.Bench.UsChain.Run(args[1..]); return; }
if (args.FirstOrDefault() == "data-generate") { Portal.Bench.DataGenerate.Run(args); return; }
if (args.FirstOrDefault() == "local-h5") { Portal.Bench.LocalH5Bench.Run(args[1..]); return; }
if (args.FirstOrDefault() == "economy-comparison") { Portal.Bench.EconomyComparisonBench.Run(args[1..]); return; }
if (args.FirstOrDefault() == "load") { await Portal.Bench.LoadBench.RunAsync(args[1..]); return; }
if (args.FirstOrDefault() == "seed-load") { await Portal.Bench.LoadBench.SeedCommandAsync(args[1..]); return; }
if (args.FirstOrDefault() is "gateway-poll" or "gateway-submit" or "gateway-e2e") { await Portal.Bench.GatewayBench.RunAsync(args[0], args[1..]); return; }

// Performance targets are checked here, not in timed unit tests; see README.md in this folder.
// Benchmarks run in-process: BenchmarkDotNet's generated project cannot restore Portal.Core's
// dependencies from this machine's NuGet mirror (they come from the ASP.NET Core shared framework).
if (args.FirstOrDefault() == "hdf5") { Portal.Bench.Hdf5Throughput.Run(args[1..]); return; }
if (args.FirstOrDefault() == "engine") { Portal.Bench.EngineEconomy.Run(args[1..]); return; }

var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
