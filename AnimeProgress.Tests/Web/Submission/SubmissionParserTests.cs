using System.Text;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Web.Submission;

namespace AnimeProgress.Tests.Web.Submission;

public sealed class SubmissionParserTests
{
    private const string Graph = """{"3":{"class_type":"KSampler","inputs":{"steps":20}}}""";

    private static readonly SubmissionParser Parser = new(new InputLimits(), name => name == "gpu-a", () => ["gpu-a"]);

    [Fact]
    public void A_complete_body_becomes_the_job_request()
    {
        var check = Parse($$"""{"title":"Cut 12","kind":"video","workflow":{{Graph}},"frames":48,"instance":"gpu-a","front":true}""");

        Assert.True(check.IsValid, check.Detail);
        var request = check.Request!;
        Assert.Equal(("Cut 12", JobKind.Video, 48, "gpu-a", true), (request.Title, request.Kind, request.FramesTotal, request.Instance, request.Front));
        Assert.Equal("KSampler", request.Workflow["3"]!["class_type"]!.GetValue<string>());
    }

    [Fact]
    public void Kind_defaults_to_image_and_field_names_match_in_any_case()
    {
        var check = Parse($$"""{"Title":"Cut","Workflow":{{Graph}}}""");

        Assert.True(check.IsValid, check.Detail);
        Assert.Equal(JobKind.Image, check.Request!.Kind);
    }

    [Theory]
    [InlineData("\"42\"", "kind must be \"image\" or \"video\" (got the string \"42\").")]
    [InlineData("\"0\"", "kind must be \"image\" or \"video\" (got the string \"0\").")]
    [InlineData("1", "kind must be \"image\" or \"video\" (got the number 1).")]
    [InlineData("\"sculpture\"", "kind must be \"image\" or \"video\" (got the string \"sculpture\").")]
    public void A_kind_that_is_not_image_or_video_is_refused_by_name(string kind, string sentence)
    {
        var check = Parse($$"""{"title":"Cut","kind":{{kind}},"workflow":{{Graph}}}""");

        Assert.False(check.IsValid);
        Assert.Equal([sentence], check.Errors["kind"]);
    }

