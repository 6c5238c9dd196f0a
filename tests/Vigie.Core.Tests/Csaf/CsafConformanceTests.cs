using System.Text.Json;
using System.Text.Json.Nodes;
using Vigie.Core.Csaf;

namespace Vigie.Core.Tests.Csaf;

/// <summary>
/// Vigie's CSAF validator against the OASIS conformance set (TestData/csaf/conformance, testcases.json): for every
/// mandatory test Vigie implements, each file listed must get exactly the expected outcome for that test; the real
/// advisories of the CSAF repository pass the schema and every implemented test.
/// </summary>
public sealed class CsafConformanceTests(ITestOutputHelper output)
{
    private static string Data(params string[] path) => Path.Combine([AppContext.BaseDirectory, "TestData", "csaf", .. path]);

    private static JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(Data("conformance", file)))!;

    [Fact]
    public void Every_implemented_mandatory_test_agrees_with_the_oasis_expectations()
    {
        var cases = JsonDocument.Parse(File.ReadAllText(Data("conformance", "testcases.json"))).RootElement.GetProperty("tests");
        int files = 0, implemented = 0;
        var disagreements = new List<string>();
        foreach (var test in cases.EnumerateArray())
        {
            var id = test.GetProperty("id").GetString()!;
            if (!CsafValidator.Implemented.TryGetValue(id, out var check))
            {
                continue;
            }
            implemented++;
            foreach (var (list, expectValid) in new[] { ("failures", false), ("valid", true) })
            {
                if (!test.TryGetProperty(list, out var entries))
                {
                    continue;
                }
                foreach (var entry in entries.EnumerateArray())
                {
                    files++;
                    var name = entry.GetProperty("name").GetString()!;
                    var findings = check(Load(name)).ToList();
                    if (findings.Count == 0 != expectValid)
                    {
                        disagreements.Add($"{id} {name}: expected {(expectValid ? "valid" : "invalid")}, got {(findings.Count == 0 ? "valid" : string.Join("; ", findings.Select(f => $"{f.InstancePath} {f.Message}")))}");
                    }
                }
            }
        }
        output.WriteLine($"{implemented} mandatory tests implemented of {cases.EnumerateArray().Count(t => t.GetProperty("group").GetString() == "mandatory")}; {files} conformance files checked");
        Assert.Equal(CsafValidator.Implemented.Count, implemented);
        Assert.True(files >= 40, $"only {files} files");
        foreach (var d in disagreements)
        {
            output.WriteLine(d);
        }
        Assert.Empty(disagreements);
    }

    [Fact]
    public void The_valid_conformance_files_pass_the_schema_and_the_failing_ones_fail_their_test_only()
    {
        var cases = JsonDocument.Parse(File.ReadAllText(Data("conformance", "testcases.json"))).RootElement.GetProperty("tests");
        var schemaFailures = new List<string>();
        foreach (var test in cases.EnumerateArray().Where(t => t.GetProperty("group").GetString() == "mandatory" && t.TryGetProperty("valid", out _)))
        {
            foreach (var entry in test.GetProperty("valid").EnumerateArray())
            {
                var name = entry.GetProperty("name").GetString()!;
                using var doc = JsonDocument.Parse(File.ReadAllText(Data("conformance", name)));
                if (CsafValidator.CheckSchema(doc.RootElement) is { Count: > 0 } found)
                {
                    schemaFailures.Add($"{name}: {string.Join("; ", found.Take(3).Select(f => $"{f.InstancePath} {f.Message}"))}");
                }
            }
        }
        Assert.Empty(schemaFailures);
    }

    [Fact]
    public void Real_advisories_pass_the_schema_and_every_implemented_test()
    {
        var files = Directory.GetFiles(Data("examples", "csaf"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(19, files.Length);
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var findings = CsafValidator.Validate(doc.RootElement);
            Assert.True(findings.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", findings.Take(5).Select(f => $"{f.Test} {f.InstancePath} {f.Message}"))}");
        }
    }

    [Fact]
    public void A_broken_document_is_reported_with_the_test_and_the_place()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(Data("examples", "csaf"), "bsi-*.json")[0]))!;
        doc["vulnerabilities"]![0]!["product_status"]!["known_affected"]!.AsArray().Add("CSAFPID-NOWHERE");
        using var parsed = JsonDocument.Parse(doc.ToJsonString());
        var findings = CsafValidator.Validate(parsed.RootElement);
        Assert.Contains(findings, f => f.Test == "6.1.1" && f.InstancePath.StartsWith("/vulnerabilities/0/product_status/known_affected/", StringComparison.Ordinal)
            && f.Message.Contains("CSAFPID-NOWHERE", StringComparison.Ordinal));
        doc["document"]!["category"] = 42;
        using var wrong = JsonDocument.Parse(doc.ToJsonString());
        Assert.Contains(CsafValidator.Validate(wrong.RootElement), f => f.Test == "schema" && f.InstancePath == "/document/category");
    }
}
