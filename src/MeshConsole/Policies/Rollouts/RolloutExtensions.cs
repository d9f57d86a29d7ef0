namespace MeshConsole.Policies.Rollouts;

internal static class RolloutExtensions
{
    public static WebApplicationBuilder AddRollouts(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RolloutManager>();
        builder.Services.AddHostedService<RolloutRunner>();
        return builder;
    }
}
