namespace MeshConsole.Experiments;

/// <summary>
/// Follows one running experiment's <see cref="AbortCondition"/> reading after reading: it trips once the
/// condition has held at every reading for <see cref="AbortCondition.For"/>. A reading where it does not hold
/// starts the count again. Kept in memory by the runner: after a restart the condition must hold anew.
/// </summary>
public sealed class ConditionWatch(AbortCondition condition)
{
    public AbortCondition Condition => condition;

    /// <summary>The first reading of the current unbroken run where the condition held; null when it does not hold.</summary>
    public DateTimeOffset? HeldSince { get; private set; }

    /// <summary>The error % of the last reading that held.</summary>
    public double LastErrorPercent { get; private set; }

    /// <summary>Takes the reading at <paramref name="now"/>; true when the experiment must be aborted.</summary>
    public bool Observe(DateTimeOffset now, Telemetry.Aggregation.CallFigures? reading)
    {
        if (!condition.HoldsFor(reading))
        {
            HeldSince = null;
            return false;
        }

        LastErrorPercent = reading!.ErrorPercent;
        HeldSince ??= now;
        return now - HeldSince.Value >= condition.For;
    }
}
