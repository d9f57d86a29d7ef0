namespace MeshConsole.Policies.Canary;

/// <summary>
/// Keeps a rule's destination weights summing to 100 as the operator moves them: setting one weight
/// takes what it gains from the others, or gives what it loses to them, in proportion to what each
/// holds (evenly when the others hold nothing), in whole percents by the largest remainder.
/// </summary>
public static class WeightBalancer
{
    public const int Total = 100;

    /// <summary>
    /// The weights after <paramref name="index"/> is set to <paramref name="value"/> (clamped to 0–100); the
    /// others share the rest. A single destination always holds 100.
    /// </summary>
    public static int[] Set(IReadOnlyList<int> weights, int index, int value)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, weights.Count);
        if (weights.Count == 1)
            return [Total];

        var result = new int[weights.Count];
        result[index] = Math.Clamp(value, 0, Total);
        var others = Enumerable.Range(0, weights.Count).Where(i => i != index).ToList();
        Share(Total - result[index], others, others.Select(i => Math.Max(weights[i], 0)).ToList(), result);
        return result;
    }

    /// <summary>The weights without <paramref name="index"/>, its share given to the rest in proportion.</summary>
    public static int[] Remove(IReadOnlyList<int> weights, int index)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, weights.Count);
        var rest = weights.Where((_, i) => i != index).ToList();
        return Normalize(rest);
    }

    /// <summary>
    /// Weights that sum to 100, keeping the proportions of <paramref name="weights"/> (evenly when all are 0):
    /// for a new destination (added at 0) or a policy read from elsewhere.
    /// </summary>
    public static int[] Normalize(IReadOnlyList<int> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var result = new int[weights.Count];
        if (weights.Count > 0)
            Share(Total, [.. Enumerable.Range(0, weights.Count)], [.. weights.Select(w => Math.Max(w, 0))], result);
        return result;
    }

    /// <summary>Splits <paramref name="amount"/> over <paramref name="slots"/> of <paramref name="result"/> in proportion to <paramref name="basis"/>.</summary>
    private static void Share(int amount, List<int> slots, List<int> basis, int[] result)
    {
        long sum = basis.Sum(b => (long)b);
        // Nothing to be proportional to: even shares.
        var weightsOf = sum == 0 ? basis.Select(_ => 1L).ToList() : basis.Select(b => (long)b).ToList();
        var total = sum == 0 ? slots.Count : sum;
        var given = 0;
        var remainders = new (long Remainder, int Slot)[slots.Count];
        for (var k = 0; k < slots.Count; k++)
        {
            var exact = amount * weightsOf[k];
            var whole = (int)(exact / total);
            result[slots[k]] = whole;
            given += whole;
            remainders[k] = (exact % total, k);
        }

        // Largest remainders first; ties to the earlier destination, so the result does not depend on chance.
        foreach (var (_, k) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Slot).Take(amount - given))
            result[slots[k]]++;
    }
}
