using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mesh.Deploy.Tests.Lint;

/// <summary>haproxy's own check of a configuration (<c>haproxy -c -f FILE</c>), and the servers it names.</summary>
public static partial class Haproxy
{
    /// <summary>haproxy's exit code and what it printed; throws when haproxy is not installed.</summary>
    public static (int ExitCode, string Output) Check(string path)
    {
        // Debian installs it in /usr/sbin, which a non-root PATH often lacks.
        var executable = File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";
        var start = new ProcessStartInfo(executable, ["-c", "-f", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException("haproxy is not installed (test.sh installs it: apt-get install haproxy)", error);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                process.Kill();
                throw new TimeoutException($"haproxy -c -f {path} did not finish within 30 s");
            }

            return (process.ExitCode, output.Result + errors.Result);
        }
    }

    /// <summary>The host of every <c>server NAME HOST:PORT</c> line, with its line number.</summary>
    public static IEnumerable<(string Host, int Line)> ServerHosts(string config) =>
        config.Split('\n').Select((text, index) => (Match: Server().Match(text), Line: index + 1))
            .Where(x => x.Match.Success)
            .Select(x => (x.Match.Groups[1].Value, x.Line));

    [GeneratedRegex(@"^\s*server\s+\S+\s+([^\s:]+):\d+")]
    private static partial Regex Server();
}
