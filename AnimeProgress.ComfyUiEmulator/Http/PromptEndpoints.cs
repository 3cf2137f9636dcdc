using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Execution;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.Json;
using AnimeProgress.ComfyUiEmulator.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>GET /prompt (queue size) and POST /prompt (validate and enqueue).</summary>
internal static class PromptEndpoints
{
    /// <summary>Newer servers keep these out of extra_data (in an internal 6th tuple element), so /queue and /history never show them.</summary>
    private static readonly string[] SensitiveExtraData = ["auth_token_comfy_org", "api_key_comfy_org"];

    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapGet("/prompt", context => HttpJson.WriteAsync(context, JobMessenger.QueueInfo(engine.Queue.Remaining)));
        routes.MapPost("/prompt", context => PostAsync(context, engine));
    }

    private static async Task PostAsync(HttpContext context, EmulatorEngine engine)
    {
        var body = await HttpJson.ReadObjectAsync(context);
        if (body is null)
        {
            await HttpJson.BadBodyAsync(context);
            return;
        }

        // The counter is used up by every POST without "number", whether or not it validates.
        JsonNode number;
        double priority;
        if (body.ContainsKey("number") && PyJson.TryGetDouble(body["number"], out var given))
        {
            number = PyJson.Float(given);
            priority = given;
        }
        else
        {
            var taken = engine.Queue.TakeNumber();
            if (PyJson.Truthy(body["front"]))
            {
                taken = -taken;
            }
            number = taken;
            priority = taken;
        }

        if (!body.ContainsKey("prompt"))
        {
            await HttpJson.WriteAsync(context, new JsonObject
            {
                ["error"] = ValidationOutcome.Describe("no_prompt", "No prompt provided", "No prompt provided"),
                ["node_errors"] = new JsonObject(),
            }, StatusCodes.Status400BadRequest);
            return;
        }
        if (body["prompt"] is not JsonObject submitted)
        {
            await HttpJson.WriteAsync(context, new JsonObject
            {
                ["error"] = ValidationOutcome.Describe("invalid_prompt", "Cannot execute because the prompt is not a JSON object.", ""),
                ["node_errors"] = new JsonObject(),
            }, StatusCodes.Status400BadRequest);
            return;
        }

        string promptId;
        if (engine.IsNewer)
        {
            // Newer servers mint an id for an absent or null prompt_id and refuse anything but a canonical UUID (jobs.validate_job_id).
            if (body["prompt_id"] is null)
            {
                promptId = Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);
            }
            else if (!IsCanonicalUuid(body["prompt_id"], out promptId))
            {
                await HttpJson.WriteAsync(context, new JsonObject
                {
                    ["error"] = ValidationOutcome.Describe("invalid_prompt_id", "prompt_id must be a valid UUID",
                        "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one"),
                    ["node_errors"] = new JsonObject(),
                }, StatusCodes.Status400BadRequest);
                return;
            }
        }
        else
        {
            promptId = body.ContainsKey("prompt_id") ? PyJson.Str(body["prompt_id"]) : Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);
        }
        var prompt = (JsonObject)submitted.DeepClone();
        var targets = body["partial_execution_targets"] is JsonArray list ? list.Select(PyJson.Str).ToHashSet(StringComparer.Ordinal) : null;
        var outcome = engine.Validator.Validate(prompt, targets);

        // extra_data is kept as given (unknown keys included) and client_id is copied into it.
        var extraData = body["extra_data"] is JsonObject extra ? (JsonObject)extra.DeepClone() : [];
        if (body.ContainsKey("client_id"))
        {
            extraData["client_id"] = body["client_id"]?.DeepClone();
        }

        if (engine.IsNewer && !extraData.ContainsKey("comfy_usage_source") && context.Request.Headers["Comfy-Usage-Source"].ToString() is { Length: > 0 } source)
        {
            extraData["comfy_usage_source"] = source;
        }

        if (!outcome.Accepted)
        {
            await HttpJson.WriteAsync(context, new JsonObject { ["error"] = outcome.Error, ["node_errors"] = outcome.NodeErrors }, StatusCodes.Status400BadRequest);
            return;
        }
        if (engine.IsNewer)
        {
            foreach (var key in SensitiveExtraData)
            {
                extraData.Remove(key);
            }
            extraData["create_time"] = PyJson.NowMilliseconds();
        }
        engine.Queue.Enqueue(new QueueItem(number.DeepClone(), priority, promptId, prompt, extraData, outcome.Outputs));
        engine.PromptQueued(promptId);
        await HttpJson.WriteAsync(context, new JsonObject { ["prompt_id"] = promptId, ["number"] = number, ["node_errors"] = outcome.NodeErrors });
    }

    /// <summary>str(uuid.UUID(value)) == value: a string in the canonical lowercase hyphenated form (any UUID version).</summary>
    private static bool IsCanonicalUuid(JsonNode? value, out string id)
    {
        id = "";
        if (value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            return false;
        }
        id = v.GetValue<string>();
        return JobEndpoints.IsCanonicalUuid(id);
    }
}
