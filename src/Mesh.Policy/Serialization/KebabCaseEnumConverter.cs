using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Policy.Serialization;

/// <summary>
/// Writes enum members as kebab-case words (<c>round-robin</c>), or the name a
/// <see cref="JsonStringEnumMemberNameAttribute"/> gives, and reads only those words, so a wrong value
/// is told which words are allowed.
/// </summary>
internal sealed class KebabCaseEnumConverter<T> : JsonConverter<T>
    where T : struct, Enum
{
    private readonly Dictionary<string, T> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<T, string> _byValue = [];

    public KebabCaseEnumConverter()
    {
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (T)field.GetValue(null)!;
            var name = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? JsonNamingPolicy.KebabCaseLower.ConvertName(field.Name);
            _byName[name] = value;
            _byValue[value] = name;
        }
    }

    public IEnumerable<string> Names => _byName.Keys;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"must be one of {string.Join(", ", Names)}");
        var text = reader.GetString()!;
        return _byName.TryGetValue(text, out var value)
            ? value
            : throw new JsonException($"\"{text}\" is not one of {string.Join(", ", Names)}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(_byValue[value]);
}
