using System.Security.Cryptography;

namespace AnimeProgress.ComfyUiEmulator.Files;

/// <summary>
/// Where uploads land: a temporary directory owned by this emulator (input/, temp/, output/ below it), deleted on
/// dispose. Bodies are streamed to a staging file, never held in memory, and the directory as a whole is bounded.
/// </summary>
internal sealed class UploadStore : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    private readonly string _root;
    private readonly long _limitBytes;
    // ComfyUI names and writes an upload inside one synchronous handler; this keeps two uploads of one name from racing.
    private readonly SemaphoreSlim _naming = new(1, 1);
    private long _usedBytes;

    public UploadStore(long limitBytes)
    {
        _limitBytes = limitBytes;
        _root = Path.Combine(Path.GetTempPath(), "animeprogress-comfyui-emulator-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_root, "staging"));
    }

    /// <summary>The uploaded file's path on disk, or null if nothing was uploaded under that name.</summary>
    public string? Find(FileRef file)
    {
        var path = PathOf(file.Type, file.Subfolder, file.Filename);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Copies <paramref name="source"/> to a staging file in 64 KiB chunks, as aiohttp reads a multipart file field.
    /// <paramref name="budget"/> is what the request may still read; past it the staging file is deleted.
    /// </summary>
    public async Task<StagedUpload> StageAsync(Stream source, long budget, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, "staging", Guid.NewGuid().ToString("N"));
        var size = 0L;
        var buffer = new byte[ChunkBytes];
        try
        {
            await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, ChunkBytes, useAsync: true))
            {
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > budget)
                    {
                        throw new UploadTooLargeException(size);
                    }
                    if (Interlocked.Add(ref _usedBytes, read) > _limitBytes)
                    {
                        Interlocked.Add(ref _usedBytes, -read);
                        throw new IOException("No space left on device (the emulator's upload store is full)");
                    }
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            return new StagedUpload(path, size);
        }
        catch
        {
            Discard(new StagedUpload(path, size));
            throw;
        }
    }

    /// <summary>Gives back a staged file that will not be kept (validation failed, or a duplicate).</summary>
    public void Discard(StagedUpload staged)
    {
        if (File.Exists(staged.Path))
        {
            Interlocked.Add(ref _usedBytes, -new FileInfo(staged.Path).Length);
            File.Delete(staged.Path);
        }
    }

    /// <summary>
    /// ComfyUI's image_upload naming: unless <paramref name="overwrite"/>, an existing file with other content makes
    /// "name (1).ext", "name (2).ext", …; one with the same content is kept and its name returned (no second copy).
    /// </summary>
    public async Task<string> CommitAsync(StagedUpload staged, string type, string folder, string filename, bool overwrite, CancellationToken cancellationToken)
    {
        await _naming.WaitAsync(cancellationToken);
        try
        {
            return await NameAndMoveAsync(staged, type, folder, filename, overwrite, cancellationToken);
        }
        finally
        {
            _naming.Release();
        }
    }

    private async Task<string> NameAndMoveAsync(StagedUpload staged, string type, string folder, string filename, bool overwrite, CancellationToken cancellationToken)
    {
        var directory = PathOf(type, folder, "");
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, filename);
        if (!overwrite)
        {
            var (stem, extension) = SplitExtension(filename);
            for (var i = 1; File.Exists(target); i++)
            {
                if (await SameContentAsync(target, staged.Path, cancellationToken))
                {
                    Discard(staged);
                    return filename;
                }
                filename = $"{stem} ({i}){extension}";
                target = Path.Combine(directory, filename);
            }
        }
        if (File.Exists(target))
        {
            Interlocked.Add(ref _usedBytes, -new FileInfo(target).Length);
        }
        File.Move(staged.Path, target, overwrite: true);
        return filename;
    }

    public void Dispose()
    {
        _naming.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a request in flight; the OS temp cleaner gets the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string PathOf(string type, string folder, string filename)
    {
        var parts = new List<string> { _root, type };
        parts.AddRange(folder.Split('/', StringSplitOptions.RemoveEmptyEntries));
        if (filename.Length > 0)
        {
            parts.Add(filename);
        }
        return Path.Combine([.. parts]);
    }

    /// <summary>os.path.splitext: the extension starts at the last dot that is not a leading one.</summary>
    private static (string Stem, string Extension) SplitExtension(string filename)
    {
        var dot = filename.LastIndexOf('.');
        return dot > 0 && filename[..dot].Trim('.').Length > 0 ? (filename[..dot], filename[dot..]) : (filename, "");
    }

    private static async Task<bool> SameContentAsync(string a, string b, CancellationToken cancellationToken)
    {
        if (new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }
        await using var first = File.OpenRead(a);
        await using var second = File.OpenRead(b);
        var left = await SHA256.HashDataAsync(first, cancellationToken);
        var right = await SHA256.HashDataAsync(second, cancellationToken);
        return left.AsSpan().SequenceEqual(right);
    }
}

internal sealed record StagedUpload(string Path, long Size);

/// <summary>The request read past max_upload_size; <see cref="ActualSize"/> is what was read by then (aiohttp reports that).</summary>
internal sealed class UploadTooLargeException(long actualSize) : Exception($"Upload larger than allowed ({actualSize} bytes read)")
{
    public long ActualSize { get; } = actualSize;
}
