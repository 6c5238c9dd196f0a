using CsCheck;
using Vigie.Core.Incidents;
using Vigie.Core.Sharing;

namespace Vigie.Core.Tests.Sharing;

public sealed class SharingGateTests
{
    private static readonly Guid Lilas = Guid.Parse("0195a1f0-0000-7000-8000-000000000001");
    private static readonly Guid Mimosa = Guid.Parse("0195a1f0-0000-7000-8000-000000000002");

    /// <summary>Where the recipient stands relative to the incident's constituent.</summary>
    public enum Where
    {
        Inside,          // a contact of the affected constituent
        OtherConstituent, // a contact of another constituent
        Outside,         // no constituent at all (ISP, CSIRT…)
        NoConstituent,   // the incident has no constituent
    }

    private static ShareRequest Request(Tlp tlp, Where where, bool named = false, bool consent = false, string? needToKnow = null,
        bool key = false, string email = "abuse@isp.example") => new(
        tlp,
        where == Where.NoConstituent ? null : Lilas,
        where is Where.Inside or Where.OtherConstituent ? PartyKind.ConstituentContact : PartyKind.AbuseDesk,
        where switch { Where.Inside => Lilas, Where.OtherConstituent => Mimosa, _ => null },
        email, named, consent, needToKnow, key);

    // --- the examples of docs/correspondence.md ---------------------------------------------------

    [Fact]
    public void Red_goes_to_named_recipients_only()
    {
        var refused = SharingGate.Decide(Request(Tlp.Red, Where.Inside, named: false, key: true));
        Assert.False(refused.Allowed);
        Assert.Equal(ShareRefusal.NotNamedRecipient, refused.Refusal);
        Assert.Equal("not-named-recipient", refused.Code);

        var allowed = SharingGate.Decide(Request(Tlp.Red, Where.Inside, named: true, key: true));
        Assert.True(allowed.Allowed);
        Assert.True(allowed.EncryptionRequired);
        Assert.Null(allowed.Code);
    }

    [Fact]
    public void Red_to_a_named_third_party_still_needs_the_constituents_consent()
    {
        Assert.Equal(ShareRefusal.NoConsent, SharingGate.Decide(Request(Tlp.Red, Where.Outside, named: true, key: true)).Refusal);
        var ok = SharingGate.Decide(Request(Tlp.Red, Where.Outside, named: true, consent: true, key: true));
        Assert.True(ok.Allowed);
        Assert.True(ok.ConsentUsed);
    }

    [Fact]
    public void Amber_strict_stays_inside_the_constituents_organisation()
    {
        Assert.True(SharingGate.Decide(Request(Tlp.AmberStrict, Where.Inside, key: true)).Allowed);
        // Neither another constituent, nor an ISP, even with consent and need-to-know.
        foreach (var where in new[] { Where.OtherConstituent, Where.Outside, Where.NoConstituent })
        {
            var d = SharingGate.Decide(Request(Tlp.AmberStrict, where, named: true, consent: true, needToKnow: "takedown", key: true));
            Assert.Equal(ShareRefusal.OutsideOrganisation, d.Refusal);
        }
    }

    [Fact]
    public void Amber_outside_needs_a_need_to_know_justification_which_the_decision_carries()
    {
        Assert.Equal(ShareRefusal.NeedToKnowMissing, SharingGate.Decide(Request(Tlp.Amber, Where.Outside, consent: true, key: true)).Refusal);
        Assert.Equal(ShareRefusal.NeedToKnowMissing, SharingGate.Decide(Request(Tlp.Amber, Where.Outside, consent: true, needToKnow: "   ", key: true)).Refusal);
        var d = SharingGate.Decide(Request(Tlp.Amber, Where.Outside, consent: true, needToKnow: "  The host is in their network. ", key: true));
        Assert.True(d.Allowed);
        Assert.Equal("The host is in their network.", d.NeedToKnow);
        // Inside the organisation no justification is asked for, and none is recorded.
        var inside = SharingGate.Decide(Request(Tlp.Amber, Where.Inside, needToKnow: "x", key: true));
        Assert.True(inside.Allowed);
        Assert.Null(inside.NeedToKnow);
        Assert.True(inside.InsideOrganisation);
    }

