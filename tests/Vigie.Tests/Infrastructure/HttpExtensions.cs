using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigie.Tests.Infrastructure;

public static class HttpExtensions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Json, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PatchJson(this HttpClient client, string url, object body) =>
        client.PatchAsJsonAsync(url, body, Json, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, Json, TestContext.Current.CancellationToken);

    public static async Task<JsonNode> Body(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty body.");
    }

    /// <summary>Reads a JSON body after checking the status, showing the body when the status is wrong.</summary>
    public static async Task<JsonNode> Expect(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Checks an RFC 9457 problem response and returns it.</summary>
    public static async Task<JsonNode> ExpectProblem(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var problem = await response.Expect(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        return problem;
    }

    public static async Task<JsonNode> Expect(this Task<HttpResponseMessage> response, System.Net.HttpStatusCode status) =>
        await (await response).Expect(status);

    public static async Task<JsonNode> ExpectProblem(this Task<HttpResponseMessage> response, System.Net.HttpStatusCode status) =>
        await (await response).ExpectProblem(status);

    public static string Str(this JsonNode? node, string property) =>
        node?[property]?.GetValue<string>() ?? throw new InvalidOperationException($"No '{property}' in {node?.ToJsonString()}");
}
