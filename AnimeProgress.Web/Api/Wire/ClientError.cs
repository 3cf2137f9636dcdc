namespace AnimeProgress.Web.Api.Wire;

/// <summary>Why a client message was refused: the text the client reads and a stable code for programs.</summary>
public sealed record ClientError(string Code, string Message)
{
    public static ClientError InvalidJson { get; } = new("invalid_json", "Invalid JSON");
    public static ClientError NotAnObject { get; } = new("invalid_message", "Message must be a JSON object");
    public static ClientError MissingType { get; } = new("invalid_message", "Missing message type");
    public static ClientError MissingJobId { get; } = new("invalid_job_id", "Missing job_id");
    public static ClientError NonNumericJobId { get; } = new("invalid_job_id", "job_id must be a number");
    public static ClientError BinaryFrame { get; } = new("unsupported_frame", "Binary frames are not supported; send JSON text");

    public static ClientError UnknownType(string type) => new("unknown_type", $"Unknown message type: {type}");

    public static ClientError UnknownJob(long id) => new("unknown_job", $"Unknown job: {id}");

    public static ClientError LookupFailed(long id) => new("unavailable", $"Job {id} could not be looked up (database unavailable); try again");

    public static ClientError TooManySubscriptions(int limit) => new("too_many_subscriptions", $"At most {limit} job subscriptions per connection");
}
