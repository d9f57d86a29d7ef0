namespace MeshConsole.Telemetry.Aggregation;

/// <summary>
/// Error percentages (0–100) of a node's inbound calls at or above which it turns amber and red.
/// Denied calls are policy at work, not failures, and do not count.
/// </summary>
public sealed record HealthThresholds(double AmberErrorPercent = 1, double RedErrorPercent = 5)
{
    public NodeHealth Classify(double errorPercent) =>
        errorPercent >= RedErrorPercent ? NodeHealth.Red
        : errorPercent >= AmberErrorPercent ? NodeHealth.Amber
        : NodeHealth.Green;

    /// <summary>What is wrong with these thresholds, one message each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(AmberErrorPercent is > 0 and <= 100))
        {
            errors.Add($"{nameof(AmberErrorPercent)} must be above 0 and at most 100 (was {AmberErrorPercent}).");
        }
        if (!(RedErrorPercent is > 0 and <= 100))
        {
            errors.Add($"{nameof(RedErrorPercent)} must be above 0 and at most 100 (was {RedErrorPercent}).");
        }
        if (RedErrorPercent < AmberErrorPercent)
        {
            errors.Add($"{nameof(RedErrorPercent)} ({RedErrorPercent}) must not be below {nameof(AmberErrorPercent)} ({AmberErrorPercent}).");
        }
        return errors;
    }
}

public enum NodeHealth
{
    Green,
    Amber,
    Red,
}
