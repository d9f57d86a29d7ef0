using Mesh.Policy.Documents;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mesh.Store.Configurations;

/// <summary>Stores a kind as its lower-case word, the same one URLs and filters use.</summary>
internal sealed class KindConverter() : ValueConverter<ConfigKind, string>(
    kind => kind.Name(),
    name => Parse(name))
{
    public static KindConverter Instance { get; } = new();

    private static ConfigKind Parse(string name) =>
        ConfigKinds.TryParse(name, out var kind) ? kind : throw new InvalidOperationException($"unknown config kind '{name}' in the store");
}
