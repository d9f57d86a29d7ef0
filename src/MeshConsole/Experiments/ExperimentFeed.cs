namespace MeshConsole.Experiments;

/// <summary>
/// Tells open pages that an experiment of this console changed (started, ended, figures written), so they
/// reload at once rather than at their next poll. Pages also poll: a change made by another replica reaches
/// them that way.
/// </summary>
public sealed class ExperimentFeed
{
    private readonly Lock _gate = new();
    private readonly List<Action<long>> _subscribers = [];

    public int Subscribers
    {
        get
        {
            lock (_gate)
                return _subscribers.Count;
        }
    }

    /// <summary>Calls <paramref name="changed"/> with an experiment's id after each change, until disposed.</summary>
    public IDisposable Subscribe(Action<long> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_gate)
            _subscribers.Add(changed);
        return new Subscription(this, changed);
    }

    public void Publish(long experimentId)
    {
        Action<long>[] subscribers;
        lock (_gate)
            subscribers = [.. _subscribers];
        foreach (var subscriber in subscribers)
            subscriber(experimentId);
    }

    private sealed class Subscription(ExperimentFeed feed, Action<long> changed) : IDisposable
    {
        public void Dispose()
        {
            lock (feed._gate)
                feed._subscribers.Remove(changed);
        }
    }
}
