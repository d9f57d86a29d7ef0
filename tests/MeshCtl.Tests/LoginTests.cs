using Mesh.Testing;

namespace MeshCtl.Tests;

/// <summary>login checks the token against a real console and saves it; later commands use it; logout forgets it.</summary>
public sealed class LoginTests(ConsoleFixture mesh) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Login_GoodToken_SavesServerAndTokenReadableByOwnerOnly()
    {
        using var ctl = new Ctl();

        var result = await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"Logged in to {mesh.Server} as token:bootstrap (admin; owned by admin, expires ", result.Out, StringComparison.Ordinal);
        var saved = await File.ReadAllTextAsync(ctl.LoginPath);
        Assert.Contains(TestAccounts.ApiToken, saved, StringComparison.Ordinal);
        Assert.Contains(mesh.Server, saved, StringComparison.Ordinal);
        AssertOwnerOnly(ctl.LoginPath);

        // A later command finds the console and the token in the saved login alone.
        var sidecars = await ctl.RunAsync("sidecars");
        Assert.True(sidecars.Exit == 0, sidecars.ToString());
    }

    [Fact]
    public async Task Login_XdgConfigHomeAndMeshctlConfig_DecideWhereItSaves()
    {
        using var ctl = new Ctl();
        var xdg = Path.Combine(ctl.Home, "xdg");
        ctl.Set("XDG_CONFIG_HOME", xdg);

        Assert.Equal(0, (await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken)).Exit);
        Assert.True(File.Exists(Path.Combine(xdg, "meshctl", "config.json")));

        var explicitPath = Path.Combine(ctl.Home, "elsewhere", "meshctl.json");
        ctl.Set("MESHCTL_CONFIG", explicitPath);
        Assert.Equal(0, (await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken)).Exit);
        AssertOwnerOnly(explicitPath);
    }

    [Fact]
    public async Task Login_OverAFileOthersCouldRead_LeavesItOwnerOnly()
    {
        using var ctl = new Ctl();
        Directory.CreateDirectory(Path.GetDirectoryName(ctl.LoginPath)!);
        await File.WriteAllTextAsync(ctl.LoginPath, "{}");
        await File.WriteAllTextAsync(ctl.LoginPath + ".tmp", "left over");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ctl.LoginPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(ctl.LoginPath + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        }

        var result = await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.False(File.Exists(ctl.LoginPath + ".tmp"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ctl.LoginPath));
        Assert.Contains(TestAccounts.ApiToken, await File.ReadAllTextAsync(ctl.LoginPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RefusedToken_Exit5AndSavesNothing()
    {
        using var ctl = new Ctl();

        var result = await ctl.RunAsync("login", "--server", mesh.Server, "--token", "mat_NotATokenOfThisMeshNotATokenOfThisMeshNot");

        Assert.True(result.Exit == 5, result.ToString());
        Assert.Contains("(401)", result.Error, StringComparison.Ordinal);
        Assert.Contains("the token came from --token", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(ctl.LoginPath));
    }

    [Fact]
    public async Task Login_WithoutToken_UsageError()
    {
        using var ctl = new Ctl();

        var result = await ctl.RunAsync("login", "--server", mesh.Server);

        Assert.Equal(2, result.Exit);
        Assert.Contains("no token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlagOverEnvironmentOverSavedLogin()
    {
        using var ctl = new Ctl();
        Assert.Equal(0, (await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken)).Exit);

        ctl.Set("MESHCTL_TOKEN", "mat_WrongWrongWrongWrongWrongWrongWrongWrongWro");
        var fromEnvironment = await ctl.RunAsync("sidecars");
        Assert.Equal(5, fromEnvironment.Exit);
        Assert.Contains("the token came from MESHCTL_TOKEN", fromEnvironment.Error, StringComparison.Ordinal);

        var fromFlag = await ctl.RunAsync("sidecars", "--token", TestAccounts.ApiToken);
        Assert.Equal(0, fromFlag.Exit);
    }

    [Fact]
    public async Task Logout_RemovesTheSavedLogin()
    {
        using var ctl = new Ctl();
        Assert.Equal(0, (await ctl.RunAsync("login", "--server", mesh.Server, "--token", TestAccounts.ApiToken)).Exit);

        var result = await ctl.RunAsync("logout");

        Assert.Equal(0, result.Exit);
        Assert.False(File.Exists(ctl.LoginPath));
        Assert.Equal(2, (await ctl.RunAsync("sidecars")).Exit);
        Assert.Contains("Not logged in", (await ctl.RunAsync("logout")).Out, StringComparison.Ordinal);
    }

    private static void AssertOwnerOnly(string path)
    {
        Assert.True(File.Exists(path), path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }
}
