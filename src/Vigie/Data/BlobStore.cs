using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Vigie.Data;

/// <summary>
/// Content-addressed store of raw inputs (mails, attachments, evidence) under
/// <c>&lt;data dir&gt;/blobs/ab/cd/&lt;sha256&gt;</c>. A blob is written to a temporary file, flushed to
/// disk, then renamed into place and the directory flushed, so once <see cref="PutAsync"/> returns
/// the bytes survive a crash: this is what lets intake acknowledge a report.
/// </summary>
public sealed partial class BlobStore(IOptions<VigieOptions> options)
{
    private readonly string _root = Path.Combine(options.Value.DataPath, "blobs");

    /// <summary>Stores the bytes (once, however often they come) and returns their SHA-256 and size.</summary>
    public async Task<(string Sha256, long Size)> PutAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var tmpDir = Path.Combine(_root, "tmp");
        Directory.CreateDirectory(tmpDir);
        var tmp = Path.Combine(tmpDir, Guid.NewGuid().ToString("N"));
        try
        {
            string sha;
            long size = 0;
            await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var final = PathOf(sha);
            var dir = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(dir);
            if (File.Exists(final))
            {
                File.Delete(tmp);
            }
            else
            {
                File.Move(tmp, final, overwrite: true);
                FlushDirectory(dir);
            }
            return (sha, size);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    public Stream OpenRead(string sha256) =>
        new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>Removes a blob (the retention purge, docs/privacy.md); the caller checks that nothing else names it. True if it was there.</summary>
    public bool Delete(string sha256)
    {
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    private string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a lower-case SHA-256 hex digest.", nameof(sha256));
        }
        return Path.Combine(_root, sha256[..2], sha256[2..4], sha256);
    }

    // A rename is durable only once its directory entry is on disk (fsync(2) on the directory).
    private static void FlushDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var fd = Open(dir, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}

/// <summary>The content is over the size limit; nothing was stored.</summary>
public sealed class BlobTooLargeException(long limit)
    : Exception($"The content is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}
