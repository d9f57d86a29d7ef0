using System.Text;
using Microsoft.JSInterop;

namespace MeshConsole.Components;

/// <summary>
/// Hands a file the circuit made to the browser as a download. The REST API takes bearer tokens only,
/// so a page cannot link to it with its cookie; it streams the same bytes over the circuit instead.
/// </summary>
public sealed class FileDownload(IJSRuntime js)
{
    public async Task SaveAsync(string fileName, string contentType, string text)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        using var reference = new DotNetStreamReference(stream);
        await js.InvokeVoidAsync("meshConsole.download", fileName, contentType, reference).ConfigureAwait(false);
    }
}
