namespace Vigie.Core.Sharing;

/// <summary>Which way a correspondence message went.</summary>
public enum MessageDirection
{
    Out,
    In,
}

/// <summary>
/// Status of a correspondence message as people read it. Stored: <see cref="Queued"/> (handed to the
/// outbound queue), <see cref="Bounced"/>, <see cref="Answered"/>, <see cref="Refused"/> and
/// <see cref="Received"/> (inbound); <see cref="Sent"/> and <see cref="Overdue"/> are computed
/// (<see cref="MessageStatusRules.Effective"/>).
/// </summary>
public enum MessageStatus
{
    Queued,
    Sent,
    Bounced,
    Answered,
    Overdue,
    Refused,
    Received,
}

/// <summary>What the outbound queue says about the mail of a message.</summary>
public enum DeliveryState
{
    Queued,
    Sent,
    Failed,
}

/// <summary>The status shown for a message, from what is stored and what the outbound queue did.</summary>
public static class MessageStatusRules
{
    /// <summary>
    /// A queued message becomes <see cref="MessageStatus.Sent"/> when the relay accepted it, and
    /// <see cref="MessageStatus.Overdue"/> when no answer came within <paramref name="replyExpectedWithin"/>
    /// of that; a relay's final refusal reads as <see cref="MessageStatus.Bounced"/>. Other stored statuses stand.
    /// </summary>
    public static MessageStatus Effective(MessageStatus stored, DeliveryState? delivery, DateTimeOffset? sentAt,
        DateTimeOffset now, TimeSpan replyExpectedWithin)
    {
        if (stored != MessageStatus.Queued)
        {
            return stored;
        }
        return delivery switch
        {
            DeliveryState.Failed => MessageStatus.Bounced,
            DeliveryState.Sent when sentAt is { } at && now - at > replyExpectedWithin => MessageStatus.Overdue,
            DeliveryState.Sent => MessageStatus.Sent,
            _ => MessageStatus.Queued,
        };
    }
}
