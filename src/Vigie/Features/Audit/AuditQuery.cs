using System.Globalization;
using Microsoft.Extensions.Localization;
using Vigie.Core;
using Vigie.Web;

namespace Vigie.Features.Audit;

/// <summary>The auditor's filters, shared by the page, the API and the CSV export.</summary>
/// <remarks>From: Inclusive instant.</remarks>
/// <remarks>To: Exclusive instant (a date means the end of that day in the team's time zone).</remarks>
/// <remarks>Before: Keyset paging: entries with a smaller sequence number (newest first).</remarks>
public sealed record AuditFilter(string? Actor, string? Action, string? ObjectKind, string? ObjectId, DateTimeOffset? From, DateTimeOffset? To,
    long? Before, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>
    /// Reads the filters as typed. Dates are <c>yyyy-MM-dd</c> (a day of the team's time zone) or an
    /// ISO 8601 instant. Errors name the field, in the reader's language.
    /// </summary>
    public static Result<AuditFilter> Parse(string? actor, string? action, string? objectKind, string? objectId, string? from, string? to,
        long? before, int? limit, TeamTime clock, IStringLocalizer<AuditText> text)
    {
        var errors = new FieldErrors();
        var a = Trim(action)?.ToLowerInvariant();
        if (a is not null && !AuditActions.All.Contains(a))
        {
            errors.Add("action", text["Filter.BadAction", a, string.Join(", ", AuditActions.All)]);
        }
        var start = ParseInstant(from, clock, endOfDay: false);
        if (start is null && Trim(from) is not null)
        {
            errors.Add("from", text["Filter.BadDate", "from", from!]);
        }
        var end = ParseInstant(to, clock, endOfDay: true);
        if (end is null && Trim(to) is not null)
        {
            errors.Add("to", text["Filter.BadDate", "to", to!]);
        }
        if (start is { } s && end is { } e && e <= s)
        {
            errors.Add("to", text["Filter.ToBeforeFrom"]);
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", text["Filter.BadLimit", MaxLimit]);
        }
        if (before is < 1)
        {
            errors.Add("before", text["Filter.BadBefore"]);
        }
        if (errors.ToError() is { } error)
        {
            return error;
        }
        return new AuditFilter(Trim(actor)?.ToLowerInvariant(), a, Trim(objectKind)?.ToLowerInvariant(), Trim(objectId), start, end, before,
            limit ?? DefaultLimit);
    }

    public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
    {
        if (Actor is { } actor)
        {
            entries = entries.Where(e => e.Actor.Contains(actor));
        }
        if (Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }
        if (ObjectKind is { } kind)
        {
            entries = entries.Where(e => e.ObjectKind == kind);
        }
        if (ObjectId is { } id)
        {
            entries = entries.Where(e => e.ObjectId == id);
        }
        if (From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }
        if (Before is { } before)
        {
            entries = entries.Where(e => e.Sequence < before);
        }
        return entries.OrderByDescending(e => e.Sequence);
    }

    /// <summary>The same filters as a query string (for the next page and the CSV link).</summary>
    public static string QueryString(IEnumerable<(string Key, string? Value)> values) =>
        string.Join('&', values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => v.Key + "=" + Uri.EscapeDataString(v.Value!)));

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? ParseInstant(string? value, TeamTime clock, bool endOfDay)
    {
        if (Trim(value) is not { } v)
        {
            return null;
        }
        if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var local = day.ToDateTime(TimeOnly.MinValue).AddDays(endOfDay ? 1 : 0);
            return new DateTimeOffset(local, clock.Zone.GetUtcOffset(local)).ToUniversalTime();
        }
        return v.Contains('T', StringComparison.Ordinal) && (v.EndsWith('Z') || v.Contains('+', StringComparison.Ordinal) || v.LastIndexOf('-') > 10)
            && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
                ? instant.ToUniversalTime()
                : null;
    }
}

/// <summary>One entry as the API and the CSV show it.</summary>
public sealed record AuditEntryDto(long Sequence, DateTimeOffset At, Guid? ActorId, string Actor, string? ClientIp, string Action, string? ObjectKind,
    string? ObjectId, string Outcome, string? Detail, string PrevHash, string Hash)
{
    public static AuditEntryDto Of(AuditEntry e) =>
        new(e.Sequence, e.At, e.ActorId, e.Actor, e.ClientIp, e.Action, e.ObjectKind, e.ObjectId, e.Outcome, e.Detail, e.PrevHash, e.Hash);
}

public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, long? Next);
