namespace Mesh.Deploy.Tests.Lint;

/// <summary>An image reference must say which image: a tag other than <c>latest</c>, or a digest.</summary>
public static class Images
{
    /// <summary>What is wrong with <paramref name="image"/>, or null.</summary>
    public static string? Problem(string? image)
    {
        if (string.IsNullOrWhiteSpace(image))
            return "no image";
        if (image.Contains("@sha256:", StringComparison.Ordinal))
            return null;
        // The tag follows the last colon after the last slash (a registry's port is before it).
        var name = image[(image.LastIndexOf('/') + 1)..];
        var colon = name.LastIndexOf(':');
        if (colon < 0)
            return $"image {image} has no tag: pin one";
        return name[(colon + 1)..] == "latest" ? $"image {image} uses the tag latest: pin a version" : null;
    }
}