    [Fact]
    public void Outside_the_organisation_a_consent_is_needed_unless_the_incident_has_no_constituent()
    {
        Assert.Equal(ShareRefusal.NoConsent, SharingGate.Decide(Request(Tlp.Green, Where.Outside)).Refusal);
        Assert.Equal(ShareRefusal.NoConsent, SharingGate.Decide(Request(Tlp.Clear, Where.OtherConstituent)).Refusal);
        Assert.True(SharingGate.Decide(Request(Tlp.Green, Where.Outside, consent: true)).Allowed);
        Assert.True(SharingGate.Decide(Request(Tlp.Green, Where.NoConstituent)).Allowed);
        Assert.False(SharingGate.Decide(Request(Tlp.Green, Where.NoConstituent)).ConsentUsed);
        Assert.True(SharingGate.Decide(Request(Tlp.Clear, Where.Inside)).Allowed);
    }

    [Fact]
    public void Amber_and_above_without_the_recipients_key_are_refused()
    {
        foreach (var tlp in new[] { Tlp.Amber, Tlp.AmberStrict, Tlp.Red })
        {
            var d = SharingGate.Decide(Request(tlp, Where.Inside, named: true));
            Assert.Equal(ShareRefusal.NoRecipientKey, d.Refusal);
            Assert.Equal("no-recipient-key", d.Code);
        }
        var green = SharingGate.Decide(Request(Tlp.Green, Where.Inside));
        Assert.True(green.Allowed);
        Assert.False(green.EncryptionRequired);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("Bob <bob@partner.test>")]
    public void An_invalid_address_is_refused_first(string? email) =>
        Assert.Equal(ShareRefusal.InvalidRecipient, SharingGate.Decide(Request(Tlp.Clear, Where.NoConstituent, email: email!)).Refusal);

