using CsCheck;
using Vigie.Core.Intake;

namespace Vigie.Core.Tests.Intake;

public class AutoReplyPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    // An ordinary report from a person: answered. Each test changes one thing.
    private static readonly AutoReplyInput Person = new(
        Sender: "Jane.Doe@Example.org",
        EnvelopeFrom: "jane.doe@example.org",
        AutoSubmitted: null,
        Precedence: null,
        HasListHeaders: false,
        XAutoResponseSuppress: null,
        IsDeliveryReport: false,
        OwnAddresses: ["cert@csirt.example", "contact@csirt.example"],
        LastAutoReplyToSender: null,
        Now: Now,
        Window: AutoReplyPolicy.DefaultWindow);

    private static void AssertNotSent(AutoReplyInput input, string because)
    {
        var decision = AutoReplyPolicy.Decide(input);
        Assert.False(decision.Send, decision.Reason);
        Assert.StartsWith("Not answered: ", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(because, decision.Reason, StringComparison.Ordinal);
        Assert.EndsWith(".", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Answers_a_person_once_and_says_so()
    {
        var decision = AutoReplyPolicy.Decide(Person);
        Assert.True(decision.Send);
        Assert.Equal("Answered: no rule forbids an automatic answer to jane.doe@example.org, and it is the first one.", decision.Reason);
        Assert.Equal(TimeSpan.FromHours(24), AutoReplyPolicy.DefaultWindow);
    }

    [Theory]
    [InlineData(null, "has no sender address")]
    [InlineData("", "has no sender address")]
    [InlineData("   ", "has no sender address")]
    [InlineData("not an address", "'not an address' is not a valid e-mail address")]
    [InlineData("jane@", "is not a valid e-mail address")]
    [InlineData("Jane <jane@example.org>", "is not a valid e-mail address")] // a bare address is expected
    [InlineData("jane@example.org\r\nBcc: x@example.org", "is not a valid e-mail address")]
    public void Does_not_answer_without_a_valid_sender(string? sender, string because) =>
        AssertNotSent(Person with { Sender = sender }, because);

    [Fact]
    public void Accepts_a_sender_in_angle_brackets() =>
        Assert.True(AutoReplyPolicy.Decide(Person with { Sender = "<jane@example.org>" }).Send);

    [Theory]
    [InlineData("")]
    [InlineData("<>")]
    [InlineData(" <> ")]
    public void Does_not_answer_a_bounce(string envelopeFrom) =>
        AssertNotSent(Person with { EnvelopeFrom = envelopeFrom }, "the envelope sender is empty, so the message is a bounce");

    [Fact]
    public void An_unknown_envelope_sender_is_not_a_bounce() =>
        Assert.True(AutoReplyPolicy.Decide(Person with { EnvelopeFrom = null }).Send);

    [Fact]
    public void Does_not_answer_a_delivery_report() =>
        AssertNotSent(Person with { IsDeliveryReport = true }, "delivery or disposition report");

    [Theory]
    [InlineData("auto-replied", "Auto-Submitted: auto-replied, RFC 3834 §5")]
    [InlineData("auto-generated", "Auto-Submitted: auto-generated")]
    [InlineData("Auto-Notified", "Auto-Submitted: Auto-Notified")]
    [InlineData("auto-replied; type=vacation", "Auto-Submitted: auto-replied; type=vacation")]
    [InlineData("", "Auto-Submitted: ,")] // present but empty: treated as automatic, to be safe
    [InlineData("yes\r\nX-Injected: 1", "Auto-Submitted: yes  X-Injected: 1")] // shown on one line
    public void Does_not_answer_auto_submitted_mail(string autoSubmitted, string because) =>
        AssertNotSent(Person with { AutoSubmitted = autoSubmitted }, because);

    [Theory]
    [InlineData("no")]
    [InlineData(" No ")]
    [InlineData("no; comment=human")]
    public void Answers_mail_explicitly_not_auto_submitted(string autoSubmitted) =>
        Assert.True(AutoReplyPolicy.Decide(Person with { AutoSubmitted = autoSubmitted }).Send);

    [Theory]
    [InlineData("bulk")]
    [InlineData("List")]
    [InlineData("junk")]
    [InlineData("auto_reply")]
    public void Does_not_answer_bulk_or_list_mail(string precedence) =>
        AssertNotSent(Person with { Precedence = precedence }, $"(Precedence: {precedence}, RFC 3834 §2)");

    [Fact]
    public void Answers_other_precedences() =>
        Assert.True(AutoReplyPolicy.Decide(Person with { Precedence = "first-class" }).Send);

    [Fact]
    public void Does_not_answer_list_mail() =>
        AssertNotSent(Person with { HasListHeaders = true }, "came through a mailing list");

    [Theory]
    [InlineData("All")]
    [InlineData("AutoReply")]
    [InlineData("DR, OOF")]
    [InlineData("oof")]
    public void Does_not_answer_when_automatic_answers_are_suppressed(string value) =>
        AssertNotSent(Person with { XAutoResponseSuppress = value }, $"asked for no automatic answers (X-Auto-Response-Suppress: {value})");

    [Theory]
    [InlineData("DR, NDR, RN, NRN")]
    [InlineData("None")]
    [InlineData("")]
    public void Answers_when_only_receipts_are_suppressed(string value) =>
        Assert.True(AutoReplyPolicy.Decide(Person with { XAutoResponseSuppress = value }).Send);

    [Theory]
    [InlineData("cert@csirt.example")]
    [InlineData("CERT@CSIRT.example")]
    [InlineData("contact@csirt.example")]
    public void Does_not_answer_our_own_addresses(string sender) =>
        AssertNotSent(Person with { Sender = sender, EnvelopeFrom = sender }, "is one of our own addresses");

    [Theory]
    [InlineData("MAILER-DAEMON@mx.example.org")]
    [InlineData("postmaster@example.org")]
    [InlineData("noreply@example.org")]
    [InlineData("no-reply@example.org")]
    [InlineData("no_reply@example.org")]
    [InlineData("donotreply@example.org")]
    [InlineData("do-not-reply@example.org")]
    [InlineData("noreply+tracking-123@example.org")]
    [InlineData("listserv@lists.example.org")]
    [InlineData("majordomo@lists.example.org")]
    [InlineData("owner-security@lists.example.org")]
    [InlineData("security-request@lists.example.org")]
    [InlineData("security-bounces@lists.example.org")]
    [InlineData("bounce-12345@mailer.example.org")]
    [InlineData("bounces@mailer.example.org")]
    public void Does_not_answer_robots_and_list_addresses(string sender) =>
        AssertNotSent(Person with { Sender = sender }, "is a mail system, no-reply or list address that nobody reads");

    [Theory]
    [InlineData("noreplyable.person@example.org")]
    [InlineData("postmaster.assistant@example.org")]
    [InlineData("requester@example.org")]
    [InlineData("owner@example.org")]
    public void Answers_people_whose_address_merely_resembles_a_robot(string sender) =>
        Assert.True(AutoReplyPolicy.Decide(Person with { Sender = sender }).Send);

    [Fact]
    public void Answers_a_sender_at_most_once_per_window()
    {
        AssertNotSent(Person with { LastAutoReplyToSender = Now.AddHours(-23) },
            "jane.doe@example.org already got an automatic answer at 2026-01-14 11:00 UTC, less than 24 hours ago");
        AssertNotSent(Person with { LastAutoReplyToSender = new DateTimeOffset(2026, 1, 15, 11, 30, 0, TimeSpan.FromHours(2)) },
            "at 2026-01-15 09:30 UTC");
        AssertNotSent(Person with { LastAutoReplyToSender = Now.AddMinutes(10) }, "already got"); // clock skew: still not twice

        var later = AutoReplyPolicy.Decide(Person with { LastAutoReplyToSender = Now.AddHours(-24) });
        Assert.True(later.Send);
        Assert.Equal("Answered: no rule forbids an automatic answer to jane.doe@example.org, and the last one is more than 24 hours old.", later.Reason);
    }

    [Fact]
    public void The_window_is_configurable()
    {
        AssertNotSent(Person with { LastAutoReplyToSender = Now.AddMinutes(-59), Window = TimeSpan.FromHours(1) }, "less than 1 hour ago");
        AssertNotSent(Person with { LastAutoReplyToSender = Now.AddMinutes(-89), Window = TimeSpan.FromMinutes(90) }, "less than 90 minutes ago");
        Assert.True(AutoReplyPolicy.Decide(Person with { LastAutoReplyToSender = Now.AddMinutes(-61), Window = TimeSpan.FromHours(1) }).Send);
        Assert.True(AutoReplyPolicy.Decide(Person with { LastAutoReplyToSender = Now, Window = TimeSpan.Zero }).Send); // zero: no limit
        Assert.Throws<ArgumentOutOfRangeException>(() => AutoReplyPolicy.Decide(Person with { Window = TimeSpan.FromHours(-1) }));
        Assert.Throws<ArgumentNullException>(() => AutoReplyPolicy.Decide(null!));
    }

    [Fact]
    public void The_first_reason_that_applies_is_given()
    {
        var everything = Person with
        {
            EnvelopeFrom = "<>",
            AutoSubmitted = "auto-replied",
            Precedence = "bulk",
            HasListHeaders = true,
            IsDeliveryReport = true,
        };
        AssertNotSent(everything, "bounce");
        AssertNotSent(everything with { EnvelopeFrom = "x@example.org" }, "delivery or disposition report");
        AssertNotSent(everything with { EnvelopeFrom = "x@example.org", IsDeliveryReport = false }, "auto-submitted");
        AssertNotSent(everything with { Sender = null }, "no sender address");
    }

    [Fact]
    public void A_header_that_suppresses_always_wins_over_the_window() =>
        Gen.Select(Gen.Int[0, 200], Gen.OneOf("auto-replied", "auto-generated", "auto-notified")).Sample((hoursAgo, value) =>
        {
            var input = Person with { AutoSubmitted = value, LastAutoReplyToSender = hoursAgo == 0 ? null : Now.AddHours(-hoursAgo) };
            Assert.False(AutoReplyPolicy.Decide(input).Send);
            Assert.Equal(hoursAgo is 0 or >= 24, AutoReplyPolicy.Decide(input with { AutoSubmitted = null }).Send);
        });
}
