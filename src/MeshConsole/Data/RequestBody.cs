using System.Text;
using Microsoft.Net.Http.Headers;

namespace MeshConsole.Data;

/// <summary>Reads a JSON request body as text, refusing other media types and oversized bodies.</summary>
internal static class RequestBody
{
    /// <summary>A policy document is small; anything larger is a mistake or an attack.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<(string? Text, IResult? Refusal)> ReadJsonAsync(HttpRequest request, CancellationToken ct, int maxBytes = MaxBytes)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, Results.Problem(
                $"Content-Type must be application/json, was '{request.ContentType ?? "(none)"}'",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }

        if (request.ContentLength > maxBytes)
            return (null, TooLarge(maxBytes));

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return (null, TooLarge(maxBytes));
            buffer.Write(chunk, 0, read);
        }

        return (Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
    }

    private static IResult TooLarge(int maxBytes) => Results.Problem(
        $"the body is larger than {maxBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
}
