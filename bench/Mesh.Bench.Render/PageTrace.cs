using System.Text.Json;

namespace Mesh.Bench.Render;

/// <summary>A timestamped reading of the page's own clock (ms since its navigation started).</summary>
internal readonly record struct Mark(double At, double Value);

/// <summary>A change of the diagram's zoom and pan: when the DOM took it, and when the frame showing it was painted.</summary>
internal sealed record TransformChange(double At, string Style, double? PaintedAt);

/// <summary>What probe.js recorded in the page (window.__bench), read back in one go.</summary>
internal sealed class PageTrace
{
    public required IReadOnlyList<Mark> FramesIn { get; init; }

    public required IReadOnlyList<Mark> FramesOut { get; init; }

    public required IReadOnlyList<Mark> Mutations { get; init; }

    public required IReadOnlyList<TransformChange> Transforms { get; init; }

    /// <summary>Every 500 ms: how many service nodes (Value) and links (Links) the DOM held.</summary>
    public required IReadOnlyList<(double At, int Nodes, int Links)> Samples { get; init; }

    /// <summary>Long tasks: start (At) and duration (Value).</summary>
    public required IReadOnlyList<Mark> LongTasks { get; init; }

    /// <summary>Gaps over 50 ms between animation frames: end (At) and length (Value).</summary>
    public required IReadOnlyList<Mark> FrameGaps { get; init; }

    /// <summary>Pointerdown and wheel events: when the browser took them, and the service node hit, if any.</summary>
    public required IReadOnlyList<(double At, string Type, string? Service)> Input { get; init; }

    public double? LoadPaintedAt { get; init; }

    public double? FullAt { get; init; }

    public double? FullPaintedAt { get; init; }

    public double? DetailsAt { get; init; }

    public double? DetailsPaintedAt { get; init; }

    public const string Script = """
        () => {
          const b = window.__bench;
          return JSON.stringify({
            wsIn: b.wsIn, wsOut: b.wsOut, mutations: b.mutations, transforms: b.transforms, samples: b.samples,
            longTasks: b.longTasks, frameGaps: b.frameGaps, input: b.input, loadPaintedAt: b.loadPaintedAt,
            fullAt: b.fullAt, fullPaintedAt: b.fullPaintedAt, detailsAt: b.detailsAt, detailsPaintedAt: b.detailsPaintedAt,
          });
        }
        """;

    public static PageTrace Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new PageTrace
        {
            FramesIn = Marks(root, "wsIn"),
            FramesOut = Marks(root, "wsOut"),
            Mutations = Marks(root, "mutations"),
            Transforms = [.. root.GetProperty("transforms").EnumerateArray().Select(e => new TransformChange(
                e[0].GetDouble(), e[1].GetString() ?? "", e[2].ValueKind == JsonValueKind.Number ? e[2].GetDouble() : null))],
            Samples = [.. root.GetProperty("samples").EnumerateArray().Select(e => (e[0].GetDouble(), e[1].GetInt32(), e[2].GetInt32()))],
            LongTasks = Marks(root, "longTasks"),
            FrameGaps = Marks(root, "frameGaps"),
            Input = [.. root.GetProperty("input").EnumerateArray().Select(e => (e[0].GetDouble(), e[1].GetString() ?? "", e[2].GetString()))],
            LoadPaintedAt = Time(root, "loadPaintedAt"),
            FullAt = Time(root, "fullAt"),
            FullPaintedAt = Time(root, "fullPaintedAt"),
            DetailsAt = Time(root, "detailsAt"),
            DetailsPaintedAt = Time(root, "detailsPaintedAt"),
        };
    }

    /// <summary>Main-thread time in long tasks that started in [from, to).</summary>
    public IEnumerable<Mark> LongTasksIn(double from, double to) => LongTasks.Where(t => t.At >= from && t.At < to);

    private static List<Mark> Marks(JsonElement root, string name) =>
        [.. root.GetProperty(name).EnumerateArray().Select(e => new Mark(e[0].GetDouble(), e[1].GetDouble()))];

    private static double? Time(JsonElement root, string name) =>
        root.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : null;
}
