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
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitEmptyCollections } },
        };
        options.Converters.Add(new OffsetDateTimeConverter());
        options.Converters.Add(new KebabCaseEnumConverter<AccessAction>());
        options.Converters.Add(new KebabCaseEnumConverter<RetryOn>());
        options.Converters.Add(new KebabCaseEnumConverter<RateLimitScope>());
        options.Converters.Add(new KebabCaseEnumConverter<LoadBalancerKind>());
        options.MakeReadOnly();
        return options;
    }

    private static void OmitEmptyCollections(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType))
                property.ShouldSerialize = (_, value) => value is not System.Collections.ICollection { Count: 0 };
        }
    }
}
