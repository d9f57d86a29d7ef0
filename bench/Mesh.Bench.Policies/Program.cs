using BenchmarkDotNet.Running;
using Mesh.Bench.Policies;

// Per-policy microbenchmarks: see bench/policies.sh and bench/RESULTS.md. (Not typeof(Program):
// MeshSidecar, referenced for its types, has a public top-level Program of its own.)
BenchmarkSwitcher.FromAssembly(typeof(RouteBenchmarks).Assembly).Run(args);
