namespace Vigie.Features.Identity;

/// <summary>Sign-in protections (<c>Vigie:Accounts</c>): lockout, per-client rate limit, session lifetime.</summary>
public sealed class AccountOptions
{
    public const string Section = "Vigie:Accounts";

    /// <summary>Failed attempts (password or code) after which an account is locked.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in form posts (password, code, enrolment) allowed per client address and window.</summary>
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A session unused for this long is over (the cookie slides by the same amount).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(10);
}
