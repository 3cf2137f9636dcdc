namespace AnimeProgress.ComfyUiEmulator.Imaging;

/// <summary>
/// A read-only, seekable stream of prefix + N zero bytes + suffix that never holds the zeros in memory, so a large
/// /view answer streams (with range requests) at no memory cost.
/// </summary>
internal sealed class ZeroPaddedStream(byte[] prefix, long zeros, byte[] suffix) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; } = prefix.Length + zeros + suffix.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length && _position < Length)
        {
            var target = buffer[written..];
            int n;
            if (_position < prefix.Length)
            {
                n = Math.Min(target.Length, prefix.Length - (int)_position);
                prefix.AsSpan((int)_position, n).CopyTo(target);
            }
            else if (_position < prefix.Length + zeros)
            {
                n = (int)Math.Min(target.Length, prefix.Length + zeros - _position);
                target[..n].Clear();
            }
            else
            {
                var at = (int)(_position - prefix.Length - zeros);
                n = Math.Min(target.Length, suffix.Length - at);
                suffix.AsSpan(at, n).CopyTo(target);
            }
            written += n;
            _position += n;
        }
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
