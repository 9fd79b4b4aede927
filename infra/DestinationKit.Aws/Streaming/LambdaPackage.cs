using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Pulumi;

namespace DestinationKit.Aws.Streaming;

/// <summary>The function's deployment package: the published app (self-contained, linux-x64) and a <c>bootstrap</c>
/// that starts it, which is what Lambda's custom runtime (<c>provided.al2023</c>) runs; the Lambda Web Adapter layer
/// relays the invocations to it. The zip is built the same way every time (entries in ordinal order, fixed
/// timestamps, Unix modes set explicitly), so an unchanged app gives an unchanged package and no redeployment.</summary>
public sealed record LambdaPackage(string ZipPath, string Sha256Base64, string Sha256Hex)
{
    /// <summary>The app's executable in the published folder (the project's assembly name).</summary>
    public const string AppHost = "DestinationKit.Ingestion";

    public const string Bootstrap = "bootstrap";

    /// <summary>What Lambda runs: the app, replacing the shell, from the function's code folder.</summary>
    public const string BootstrapScript = "#!/bin/sh\n# Lambda's custom runtime starts this; the Lambda Web Adapter extension relays each invocation to the app.\nexec \"$LAMBDA_TASK_ROOT/" + AppHost + "\"\n";

    private const int Executable = 0b111_101_101; // rwxr-xr-x
    private const int Readable = 0b110_100_100; // rw-r--r--

    /// <summary>Zip timestamps (the format has no time zone and starts in 1980); any fixed value keeps the hash stable.</summary>
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Files Lambda must be able to execute: the bootstrap, the app host and .NET's crash-dump helper.</summary>
    private static readonly HashSet<string> ExecutableFiles = new(StringComparer.Ordinal) { Bootstrap, AppHost, "createdump" };

    /// <summary>Zips <paramref name="appFolder"/> with the bootstrap into <paramref name="outputFolder"/>. The zip is
    /// named after a digest of what goes into it, so a preview and the update after it (or a run with an unchanged app)
    /// reuse it instead of compressing the app again. Throws <see cref="RunException"/> when the folder is not a
    /// published app.</summary>
    public static LambdaPackage Create(string appFolder, string outputFolder)
    {
        ArgumentNullException.ThrowIfNull(appFolder);
        ArgumentNullException.ThrowIfNull(outputFolder);
        if (!File.Exists(Path.Combine(appFolder, AppHost)))
        {
            throw new RunException($"{appFolder} has no {AppHost} executable, so it is not the ingestion app published for Lambda; "
                + $"publish it with `dotnet publish app/DestinationKit.Ingestion -c Release -r linux-x64 --self-contained true -o <folder>` "
                + $"(what `pulumi up` does unless {DestinationKit.Streaming.AppPackage.OverrideVariable} names a folder).");
        }
        if (File.Exists(Path.Combine(appFolder, Bootstrap)))
            throw new RunException($"{appFolder} already holds a file named {Bootstrap}, which the Lambda package adds itself; remove it.");

        Directory.CreateDirectory(outputFolder);
        var files = Files(appFolder);
        var zipPath = Path.Combine(outputFolder, $"ingestion-{InputDigest(files)}.zip");
        if (!File.Exists(zipPath))
        {
            var temporary = Path.Combine(outputFolder, $"ingestion-{Guid.NewGuid():N}.tmp");
            try
            {
                using (var file = File.Create(temporary))
                {
                    Write(files, file);
                    MarkMadeOnUnix(file);
                }
                File.Move(temporary, zipPath, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        byte[] hash;
        using (var file = File.OpenRead(zipPath))
        {
            hash = SHA256.HashData(file);
        }
        return new LambdaPackage(zipPath, Convert.ToBase64String(hash), Convert.ToHexStringLower(hash));
    }

    /// <summary>The app's files in the order they are zipped, with their names in the zip.</summary>
    private static IReadOnlyList<(string Path, string Name)> Files(string appFolder) =>
        [.. Directory.EnumerateFiles(appFolder, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Name: Path.GetRelativePath(appFolder, path).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>SHA-256 over the bootstrap and each file's name and content (and this format's version): what
    /// decides the zip's bytes.</summary>
    private static string InputDigest(IReadOnlyList<(string Path, string Name)> files)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        digest.AppendData(Encoding.UTF8.GetBytes($"lambda-package-v1\0{BootstrapScript}\0"));
        foreach (var (path, name) in files)
        {
            digest.AppendData(Encoding.UTF8.GetBytes($"{name}\0{new FileInfo(path).Length}\0"));
            using var content = File.OpenRead(path);
            var buffer = new byte[81920];
            int read;
            while ((read = content.Read(buffer)) > 0) digest.AppendData(buffer.AsSpan(0, read));
        }
        return Convert.ToHexStringLower(digest.GetHashAndReset())[..32];
    }

    /// <summary>The S3 key of the package in the sink bucket: outside the prefixes the function may use, and named after
    /// the content, so a new app is a new object and the function is updated exactly when the app changed.</summary>
    public string ObjectKey => $"{KeyPrefix}ingestion-{Sha256Hex}.zip";

    public const string KeyPrefix = "deployments/";

    private static void Write(IReadOnlyList<(string Path, string Name)> files, Stream output)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, Bootstrap, Encoding.UTF8.GetBytes(BootstrapScript));
        foreach (var (path, name) in files)
        {
            var entry = NewEntry(zip, name);
            using var target = entry.Open();
            using var source = File.OpenRead(path);
            source.CopyTo(target);
        }
    }

    /// <summary>Marks every entry as made on Unix (the upper byte of "version made by" in the central directory).
    /// Unzip tools, Lambda's included, apply the Unix modes only to such entries, and .NET writes the system it runs on,
    /// so a package built on Windows would lose its executable bits (the adapter's docs warn about exactly that).</summary>
    private static void MarkMadeOnUnix(FileStream zip)
    {
        const int endRecordLength = 22; // no archive comment is written
        const int unix = 3;
        Span<byte> end = stackalloc byte[endRecordLength];
        zip.Seek(-endRecordLength, SeekOrigin.End);
        zip.ReadExactly(end);
        if (BinaryPrimitives.ReadUInt32LittleEndian(end) != 0x06054b50)
            throw new InvalidOperationException("the zip's end of central directory record is not where a zip without a comment has it");
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long position = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        Span<byte> header = stackalloc byte[46];
        for (var i = 0; i < entries; i++)
        {
            zip.Seek(position, SeekOrigin.Begin);
            zip.ReadExactly(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != 0x02014b50)
                throw new InvalidOperationException($"central directory entry {i} of the zip has no header signature");
            zip.Seek(position + 5, SeekOrigin.Begin);
            zip.WriteByte(unix);
            position += header.Length + BinaryPrimitives.ReadUInt16LittleEndian(header[28..]) + BinaryPrimitives.ReadUInt16LittleEndian(header[30..])
                + BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var target = NewEntry(zip, name).Open();
        target.Write(content);
    }

    private static ZipArchiveEntry NewEntry(ZipArchive zip, string name)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime;
        // The upper 16 bits of the external attributes are the Unix mode (regular file, 0100000, plus permissions),
        // which Lambda applies when it unpacks the package.
        entry.ExternalAttributes = (0x8000 | (ExecutableFiles.Contains(name) ? Executable : Readable)) << 16;
        return entry;
    }
}
