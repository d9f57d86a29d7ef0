using System.Security.Claims;
using System.Text.Json;
using Mesh.Policy.Validation;
using Mesh.Store.Accounts;
using MeshConsole.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MeshConsole.Accounts;

/// <summary>Sign-out, and the REST twins of the Users and API tokens pages for scripts.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post with the antiforgery token (the [FromForm] parameter makes it required).
        app.MapPost("/account/logout", async (SignInManager<ConsoleUser> signIn, [FromForm] string? returnUrl) =>
            {
                await signIn.SignOutAsync();
                return Results.LocalRedirect("/account/login");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        app.MapGet("/api/whoami", (ClaimsPrincipal caller) => WhoAmI.Of(caller))
            .RequireAuthorization(MeshPolicies.Viewer)
            .WithTags("Users")
            .WithSummary("The API token making the call: its actor name, the role it acts with, its owner and its expiry.");

        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(MeshPolicies.Admin);
        users.MapGet("/", (UserAdministration admin, CancellationToken ct) => admin.ListAsync(ct))
            .WithSummary("Every console user with their role and lockout.");
        users.MapPost("/", async (HttpRequest http, ClaimsPrincipal caller, UserAdministration admin) =>
            {
                var (request, error) = await ReadAsync<UserRequest>(http);
                return request is null
                    ? Malformed<UserRequest>(error)
                    : Answer(await admin.CreateAsync(caller, request), () => Results.Created($"/api/users/{request.UserName}", null));
            })
            .Accepts<UserRequest>("application/json")
            .WithSummary("Creates a user: userName, role (viewer, operator, admin) and a password of at least 12 characters.");
        users.MapPut("/{userName}/role", async (string userName, HttpRequest http, ClaimsPrincipal caller, UserAdministration admin) =>
            {
                var (body, error) = await ReadAsync<RoleChange>(http);
                return body is null ? Malformed<RoleChange>(error) : Answer(await admin.SetRoleAsync(caller, userName, body.Role));
            })
            .Accepts<RoleChange>("application/json")
            .WithSummary("Changes a user's role; the last admin keeps theirs.");
        users.MapPut("/{userName}/password", async (string userName, HttpRequest http, ClaimsPrincipal caller, UserAdministration admin) =>
            {
                var (body, error) = await ReadAsync<PasswordReset>(http);
                return body is null ? Malformed<PasswordReset>(error) : Answer(await admin.ResetPasswordAsync(caller, userName, body.Password));
            })
            .Accepts<PasswordReset>("application/json")
            .WithSummary("Sets a new password for a user.");
        users.MapPost("/{userName}/unlock", async (string userName, ClaimsPrincipal caller, UserAdministration admin) =>
                Answer(await admin.UnlockAsync(caller, userName)))
            .WithSummary("Ends a user's lockout after failed sign-ins.");
        users.MapDelete("/{userName}", async (string userName, ClaimsPrincipal caller, UserAdministration admin) =>
                Answer(await admin.DeleteAsync(caller, userName)))
            .WithSummary("Deletes a user and their API tokens; the last admin stays.");

        var tokens = app.MapGroup("/api/tokens").WithTags("API tokens").RequireAuthorization(MeshPolicies.Viewer);
        tokens.MapGet("/", (ClaimsPrincipal caller, ApiTokenService service, CancellationToken ct) => service.ListAsync(caller, ct))
            .WithSummary("Your API tokens (an admin's list holds everyone's); never their values.");
        tokens.MapPost("/", async (HttpRequest http, ClaimsPrincipal caller, ApiTokenService service, CancellationToken ct) =>
            {
                var (request, error) = await ReadAsync<ApiTokenRequest>(http);
                if (request is null)
                    return Malformed<ApiTokenRequest>(error);
                var (result, created) = await service.CreateAsync(caller, request, ct);
                return Answer(result, () => Results.Created($"/api/tokens/{created!.Token.Id}", created));
            })
            .Accepts<ApiTokenRequest>("application/json")
            .WithSummary("Makes an API token: name, role (at most yours) and expiresAt (at most a year ahead). The value is in this answer only.");
        tokens.MapDelete("/{id:long}", async (long id, ClaimsPrincipal caller, ApiTokenService service, CancellationToken ct) =>
                Answer(await service.RevokeAsync(caller, id, ct)))
            .WithSummary("Revokes one of your API tokens (an admin may revoke any).");
        return app;
    }

    /// <summary>The body as <typeparamref name="T"/>; the JSON path of the first bad field when it does not read.</summary>
    private static async Task<(T? Body, string Error)> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            return (await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted) ?? throw new JsonException("empty body"), "");
        }
        catch (JsonException ex)
        {
            return (null, string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path.TrimStart('$', '.'));
        }
        catch (InvalidOperationException)
        {
            // Not application/json.
            return (null, "$");
        }
    }

    private static IResult Malformed<T>(string? field) => ApiResults.Invalid(
        "Malformed request",
        [new ValidationError(field ?? "$", $"malformed: expected a JSON object with {string.Join(", ", typeof(T).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)))}")],
        malformed: true);

    private static IResult Answer(AccountResult result, Func<IResult>? done = null) => result.Outcome switch
    {
        AccountOutcome.Done => done?.Invoke() ?? Results.NoContent(),
        AccountOutcome.Invalid => ApiResults.Invalid("Invalid request", result.Errors),
        AccountOutcome.NotFound => ApiResults.NotFound(result.ToString()),
        AccountOutcome.Forbidden => Results.Problem(result.ToString(), statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        AccountOutcome.Conflict => Results.Problem(result.ToString(), statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        _ => throw new InvalidOperationException($"unexpected outcome {result.Outcome}"),
    };
}

/// <summary>The body of a role change.</summary>
public sealed record RoleChange(string? Role);

/// <summary>The body of a password reset.</summary>
public sealed record PasswordReset(string? Password);
