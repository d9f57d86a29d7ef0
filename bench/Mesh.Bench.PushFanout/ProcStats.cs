using System.Globalization;

namespace Mesh.Bench.PushFanout;

/// <summary>Readings from Linux's /proc: memory and CPU of a process, open TCP connections.</summary>
internal static class ProcStats
{
    /// <summary>Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    private static readonly string[] _tcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>A field of /proc/PID/status in KiB (VmRSS, VmHWM), or null when unreadable.</summary>
    public static long? StatusKib(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>User plus system CPU time of a process, or null when unreadable.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After "pid (comm) " come the fields from 3 (state) on: utime is field 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Established TCP connections to a port, as this network namespace sees them. .NET's sockets are
    /// dual-mode, so they show in /proc/net/tcp6 (as ::ffff:127.0.0.1) as well as in /proc/net/tcp.
    /// </summary>
    public static int EstablishedTo(int port)
    {
        try
        {
            var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
            return _tcpTables
                .Where(File.Exists)
                .SelectMany(path => File.ReadLines(path).Skip(1))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Count(f => f.Length > 3 && f[2].EndsWith(hex, StringComparison.Ordinal) && f[3] == "01");
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