    [Theory]
    [InlineData("title", "42", "title must be a string (got the number 42).")]
    [InlineData("title", "\"  \"", "title must not be empty or only spaces.")]
    [InlineData("frames", "\"abc\"", "frames must be a whole number from 1 to 1000000 (got the string \"abc\").")]
    [InlineData("frames", "2.5", "frames must be a whole number from 1 to 1000000 (got the number 2.5).")]
    [InlineData("frames", "0", "frames must be a whole number from 1 to 1000000 (got the number 0).")]
    [InlineData("front", "\"yes\"", "front must be true or false (got the string \"yes\").")]
    [InlineData("instance", "7", "instance must be a string naming a configured ComfyUI instance (got the number 7).")]
    [InlineData("workflow", "\"graph\"", "workflow must be an object of nodes (\"Save (API)\" format) (got the string \"graph\").")]
    [InlineData("workflow", "[]", "workflow must be an object of nodes (\"Save (API)\" format) (got an array).")]
    [InlineData("workflow", "{}", "workflow has no nodes; it must hold at least one.")]
    public void A_field_of_the_wrong_type_or_value_is_named_with_what_was_expected(string field, string json, string sentence)
    {
        var fields = new Dictionary<string, string> { ["title"] = "\"Cut\"", ["workflow"] = Graph, [field] = json };
        var body = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

        var check = Parse(body);

        Assert.False(check.IsValid);
        Assert.Equal([field], check.Errors.Keys);
        Assert.Equal([sentence], check.Errors[field]);
        Assert.Contains(sentence, check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_fields_are_all_named_at_once()
    {
        var check = Parse("""{"kind":"video"}""");

        Assert.Equal(["title", "workflow"], check.Errors.Keys.Order());
        Assert.StartsWith("title is required", check.Errors["title"][0], StringComparison.Ordinal);
        Assert.StartsWith("workflow is required", check.Errors["workflow"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"1":"KSampler"}""", "workflow node \"1\" must be an object with \"class_type\" and \"inputs\" (got the string \"KSampler\").")]
    [InlineData("""{"1":{"inputs":{}}}""", "workflow node \"1\" needs \"class_type\": a non-empty string naming the node type (got nothing).")]
    [InlineData("""{"1":{"class_type":5,"inputs":{}}}""", "workflow node \"1\" needs \"class_type\": a non-empty string naming the node type (got the number 5).")]
    [InlineData("""{"1":{"class_type":"KSampler"}}""", "workflow node \"1\" needs \"inputs\": an object of the node's inputs (got nothing).")]
    [InlineData("""{"1":{"class_type":"KSampler","inputs":[]}}""", "workflow node \"1\" needs \"inputs\": an object of the node's inputs (got an array).")]
    public void A_workflow_that_is_not_an_api_format_graph_is_refused_naming_the_node(string workflow, string sentence)
    {
        var check = Parse($$"""{"title":"Cut","workflow":{{workflow}}}""");

        Assert.Equal([sentence], check.Errors["workflow"]);
    }

    [Fact]
    public void An_unknown_instance_is_named_with_the_configured_ones()
    {
        var check = Parse($$"""{"title":"Cut","workflow":{{Graph}},"instance":"gpu-z"}""");

        Assert.Equal(
            ["instance \"gpu-z\" is not a configured ComfyUI instance (configured: gpu-a); leave instance out to use the least loaded one."],
            check.Errors["instance"]);
    }

    [Fact]
    public void An_unknown_or_repeated_field_is_refused()
    {
        var unknown = Parse($$"""{"title":"Cut","workflow":{{Graph}},"urgency":9}""");
        var repeated = Parse($$"""{"title":"Cut","Title":"Other","workflow":{{Graph}}}""");

        Assert.Equal(["Unknown field \"urgency\"; the fields are title, kind, workflow, frames, instance, front, priority, needs."], unknown.Errors["urgency"]);
        Assert.Equal(["title is given more than once (names match in any case); send it once."], repeated.Errors["title"]);
    }

    [Fact]
    public void Priority_and_needs_are_read_into_the_request()
    {
        var check = Parse("{\"title\":\"Cut\",\"workflow\":" + Graph + ",\"priority\":7,\"needs\":{\"vramGb\":24,\"labels\":[\"Video\",\" 4090 \"],\"models\":[\"wan2.1_t2v_14B.safetensors\"]}}");

        Assert.True(check.IsValid);
        Assert.Equal(7, check.Request!.Priority);
        Assert.Equal(24, check.Request.Needs!.VramGb);
        Assert.Equal(["4090", "video"], check.Request.Needs.Labels);
        Assert.Equal(["wan2.1_t2v_14B.safetensors"], check.Request.Needs.Models);
    }

    [Theory]
    [InlineData("\"priority\":1001", "priority", "priority must be a whole number from -1000 to 1000, higher first (got 1001).")]
    [InlineData("\"priority\":1.5", "priority", "priority must be a whole number from -1000 to 1000, higher first (got 1.5).")]
    [InlineData("\"needs\":[]", "needs", "needs must be an object like {\"vramGb\": 24, \"labels\": [\"video\"], \"models\": [\"model.safetensors\"]}.")]
    [InlineData("\"needs\":{\"vramGb\":-1}", "needs", "needs.vramGb must be a number of GB above 0 and at most 4096.")]
    [InlineData("\"needs\":{\"labels\":[\"no spaces\"]}", "needs", "Label 'no spaces' is not allowed: use 1–32 lower-case letters, digits, '-', '_' or '.'.")]
    [InlineData("\"needs\":{\"gpu\":\"4090\"}", "needs", "needs has no field \"gpu\"; its fields are vramGb, labels and models.")]
    public void Bad_priority_or_needs_are_refused_with_a_sentence(string field, string key, string sentence)
    {
        var check = Parse("{\"title\":\"Cut\",\"workflow\":" + Graph + "," + field + "}");

        Assert.False(check.IsValid);
        Assert.Equal([sentence], check.Errors[key]);
    }

    [Theory]
    [InlineData("", "The body is empty; send a JSON object with at least title and workflow (see docs/api.md).")]
    [InlineData("[1,2]", "The body must be a JSON object with title and workflow (got an array).")]
    [InlineData("null", "The body must be a JSON object with title and workflow (got null).")]
    public void A_body_that_is_not_an_object_says_so(string body, string sentence)
    {
        Assert.Equal([sentence], Parse(body).Errors["body"]);
    }

    [Theory]
    [InlineData("{\"title\":")]
    [InlineData("{\"title\":\"a\",\"title\":\"b\",\"workflow\":{}}")]
    public void Broken_json_and_duplicate_keys_are_refused_as_invalid_json(string body)
    {
        var sentence = Assert.Single(Parse(body).Errors["body"]);

        Assert.StartsWith("The body is not valid JSON (", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_title_over_the_cap_is_refused_naming_the_setting_and_a_huge_echo_is_cut()
    {
        var check = Parse($$"""{"title":"{{new string('t', 501)}}","workflow":{{Graph}},"kind":"{{new string('k', 100_000)}}"}""");

        Assert.Equal(["title is 501 characters; at most 500 are allowed (AnimeProgress:Limits:MaxTitleLength)."], check.Errors["title"]);
        Assert.True(check.Detail.Length < 1000, $"detail of {check.Detail.Length} characters");
    }

    private static SubmissionCheck Parse(string body) => Parser.Parse(Encoding.UTF8.GetBytes(body));
}
