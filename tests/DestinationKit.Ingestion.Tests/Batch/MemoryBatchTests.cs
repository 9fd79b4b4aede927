using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Exports;

namespace DestinationKit.Ingestion.Tests.Batch;

/// <summary>Runs alone (after the parallel tests): it measures the process's live heap.</summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public sealed class AloneCollection;

[Collection(nameof(AloneCollection))]
public sealed class MemoryBatchTests
{
    [Fact]
    public async Task Progress_is_reported_and_the_readers_live_heap_stays_flat_over_a_large_file()
    {
        var exportTime = new DateTimeOffset(2024, 5, 9, 21, 5, 43, TimeSpan.Zero);
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var writer = new AepExportWriter(Exports.Format(FileType.Csv, Compression.Gzip, 5_000_000), Exports.Layout);
        var profiles = Enumerable.Range(0, 100_000).Select(i => Exports.Profiles(1, "big" + i)[0]);
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, exportTime), profiles);
        var size = new FileInfo(Directory.GetFiles(dir).Single()).Length;
        // The state builder's memory is the store's (docs/benchmarks.md): hold it while the reader is measured.
        h.Store.PauseApplier();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var seen = new List<(BatchProgress Progress, long Live)>();
        // Every 20,000 rows: the heap that is still live after a full collection.
        var progress = new Progress(p => seen.Add((p, GC.GetTotalMemory(forceFullCollection: true))));
        var report = await h.Ingestor.IngestAsync(new LocalFolderStore(dir), Exports.Options() with { ProgressEveryRows = 20_000 }, progress);
        h.Store.ResumeApplier();
        Assert.Equal(100_000, report.Rows);
        Assert.True(seen.Count >= 5, $"progress was reported {seen.Count} times");
        Assert.Equal(seen.Select(p => p.Progress.Rows).Order(), seen.Select(p => p.Progress.Rows));
        Assert.Equal(size, seen[^1].Progress.BytesRead);
        // The file is several times its compressed size as text; the reader holds a few bodies and read-ahead buffers.
        var growth = seen.Max(s => s.Live) - before;
        Assert.True(growth < 24_000_000, $"the live heap grew by {growth / 1e6:F0} MB");
    }

    private sealed class Progress(Action<BatchProgress> report) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => report(value);
    }
}
