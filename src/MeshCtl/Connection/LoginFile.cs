using System.Text.Json;

namespace MeshCtl.Connection;

/// <summary>The server and token <c>meshctl login</c> saved.</summary>
public sealed record SavedLogin(string Server, string Token);

/// <summary>
/// Where <c>meshctl login</c> keeps the server and token: <c>MESHCTL_CONFIG</c>, else
/// <c>$XDG_CONFIG_HOME/meshctl/config.json</c>, else <c>~/.config/meshctl/config.json</c>. The file holds a
/// credential, so it is written readable by its owner only (0600), in a folder only the owner may enter.
/// </summary>
public sealed class LoginFile(string path)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public static LoginFile Locate(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable("MESHCTL_CONFIG") is { Length: > 0 } explicitPath)
            return new LoginFile(System.IO.Path.GetFullPath(explicitPath));
        var configHome = variable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome))
        {
            var home = variable("HOME");
            if (string.IsNullOrEmpty(home))
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            configHome = System.IO.Path.Combine(home, ".config");
        }

        return new LoginFile(System.IO.Path.Combine(configHome, "meshctl", "config.json"));
    }

    /// <summary>The saved login, or null when there is none; a file that is not one is a usage error naming it.</summary>
    public SavedLogin? Read()
    {
        if (!File.Exists(Path))
            return null;
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (IOException ex)
        {
            throw MeshCtlException.Usage($"cannot read the login file {Path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw MeshCtlException.Usage($"cannot read the login file {Path}: {ex.Message}");
        }

        SavedLogin? login;
        try
        {
            login = JsonSerializer.Deserialize<SavedLogin>(text, _json);
        }
        catch (JsonException ex)
        {
            throw MeshCtlException.Usage(
                $"the login file {Path} is not meshctl's: {ex.Message}",
                "run meshctl logout, then meshctl login --server URL --token T");
        }

        if (login is null || string.IsNullOrEmpty(login.Server) || string.IsNullOrEmpty(login.Token))
        {
            throw MeshCtlException.Usage(
                $"the login file {Path} lacks {(string.IsNullOrEmpty(login?.Server) ? "server" : "token")}",
                "run meshctl login --server URL --token T");
        }

        return login;
    }

    public void Save(SavedLogin login)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path, JsonSerializer.Serialize(login, _json));
            return;
        }

        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Written beside the file and renamed over it: a reader never sees half a file, and the token
        // is never readable by others, not even for a moment (the mode is set at creation).
        var temporary = Path + ".tmp";
        // A leftover from an interrupted login keeps its old mode when opened: start from no file.
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(JsonSerializer.Serialize(login, _json));
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Removes the saved login; false when there was none.</summary>
    public bool Remove()
    {
        if (!File.Exists(Path))
            return false;
        File.Delete(Path);
        return true;
    }
}
