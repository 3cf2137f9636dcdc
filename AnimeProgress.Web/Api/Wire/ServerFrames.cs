using System.Text.Json;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Web.Api.Wire;

/// <summary>Server → client messages as ready-to-send UTF-8 JSON text frames.</summary>
internal static class ServerFrames
{
    public static byte[] InitialJobs(IEnumerable<JobSnapshot> jobs, DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new InitialJobsMessage { Jobs = [.. jobs.Select(WireJob.From)], Timestamp = WireTime.Format(now) },
            ApiJsonContext.Wire.InitialJobsMessage);

    public static byte[] ProgressUpdate(JobSnapshot job, DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ProgressUpdateMessage { Job = WireJob.From(job), Timestamp = WireTime.Format(now) },
            ApiJsonContext.Wire.ProgressUpdateMessage);

    public static byte[] Pong(DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(new PongMessage { Timestamp = WireTime.Format(now) }, ApiJsonContext.Wire.PongMessage);

    public static byte[] Error(ClientError error, DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ErrorMessage { Message = error.Message, Code = error.Code, Timestamp = WireTime.Format(now) },
            ApiJsonContext.Wire.ErrorMessage);
}
