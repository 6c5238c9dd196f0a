namespace Vigie.Core.Tests.Domain;

public class FieldErrorsTests
{
    [Fact]
    public void Empty_collector_yields_no_error()
    {
        var errors = new FieldErrors();
        Assert.True(errors.IsEmpty);
        Assert.Null(errors.ToError());
    }

    [Fact]
    public void Collects_messages_per_field_in_order_into_one_validation_error()
    {
        var errors = new FieldErrors();
        errors.Add("title", "A title is required.");
        errors.Add("reason", "Too long.");
        errors.Add("title", "Second message.");

        Assert.False(errors.IsEmpty);
        var error = errors.ToError();
        Assert.NotNull(error);
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("validation", error.Code);
        Assert.Equal("One or more fields are invalid.", error.Message);
        Assert.NotNull(error.Fields);
        Assert.Equal(["reason", "title"], error.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["A title is required.", "Second message."], error.Fields["title"]);
        Assert.Equal(["Too long."], error.Fields["reason"]);
    }

    [Fact]
    public void Merges_the_fields_of_another_error_and_ignores_errors_without_fields()
    {
        var errors = new FieldErrors();
        errors.Add((Error?)null);
        errors.Add(Error.NotFound("The task"));
        errors.Add(Error.Conflict("x", "y"));
        Assert.True(errors.IsEmpty);

        errors.Add("title", "first");
        errors.Add(Error.Validation(new Dictionary<string, string[]> { ["title"] = ["second"], ["pap"] = ["bad", "worse"] }));

        var fields = errors.ToError()!.Fields!;
        Assert.Equal(["first", "second"], fields["title"]);
        Assert.Equal(["bad", "worse"], fields["pap"]);
        Assert.Equal(2, fields.Count);
    }

    [Fact]
    public void Field_names_are_case_sensitive()
    {
        var errors = new FieldErrors();
        errors.Add("Title", "a");
        errors.Add("title", "b");
        Assert.Equal(2, errors.ToError()!.Fields!.Count);
    }
}

public class ErrorTests
{
    [Fact]
    public void Validation_of_one_field_carries_the_message_on_that_field()
    {
        var error = Error.Validation("reason", "A reason is needed.");
        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("validation", error.Code);
        Assert.Equal("A reason is needed.", error.Message);
        Assert.Equal(["reason"], error.Fields!.Keys);
        Assert.Equal(["A reason is needed."], error.Fields["reason"]);
        Assert.Null(error.Extensions);
    }

    [Fact]
    public void Not_found_and_conflict_have_their_kind_code_and_message()
    {
        var notFound = Error.NotFound("The task");
        Assert.Equal(ErrorKind.NotFound, notFound.Kind);
        Assert.Equal("not-found", notFound.Code);
        Assert.Equal("The task was not found.", notFound.Message);
        Assert.Null(notFound.Fields);

        var conflict = Error.Conflict("duplicate-scope", "Already there.");
        Assert.Equal(ErrorKind.Conflict, conflict.Kind);
        Assert.Equal("duplicate-scope", conflict.Code);
        Assert.Equal("Already there.", conflict.Message);
        Assert.Null(conflict.Fields);
    }

    [Fact]
    public void Extensions_are_set_with_a_with_expression_without_touching_the_original()
    {
        var conflict = Error.Conflict("c", "m");
        var extended = conflict with { Extensions = new Dictionary<string, object?> { ["state"] = "new" } };
        Assert.Null(conflict.Extensions);
        Assert.Equal("new", extended.Extensions!["state"]);
        Assert.Equal(conflict.Code, extended.Code);
    }
}

public class ResultTests
{
    [Fact]
    public void Ok_holds_the_value_and_no_error()
    {
        var ok = Result<int>.Ok(42);
        Assert.True(ok.IsSuccess);
        Assert.Equal(42, ok.Value);
        Assert.Null(ok.Error);
    }

    [Fact]
    public void Fail_holds_the_error_and_the_default_value()
    {
        var error = Error.NotFound("The incident");
        var fail = Result<string>.Fail(error);
        Assert.False(fail.IsSuccess);
        Assert.Same(error, fail.Error);
        Assert.Null(fail.Value);
    }

    [Fact]
    public void Implicit_conversions_pick_the_right_side()
    {
        Result<string> fromValue = "abc";
        Result<string> fromError = Error.Conflict("c", "m");
        Assert.True(fromValue.IsSuccess);
        Assert.Equal("abc", fromValue.Value);
        Assert.False(fromError.IsSuccess);
        Assert.Equal("c", fromError.Error!.Code);
    }
}

public class EmailAddressTests
{
    [Theory]
    [InlineData("jane.doe@example.org", "jane.doe@example.org")]
    [InlineData("Jane.Doe@Example.ORG", "jane.doe@example.org")]
    [InlineData("  CERT@Example.fr\t", "cert@example.fr")]
    [InlineData("abuse+tag@sub.example.com", "abuse+tag@sub.example.com")]
    [InlineData("jane@bücher.example", "jane@xn--bcher-kva.example")]
    public void Normalizes_to_lower_case(string text, string expected)
    {
        Assert.True(EmailAddress.TryNormalize(text, out var normalized, out var error), error);
        Assert.Null(error);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("Jane <j@x.org>")]
    [InlineData("\"Jane\" <j@x.org>")]
    [InlineData("<j@x.org>")]
    [InlineData("jane.example.org")]
    [InlineData("@example.org")]
    [InlineData("jane@")]
    [InlineData("jane@-bad.org")]
    [InlineData("jane@exa mple.org")]
    [InlineData("jane@example..org")]
    [InlineData("jane@192.0.2.1")]
    [InlineData("a@b@c.org")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Rejects_what_is_not_a_bare_address(string? text)
    {
        Assert.False(EmailAddress.TryNormalize(text, out var normalized, out var error));
        Assert.Equal("", normalized);
        Assert.NotNull(error);
        Assert.StartsWith($"'{text}' is not a valid e-mail address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_address_longer_than_254_characters()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".org"; // 187 chars
        var ok = $"{local}@{domain}";
        Assert.True(ok.Length <= 254);
        Assert.True(EmailAddress.TryNormalize(ok, out _, out _));

        var tooLong = $"{local}@{new string('c', 10)}.{domain}";
        Assert.True(tooLong.Length > 254);
        Assert.False(EmailAddress.TryNormalize(tooLong, out _, out _));
    }
}
