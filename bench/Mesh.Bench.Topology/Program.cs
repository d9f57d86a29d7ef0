using BenchmarkDotNet.Running;
using Mesh.Bench.Topology;

// Topology read microbenchmarks: see bench/topology.sh and bench/RESULTS.md. (Not typeof(Program):
// MeshConsole, referenced for its types, has a public top-level Program of its own.)
BenchmarkSwitcher.FromAssembly(typeof(SnapshotBenchmarks).Assembly).Run(args);
