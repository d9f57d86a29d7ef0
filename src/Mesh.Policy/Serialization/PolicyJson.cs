using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mesh.Policy.Access;
using Mesh.Policy.Resilience;

namespace Mesh.Policy.Serialization;

/// <summary>The one JSON shape of every policy: in REST bodies, in the store and in revisions.</summary>
public static class PolicyJson
{
    /// <summary>Strict options: unknown fields, duplicate keys, nulls in non-null fields and comments are refused.</summary>
    public static JsonSerializerOptions Options { get; } = Create(writeIndented: false);

    /// <summary>The same shape, indented: for diffs and for people.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(writeIndented: true);

    private static JsonSerializerOptions Create(bool writeIndented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = writeIndented,
            // "Rules" is not "rules": a document has one spelling, the one it is read back with.
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Policies are shown in the console and diffed as text: keep '<', '>', '&' and non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = 32,
            // Empty lists and maps mean "none" and read back as empty: leaving them out keeps stored
            // documents and their diffs to what the operator actually set.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyCollections, SortMapKeys } },
        };
        options.Converters.Add(new OffsetDateTimeConverter());
        options.Converters.Add(new KebabCaseEnumConverter<AccessAction>());
        options.Converters.Add(new KebabCaseEnumConverter<MtlsMode>());
        options.Converters.Add(new KebabCaseEnumConverter<RetryOn>());
        options.Converters.Add(new KebabCaseEnumConverter<RateLimitScope>());
        options.Converters.Add(new KebabCaseEnumConverter<LoadBalancerKind>());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Maps (labels, header conditions) are written in ordinal key order, so one document always has
    /// one text, however it was written and whatever order Postgres jsonb gave its keys back in.
    /// </summary>
    private static void SortMapKeys(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.Get is not { } get || !property.PropertyType.IsGenericType
                || property.PropertyType.GetGenericTypeDefinition() != typeof(IReadOnlyDictionary<,>)
                || property.PropertyType.GetGenericArguments()[0] != typeof(string))
            {
                continue;
            }

            var sort = typeof(PolicyJson).GetMethod(nameof(Sorted), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(property.PropertyType.GetGenericArguments()[1])
                .CreateDelegate<Func<object?, object?>>();
            property.Get = owner => sort(get(owner));
        }
    }

    private static object? Sorted<TValue>(object? map) =>
        map is IReadOnlyDictionary<string, TValue> { Count: > 1 } dictionary
            ? new SortedDictionary<string, TValue>(dictionary.ToDictionary(), StringComparer.Ordinal)
            : map;

    private static void OmitEmptyCollections(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType))
                property.ShouldSerialize = (_, value) => value is not System.Collections.ICollection { Count: 0 };
        }
    }
}
