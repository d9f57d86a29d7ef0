using System.CommandLine;
using System.Globalization;
using MeshCtl.Connection;

namespace MeshCtl.Commands;

/// <summary><c>meshctl login</c> checks a token against the console, says who it acts as, and saves both; <c>logout</c> forgets them.</summary>
public static class LoginCommands
{
    public static Command Login(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        return define.Command("login", "Check --server and --token against the console and save them for later commands.", async (run, ct) =>
        {
            // Only what is given now is saved: an older saved login never fills a gap here.
            var target = Target.Resolve(run.Value(define.Globals.Server), run.Value(define.Globals.Token), run.Shell.Variable, saved: null);
            using var api = new MeshApi(target);
            // Any token may ask who it is; the answer names the role it really acts with (never above its owner's).
            var me = await api.GetAsync("api/whoami", ct).ConfigureAwait(false);
            var file = run.LoginFile;
            file.Save(new SavedLogin(target.Server.ToString().TrimEnd('/'), target.Token));
            var expires = me["expiresAt"]?.GetValue<DateTimeOffset>().ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            await run.Out.WriteLineAsync(
                $"Logged in to {target.Server.ToString().TrimEnd('/')} as {me["name"]} ({me["role"]}; owned by {me["owner"]}, expires {expires}).").ConfigureAwait(false);
            await run.Out.WriteLineAsync($"Saved to {file.Path} (readable by you only).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
    }

    public static Command Logout(CommandFactory define)
    {
        ArgumentNullException.ThrowIfNull(define);
        return define.Command("logout", "Forget the saved server and token.", async (run, _) =>
        {
            var file = run.LoginFile;
            await run.Out.WriteLineAsync(file.Remove() ? $"Removed {file.Path}." : $"Not logged in ({file.Path} does not exist).").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
    }
}
