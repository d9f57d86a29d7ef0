using System.ComponentModel.DataAnnotations;

namespace MeshConsole.Telemetry;

/// <summary>How the topology judges and bounds what it keeps. Section <c>Mesh:Topology</c>.</summary>
public sealed class TopologyOptions
{
    public const string Section = "Mesh:Topology";

    /// <summary>Error % of a service's inbound calls from which it shows amber. Key <c>Mesh:Topology:AmberErrorPercent</c>.</summary>
    [Range(0.001, 100, ErrorMessage = "Mesh:Topology:AmberErrorPercent must be above 0 and at most 100.")]
    public double AmberErrorPercent { get; set; } = 1;

    /// <summary>Error % from which it shows red; not below the amber one. Key <c>Mesh:Topology:RedErrorPercent</c>.</summary>
    [Range(0.001, 100, ErrorMessage = "Mesh:Topology:RedErrorPercent must be above 0 and at most 100.")]
    public double RedErrorPercent { get; set; } = 5;

    /// <summary>Distinct edges kept at once; data of further new edges is refused and counted. Key <c>Mesh:Topology:MaxEdges</c>.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Mesh:Topology:MaxEdges must be between 1 and 1000000.")]
    public int MaxEdges { get; set; } = 10_000;

    /// <summary>
    /// Distinct (service, subset) pairs whose calls are kept for the observed split; data of further new
    /// pairs is refused and counted. Key <c>Mesh:Topology:MaxSubsets</c>.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Mesh:Topology:MaxSubsets must be between 1 and 1000000.")]
    public int MaxSubsets { get; set; } = 2_000;

    /// <summary>How long per-minute rollups are kept for replay. Key <c>Mesh:Topology:RollupRetention</c>.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "Mesh:Topology:RollupRetention must be between 1 hour and 365 days.")]
    public TimeSpan RollupRetention { get; set; } = TimeSpan.FromDays(7);
}