    [Fact]
    public void Every_code_reads_back_and_codes_are_distinct()
    {
        var codes = Enum.GetValues<ShareRefusal>().Select(SharingGate.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        foreach (var r in Enum.GetValues<ShareRefusal>())
        {
            Assert.True(SharingGate.TryParseCode(SharingGate.Code(r), out var back));
            Assert.Equal(r, back);
        }
        Assert.False(SharingGate.TryParseCode("nope", out _));
    }

    // --- the whole matrix, against an oracle written as the table of docs/correspondence.md -----------

    public static TheoryData<Tlp, Where, bool, bool, bool, bool> Matrix()
    {
        var data = new TheoryData<Tlp, Where, bool, bool, bool, bool>();
        foreach (var tlp in Enum.GetValues<Tlp>())
        {
            foreach (var where in Enum.GetValues<Where>())
            {
                foreach (var named in new[] { false, true })
                {
                    foreach (var consent in new[] { false, true })
                    {
                        foreach (var ntk in new[] { false, true })
                        {
                            foreach (var key in new[] { false, true })
                            {
                                data.Add(tlp, where, named, consent, ntk, key);
                            }
                        }
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void The_whole_matrix_follows_the_documented_table(Tlp tlp, Where where, bool named, bool consent, bool ntk, bool key)
    {
        var d = SharingGate.Decide(Request(tlp, where, named, consent, ntk ? "they host the server" : null, key));
        var expected = Oracle(tlp, where, named, consent, ntk, key);
        Assert.Equal(expected, d.Refusal);
        Assert.Equal(expected is null, d.Allowed);
        Assert.Equal(tlp >= Tlp.Amber, d.EncryptionRequired);
        Assert.Equal(where == Where.Inside, d.InsideOrganisation);
        if (d.Allowed)
        {
            Assert.Equal(tlp == Tlp.Amber && where != Where.Inside, d.NeedToKnow is not null);
            Assert.Equal(where is Where.OtherConstituent or Where.Outside, d.ConsentUsed);
        }
    }

    // The table, row by row: each line says when a share is refused, in the order reasons are given.
    private static ShareRefusal? Oracle(Tlp tlp, Where where, bool named, bool consent, bool ntk, bool key)
    {
        var outside = where != Where.Inside;
        var constituent = where != Where.NoConstituent;
        return (tlp, outside) switch
        {
            (Tlp.Red, _) when !named => ShareRefusal.NotNamedRecipient,
            (Tlp.AmberStrict, true) => ShareRefusal.OutsideOrganisation,
            (Tlp.Amber, true) when !ntk && !named => ShareRefusal.NeedToKnowMissing,
            (_, true) when constituent && !consent => ShareRefusal.NoConsent,
            (Tlp.Amber or Tlp.AmberStrict or Tlp.Red, _) when !key => ShareRefusal.NoRecipientKey,
            _ => null,
        };
    }

    // --- properties -----------------------------------------------------------------------------------

    private static readonly Gen<ShareRequest> Requests =
        Gen.Select(Gen.Enum<Tlp>(), Gen.Enum<Where>(), Gen.Bool, Gen.Bool, Gen.OneOf(Gen.Const((string?)null), Gen.String.Select(s => (string?)s)), Gen.Bool,
            Gen.OneOf(Gen.Const("abuse@isp.example"), Gen.Const("x"), Gen.String))
        .Select((tlp, where, named, consent, ntk, key, email) => Request(tlp, where, named, consent, ntk, key, email));

    [Fact]
    public void Nothing_marked_amber_or_above_is_ever_allowed_without_a_key() =>
        Requests.Sample(r => !SharingGate.Decide(r).Allowed || r.Tlp < Tlp.Amber || r.HasRecipientKey);

    [Fact]
    public void Nothing_red_is_ever_allowed_to_an_unnamed_recipient() =>
        Requests.Sample(r => !SharingGate.Decide(r).Allowed || r.Tlp != Tlp.Red || r.IsNamedRecipient);

    [Fact]
    public void Nothing_leaves_the_constituents_organisation_without_its_consent() =>
        Requests.Sample(r =>
        {
            var d = SharingGate.Decide(r);
            return !d.Allowed || d.InsideOrganisation || r.IncidentConstituentId is null || r.HasConsent;
        });

    [Fact]
    public void A_refusal_always_has_a_reason_and_an_allowed_share_none() =>
        Requests.Sample(r =>
        {
            var d = SharingGate.Decide(r);
            return d.Allowed == (d.Refusal is null) && (d.Allowed || d.Code is { Length: > 0 });
        });

    [Fact]
    public void Amber_outside_is_allowed_only_with_a_recorded_justification_of_bounded_length() =>
        Requests.Sample(r =>
        {
            var d = SharingGate.Decide(r);
            return !d.Allowed || r.Tlp != Tlp.Amber || d.InsideOrganisation
                || (d.NeedToKnow is { Length: > 0 and <= SharingGate.MaxNeedToKnowLength } && d.NeedToKnow == d.NeedToKnow.Trim());
        });

    [Fact]
    public void More_restrictive_labels_never_allow_what_a_less_restrictive_one_refuses() =>
        // Monotony: if TLP t refuses, every stricter label refuses too (same facts).
        Requests.Sample(r =>
        {
            if (SharingGate.Decide(r).Allowed)
            {
                return true;
            }
            // One pair is not ordered, by TLP 2.0's own definitions: RED may name individuals outside the
            // organisation, AMBER+STRICT never leaves it. So a named outsider may get RED and not AMBER+STRICT.
            return Enum.GetValues<Tlp>().Where(t => t > r.Tlp && !(r.Tlp == Tlp.AmberStrict && t == Tlp.Red && r.IsNamedRecipient))
                .All(t => !SharingGate.Decide(r with { Tlp = t }).Allowed);
        });
}
