using MeshConsole.Policies.Canary;

namespace MeshConsole.Tests.Policies.Canary;

public sealed class WeightBalancerTests
{
    [Fact]
    public void Set_TwoDestinations_OtherTakesTheRest()
    {
        Assert.Equal([75, 25], WeightBalancer.Set([90, 10], 0, 75));
        Assert.Equal([70, 30], WeightBalancer.Set([90, 10], 1, 30));
    }

    [Fact]
    public void Set_ThreeDestinations_OthersShareInProportion()
    {
        // The third goes to 40: the other two share the 60 left as they held their 90, 2:1.
        var weights = WeightBalancer.Set([60, 30, 10], 2, 40);

        Assert.Equal([40, 20, 40], weights);
    }

    [Fact]
    public void Set_OthersHoldNothing_SharedEvenly()
    {
        Assert.Equal([50, 25, 25], WeightBalancer.Set([100, 0, 0], 0, 50));
    }

    [Fact]
    public void Set_UnevenRemainder_LargestRemainderGetsThePoint_SumStays100()
    {
        var weights = WeightBalancer.Set([34, 33, 33], 0, 0);

        Assert.Equal(100, weights.Sum());
        Assert.Equal([0, 50, 50], weights);
        Assert.Equal(100, WeightBalancer.Set([1, 1, 1], 1, 0).Sum());
        Assert.Equal([0, 34, 33, 33], WeightBalancer.Set([100, 0, 0, 0], 0, 0));
    }

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(140, 100)]
    public void Set_OutOfRange_Clamped(int value, int expected)
    {
        var weights = WeightBalancer.Set([50, 50], 0, value);

        Assert.Equal(expected, weights[0]);
        Assert.Equal(100, weights.Sum());
    }

    [Fact]
    public void Set_OneDestination_Always100()
    {
        Assert.Equal([100], WeightBalancer.Set([100], 0, 30));
    }

    [Fact]
    public void Set_EveryValueOfEveryDestination_SumsTo100()
    {
        int[] start = [17, 29, 41, 13];
        for (var index = 0; index < start.Length; index++)
        {
            for (var value = 0; value <= 100; value++)
            {
                var weights = WeightBalancer.Set(start, index, value);

                Assert.Equal(100, weights.Sum());
                Assert.Equal(value, weights[index]);
                Assert.All(weights, w => Assert.InRange(w, 0, 100));
            }
        }
    }

    [Fact]
    public void Remove_GivesItsWeightToTheRestInProportion()
    {
        Assert.Equal([75, 25], WeightBalancer.Remove([60, 20, 20], 2));
        Assert.Equal([100], WeightBalancer.Remove([90, 10], 1));
        Assert.Equal([50, 50], WeightBalancer.Remove([0, 0, 100], 2));
    }

    [Fact]
    public void Normalize_NewDestinationAtZero_KeepsTheOthers()
    {
        Assert.Equal([90, 10, 0], WeightBalancer.Normalize([90, 10, 0]));
        Assert.Equal([100], WeightBalancer.Normalize([0]));
        Assert.Equal([34, 33, 33], WeightBalancer.Normalize([0, 0, 0]));
        Assert.Empty(WeightBalancer.Normalize([]));
    }
}
