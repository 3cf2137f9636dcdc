using Microsoft.AspNetCore.Http;

namespace AnimeProgress.Bench.SignedInProxy;

/// <summary>
/// Takes every OTLP/HTTP export (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>) and answers 200, counting
/// requests and bytes: the app under test pays the full cost of recording and exporting, and nothing is kept.
/// </summary>
internal sealed class OtlpSink
{
    private long _requests;
    private long _bytes;

    public long Requests => Interlocked.Read(ref _requests);

    public long Bytes => Interlocked.Read(ref _bytes);

    public async Task<IResult> AcceptAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long size = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            size += read;
        }

        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytes, size);

        // An empty protobuf message is a valid Export*ServiceResponse: nothing was rejected.
        return Results.Bytes([], "application/x-protobuf");
    }
}
