namespace Vigie.Features.Intake.Answers;

/// <summary>The automatic answers Vigie sends (issue 3 §6); each has its templates in every language.</summary>
public enum AnswerKind
{
    /// <summary>To a constituent's incident report: received, tracking number, initial-response promise (profile §4.1).</summary>
    Acknowledgement,

    /// <summary>To a report from outside the constituency: the redirection of profile §3.2 (administrator or SOC).</summary>
    Redirection,

    /// <summary>To mail sent to the general-contact address: a request, not an incident report; no tracking number.</summary>
    RequestReceived,
}
