using System.Globalization;

namespace MeshConsole.Topology;

/// <summary>How the page writes figures: few digits, the way an operator reads them at a glance.</summary>
public static class TopologyFormat
{
    public static string Rate(double perSecond) => perSecond switch
    {
        0 => "0",
        < 1 => perSecond.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => perSecond.ToString("0.0", CultureInfo.InvariantCulture),
        _ => perSecond.ToString("#,0", CultureInfo.InvariantCulture),
    };

    public static string Percent(double percent) => percent switch
    {
        0 => "0 %",
        < 0.1 => "<0.1 %",
        < 10 => percent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
        _ => percent.ToString("0", CultureInfo.InvariantCulture) + " %",
    };

    public static string Milliseconds(double milliseconds) => milliseconds switch
    {
        < 10 => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        < 1000 => milliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        _ => (milliseconds / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
    };
}
