using System.Net;
using Microsoft.Extensions.Options;
using Vigie.Core;

namespace Vigie.Features.Mail;

/// <summary>Wires mail into the host: the SMTP listener, the IMAP poller, the outbound queue and its mailer.</summary>
public static class MailSetup
{
    public static WebApplicationBuilder AddMail(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SmtpListenerOptions>().BindConfiguration(SmtpListenerOptions.Section).ValidateOnStart();
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.Section).ValidateOnStart();
        services.AddOptions<MailRelayOptions>().BindConfiguration(MailRelayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpListenerOptions>, MailOptionsValidator>();
        services.AddSingleton<IValidateOptions<ImapOptions>, MailOptionsValidator>();
        services.AddSingleton<IValidateOptions<MailRelayOptions>, MailOptionsValidator>();

        services.AddSingleton<TeamAddresses>();
        services.AddSingleton<OutboundSignal>();
        services.AddScoped<MailOutbox>();
        // One instance, resolvable by tests (its LocalEndPoint), that is also the hosted service.
        services.AddSingleton<SmtpListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpListener>());
        services.AddHostedService<ImapPoller>();
        services.AddHostedService<OutboundMailer>();
        return builder;
    }
}

/// <summary>Start-up checks of the mail options, each failure naming its key (docs/mail.md).</summary>
internal sealed class MailOptionsValidator :
    IValidateOptions<SmtpListenerOptions>, IValidateOptions<ImapOptions>, IValidateOptions<MailRelayOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpListenerOptions options)
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"Vigie:Smtp:Address: '{options.Address}' is not an IP address.");
        }
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Vigie:Smtp:Port: {options.Port} is not a TCP port (0-65535).");
        }
        if (options.MaxMessageBytes is < 1024 or > int.MaxValue)
        {
            errors.Add($"Vigie:Smtp:MaxMessageBytes: {options.MaxMessageBytes} must be between 1024 and {int.MaxValue}.");
        }
        if (options.MaxRecipients < 1)
        {
            errors.Add("Vigie:Smtp:MaxRecipients must be at least 1.");
        }
        if (options.CertificatePath is { Length: > 0 } cert && !File.Exists(cert))
        {
            errors.Add($"Vigie:Smtp:CertificatePath: file '{cert}' not found.");
        }
        if (options.CertificatePasswordFile is { Length: > 0 } pw && !File.Exists(pw))
        {
            errors.Add($"Vigie:Smtp:CertificatePasswordFile: file '{pw}' not found.");
        }
        for (var i = 0; i < options.ExtraAddresses.Count; i++)
        {
            if (!EmailAddress.TryNormalize(options.ExtraAddresses[i], out _, out var error))
            {
                errors.Add($"Vigie:Smtp:ExtraAddresses:{i}: {error}");
            }
        }
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, ImapOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Mailboxes.Count; i++)
        {
            var m = options.Mailboxes[i];
            var key = $"Vigie:Imap:Mailboxes:{i}";
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                errors.Add($"{key}:Name is required.");
            }
            else if (!names.Add(m.Name))
            {
                errors.Add($"{key}:Name: '{m.Name}' is used by another mailbox.");
            }
            if (string.IsNullOrWhiteSpace(m.Host))
            {
                errors.Add($"{key}:Host is required.");
            }
            if (m.Port is < 1 or > 65535)
            {
                errors.Add($"{key}:Port: {m.Port} is not a TCP port.");
            }
            if (!MailSecurity.TryParse(m.Security, out _) || m.Security.Equals("Auto", StringComparison.OrdinalIgnoreCase)
                || m.Security.Equals("StartTlsWhenAvailable", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:Security: '{m.Security}' must be SslOnConnect, StartTls or None.");
            }
            if (string.IsNullOrWhiteSpace(m.Username))
            {
                errors.Add($"{key}:Username is required.");
            }
            if (string.IsNullOrWhiteSpace(m.PasswordFile) && string.IsNullOrEmpty(m.Password))
            {
                errors.Add($"{key}:PasswordFile (or Password) is required.");
            }
            else if (m.PasswordFile is { Length: > 0 } file && !File.Exists(file))
            {
                errors.Add($"{key}:PasswordFile: file '{file}' not found.");
            }
            if (string.IsNullOrWhiteSpace(m.Folder) || string.IsNullOrWhiteSpace(m.ProcessedFolder))
            {
                errors.Add($"{key}: Folder and ProcessedFolder must not be empty.");
            }
            else if (string.Equals(m.Folder.Trim('/'), m.ProcessedFolder.Trim('/'), StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:ProcessedFolder must differ from Folder.");
            }
            if (!EmailAddress.TryNormalize(m.Address, out _, out var error))
            {
                errors.Add($"{key}:Address (the team address this mailbox serves): {error}");
            }
            if (m.PollSeconds < 1)
            {
                errors.Add($"{key}:PollSeconds must be at least 1.");
            }
        }
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, MailRelayOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Vigie:Mail:Relay:Port: {options.Port} is not a TCP port.");
        }
        if (!MailSecurity.TryParse(options.Security, out _))
        {
            errors.Add($"Vigie:Mail:Relay:Security: '{options.Security}' must be StartTls, SslOnConnect, StartTlsWhenAvailable, Auto or None.");
        }
        if (options.PasswordFile is { Length: > 0 } file && !File.Exists(file))
        {
            errors.Add($"Vigie:Mail:Relay:PasswordFile: file '{file}' not found.");
        }
        if (options.MaxAttempts < 1)
        {
            errors.Add("Vigie:Mail:Relay:MaxAttempts must be at least 1.");
        }
        if (options.FirstRetry <= TimeSpan.Zero || options.MaxRetry < options.FirstRetry)
        {
            errors.Add("Vigie:Mail:Relay:FirstRetry must be positive and not above MaxRetry.");
        }
        return Result(errors);
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
