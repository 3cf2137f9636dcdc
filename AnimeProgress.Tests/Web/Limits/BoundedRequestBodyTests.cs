using System.Text;
using AnimeProgress.Web.Limits;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.Tests.Web.Limits;

public sealed class BoundedRequestBodyTests
{
    [Fact]
    public async Task A_body_within_the_cap_is_read_whole()
    {
        var context = WithBody(new string('x', 1024), declareLength: false);

        var body = await BoundedRequestBody.ReadAsync(context.Request, 1024, TestContext.Current.CancellationToken);

        Assert.Equal(1024, body!.Length);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_a_byte_is_read()
    {
        var context = WithBody(new string('x', 2048), declareLength: true);

        Assert.Null(await BoundedRequestBody.ReadAsync(context.Request, 1024, TestContext.Current.CancellationToken));
        Assert.Equal(0, context.Request.Body.Position);
    }

    [Fact]
    public async Task A_body_without_a_length_is_cut_off_just_past_the_cap_not_read_to_its_end()
    {
        var stream = new CountingStream(totalBytes: 50L * 1024 * 1024);
        var context = new DefaultHttpContext();
        context.Request.Body = stream;

        Assert.Null(await BoundedRequestBody.ReadAsync(context.Request, 1024 * 1024, TestContext.Current.CancellationToken));
        Assert.True(stream.Served <= (1024 * 1024) + (64 * 1024), $"read {stream.Served} bytes of a 50 MB body");
    }

    private static DefaultHttpContext WithBody(string text, bool declareLength)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Request.Body = new MemoryStream(bytes);
        if (declareLength)
        {
            context.Request.ContentLength = bytes.Length;
        }

        return context;
    }

    /// <summary>An endless-looking upload that counts what was taken from it.</summary>
    private sealed class CountingStream(long totalBytes) : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, totalBytes - Served);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
