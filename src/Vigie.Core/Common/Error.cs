namespace Vigie.Core;

/// <summary>How the host should present an expected failure (RFC 9457 status).</summary>
public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>
/// An expected failure, returned as a value rather than thrown (DESIGN.md); the host maps it to
/// problem details in one place. <see cref="Fields"/> carries field-level messages.
/// </summary>
public sealed record Error(ErrorKind Kind, string Code, string Message, IReadOnlyDictionary<string, string[]>? Fields = null)
{
    /// <summary>Extra facts for clients (e.g. the allowed moves of a refused state change).</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static Error Validation(string field, string message) =>
        new(ErrorKind.Validation, "validation", message, new Dictionary<string, string[]> { [field] = [message] });

    public static Error Validation(IReadOnlyDictionary<string, string[]> fields) =>
        new(ErrorKind.Validation, "validation", "One or more fields are invalid.", fields);

    public static Error NotFound(string what) => new(ErrorKind.NotFound, "not-found", $"{what} was not found.");

    public static Error Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
}

/// <summary>Collects field errors, then yields one validation <see cref="Error"/> or none.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public void Add(Error? error)
    {
        if (error?.Fields is null)
        {
            return;
        }
        foreach (var (field, messages) in error.Fields)
        {
            foreach (var m in messages)
            {
                Add(field, m);
            }
        }
    }

    public Error? ToError() => IsEmpty ? null
        : Error.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
