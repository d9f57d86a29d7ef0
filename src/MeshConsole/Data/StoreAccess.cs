using Mesh.Store;

namespace MeshConsole.Data;

/// <summary>
/// Gives Blazor components a store for one operation at a time. A circuit lives for hours; a
/// DbContext held that long would hand out stale tracked entities, so each call gets its own scope.
/// </summary>
public sealed class StoreAccess(IServiceScopeFactory scopes)
{
    public async Task<T> ReadAsync<T>(Func<ConfigStore, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var scope = scopes.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ConfigStore>()).ConfigureAwait(false);
    }
}
