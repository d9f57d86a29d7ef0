namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// One directed edge of the topology: calls from <paramref name="Source"/> to <paramref name="Destination"/>
/// over <paramref name="Protocol"/> ("http", "grpc", ...). Names compare ordinally, as OpenTelemetry's
/// <c>service.name</c> does; either end may be <see cref="External.Name"/>.
/// </summary>
public readonly record struct EdgeKey(string Source, string Destination, string Protocol);
