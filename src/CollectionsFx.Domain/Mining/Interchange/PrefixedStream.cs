namespace CollectionsFx.Domain.Mining.Interchange;

/// <summary>
/// A read-only stream of <paramref name="prefix"/> followed by <paramref name="inner"/> from its current position, at most
/// <paramref name="length"/> bytes of it when given: puts back bytes peeked from a stream that cannot seek, or puts a
/// header in front of one part of a file.
/// </summary>
public sealed class PrefixedStream(byte[] prefix, Stream inner, long? length = null) : Stream
{
    private int prefixRead;
    private long remaining = length ?? long.MaxValue;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (prefixRead < prefix.Length)
        {
            var n = Math.Min(buffer.Length, prefix.Length - prefixRead);
            prefix.AsSpan(prefixRead, n).CopyTo(buffer);
            prefixRead += n;
            return n;
        }

        if (remaining <= 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        remaining -= read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
