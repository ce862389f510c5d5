namespace Portal.Core.Hdf5;

/// <summary>Storage layout requested for a dataset written by <see cref="H5Writer"/>.</summary>
public sealed record H5Layout
{
    private H5Layout(bool isChunked, int chunkElements, int deflateLevel, bool shuffle)
    {
        IsChunked = isChunked;
        ChunkElements = chunkElements;
        DeflateLevel = deflateLevel;
        Shuffle = shuffle;
    }

    /// <summary>One contiguous block: fastest to write and read, no compression.</summary>
    public static H5Layout Contiguous { get; } = new(false, 0, 0, false);

    /// <summary>
    /// Chunks of <paramref name="chunkElements"/> elements (for 2-D datasets: whole rows, as many as fit),
    /// indexed by a version-1 B-tree, optionally shuffled and deflated (level 1-9; 0 = no compression).
    /// </summary>
    public static H5Layout Chunked(int chunkElements, int deflateLevel = 0, bool shuffle = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkElements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(deflateLevel, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(deflateLevel, 9);
        return new H5Layout(true, chunkElements, deflateLevel, shuffle);
    }

    public bool IsChunked { get; }
    public int ChunkElements { get; }
    public int DeflateLevel { get; }
    public bool Shuffle { get; }
}

/// <summary>Writer settings. <paramref name="Durable"/> fsyncs the file before the atomic rename.</summary>
public sealed record H5WriterOptions(int BufferSize = 1 << 20, bool Durable = true);
