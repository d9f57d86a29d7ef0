namespace Mesh.Demo;

/// <summary>Runs what the arguments ask for until it ends or <c>stop</c> is cancelled; returns the exit code.</summary>
public static class DemoProgram
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> environment, ILoggerFactory loggers, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(loggers);
        var (command, errors) = DemoCommandLine.Parse(args);
        if (command is null)
        {
            foreach (var error in errors)
                Console.Error.WriteLine($"Mesh.Demo: {error}");
            Console.Error.WriteLine(DemoCommandLine.Usage);
            return 2;
        }

        var logger = loggers.CreateLogger("Mesh.Demo");
        try
        {
            return command switch
            {
                ServeCommand serve => await ServeAsync(serve, stop),
                SetupCommand setup => await SetupAsync(setup, environment, logger, stop),
                TrafficCommand traffic => await TrafficAsync(traffic, logger, stop),
                _ => await WholeMeshAsync((WholeMeshCommand)command, environment, logger, stop),
            };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static async Task<int> ServeAsync(ServeCommand serve, CancellationToken stop)
    {
        WebApplication app;
        try
        {
            app = await serve.Service.StartAsync(serve.Port, serve.Outbound);
        }
        catch (IOException error)
        {
            Console.Error.WriteLine($"Mesh.Demo: --port: cannot listen on 127.0.0.1:{serve.Port}: {error.Message}");
            return 1;
        }

        await using var running = app;
        Console.WriteLine($"Mesh.Demo: {serve.Service.Name} {serve.Service.Version} serving on 127.0.0.1:{serve.Port}, calling through {serve.Outbound}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        // Lets calls in flight finish before the process ends.
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<int> SetupAsync(SetupCommand setup, Func<string, string?> environment, ILogger logger, CancellationToken stop)
    {
        if (ApiToken(environment) is not { } apiToken)
            return 2;
        var policies = new DemoPolicies(setup.Console, apiToken, logger);
        // One try every two seconds: a console that is still starting answers within the wait.
        if (!await policies.WaitForConsoleAsync(Math.Max(1, setup.WaitSeconds / 2), TimeSpan.FromSeconds(2), stop))
        {
            Console.Error.WriteLine($"Mesh.Demo: the console at {setup.Console} did not answer /healthz within {setup.WaitSeconds} s");
            return 1;
        }

        if (!await policies.DeclareAsync(stop))
        {
            Console.Error.WriteLine("Mesh.Demo: some of the demo's services or policies could not be written (see the warnings above)");
            return 1;
        }

        Console.WriteLine($"Mesh.Demo: the demo's services and policies are in place at {setup.Console}");
        return 0;
    }

    private static async Task<int> TrafficAsync(TrafficCommand traffic, ILogger logger, CancellationToken stop)
    {
        Console.WriteLine($"Mesh.Demo: {traffic.Rate} requests/s into the {DemoTraffic.EntryService} through {traffic.Target}");
        await new DemoTraffic(traffic.Target, logger).SendAsync(traffic.Rate, stop);
        return 0;
    }

    private static async Task<int> WholeMeshAsync(WholeMeshCommand whole, Func<string, string?> environment, ILogger logger, CancellationToken stop)
    {
        if (ApiToken(environment) is not { } apiToken)
            return 2;
        var joinToken = environment("MESH_JOIN_TOKEN");
        if (string.IsNullOrEmpty(joinToken))
        {
            Console.Error.WriteLine("Mesh.Demo: MESH_JOIN_TOKEN is not set: the demo's sidecars join the mesh with a join token (mjt_...) the console knows.");
            return 2;
        }

        await using var demo = new DemoMesh(whole.Console, whole.ControlPlane, whole.Otlp, apiToken, joinToken, logger);
        await demo.StartAsync(stop);
        Console.WriteLine($"Demo mesh running: {ShopService.Shop.Count} shop instances with sidecars, {whole.Rate} requests/s into the frontend. Ctrl-C stops it.");
        await demo.SendTrafficAsync(whole.Rate, stop);
        return 0;
    }

    private static string? ApiToken(Func<string, string?> environment)
    {
        var apiToken = environment("MESH_API_TOKEN");
        if (!string.IsNullOrEmpty(apiToken))
            return apiToken;
        Console.Error.WriteLine("Mesh.Demo: MESH_API_TOKEN is not set: the demo writes its policies through the console's REST API, which needs an admin's API token (mat_...).");
        return null;
    }
}
