using Mesh.Policy.Validation;

namespace MeshConsole.Accounts;

/// <summary>How an operation on users or tokens ended.</summary>
public enum AccountOutcome
{
    Done,
    Invalid,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>An outcome with the fields and reasons of a refusal.</summary>
public sealed record AccountResult(AccountOutcome Outcome, IReadOnlyList<ValidationError> Errors)
{
    public static AccountResult Done { get; } = new(AccountOutcome.Done, []);

    public bool Succeeded => Outcome == AccountOutcome.Done;

    public static AccountResult Invalid(IReadOnlyList<ValidationError> errors) => new(AccountOutcome.Invalid, errors);

    public static AccountResult Refused(AccountOutcome outcome, string field, string reason) => new(outcome, [new ValidationError(field, reason)]);

    public override string ToString() => string.Join("; ", Errors);
}

/// <summary>A user as the console shows it.</summary>
public sealed record UserView(string UserName, string Role, DateTimeOffset? LockedOutUntil);

/// <summary>An API token as the console shows it; never its value.</summary>
public sealed record ApiTokenView(
    long Id, string Name, string Owner, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, string State);

/// <summary>A token just made: the only time its value is seen.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Value);

/// <summary>What a new API token should be; every field is checked and named when wrong.</summary>
public sealed record ApiTokenRequest
{
    public string? Name { get; init; }

    public string? Role { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A new user: name, role and first password.</summary>
public sealed record UserRequest
{
    public string? UserName { get; init; }

    public string? Role { get; init; }

    public string? Password { get; init; }
}
