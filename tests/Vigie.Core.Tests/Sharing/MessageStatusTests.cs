using Vigie.Core.Sharing;

namespace Vigie.Core.Tests.Sharing;

public sealed class MessageStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 9, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);

    [Theory]
    [InlineData(null, 0, MessageStatus.Queued)]
    [InlineData(DeliveryState.Queued, 0, MessageStatus.Queued)]
    [InlineData(DeliveryState.Failed, 0, MessageStatus.Bounced)]
    [InlineData(DeliveryState.Sent, 1, MessageStatus.Sent)]
    [InlineData(DeliveryState.Sent, 48, MessageStatus.Sent)]
    [InlineData(DeliveryState.Sent, 49, MessageStatus.Overdue)]
    public void A_queued_message_follows_its_delivery(DeliveryState? delivery, int hoursAgo, MessageStatus expected) =>
        Assert.Equal(expected, MessageStatusRules.Effective(MessageStatus.Queued, delivery, Now.AddHours(-hoursAgo), Now, TwoDays));

    [Theory]
    [InlineData(MessageStatus.Answered)]
    [InlineData(MessageStatus.Bounced)]
    [InlineData(MessageStatus.Refused)]
    [InlineData(MessageStatus.Received)]
    public void Recorded_outcomes_stand_whatever_the_queue_says(MessageStatus stored) =>
        Assert.Equal(stored, MessageStatusRules.Effective(stored, DeliveryState.Sent, Now.AddDays(-10), Now, TwoDays));
}
