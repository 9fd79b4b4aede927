using System.IO.Compression;
using System.Text;
using DestinationKit.Ingestion.Batch;
using DestinationKit.Ingestion.Batch.Stores;
using DestinationKit.Model.Spec;
using DestinationKit.Simulator.Exports;

namespace DestinationKit.Ingestion.Tests.Batch;

/// <summary>The batch reader over a local folder: every format and compression, splits, idempotency, overwrites and bad input.</summary>
public sealed class LocalFolderBatchTests
{
    private static readonly DateTimeOffset ExportTime = new(2024, 5, 9, 21, 5, 43, TimeSpan.Zero);

    public static TheoryData<FileType, Compression> Formats()
    {
        var data = new TheoryData<FileType, Compression>();
        foreach (var (t, c) in Exports.Matrix)
        {
            data.Add(t, c);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Split_exports_of_two_audiences_are_ingested_exactly_once(FileType type, Compression compression)
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var expected = await Exports.WriteRunAsync(dir, Exports.Format(type, compression), ExportTime);
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        // 17 rows split every 7: name, name_2, name_3 for each audience.
        Assert.Equal(6, files.Length);
        Assert.Contains($"Acme_{Exports.Audience1}_20240509_210543_3{ExportFileNames.Extension(Exports.Format(type, compression))}", files);

        var store = new LocalFolderStore(dir);
        var report = await h.IngestAsync(store, Exports.Options());
        Assert.True(6 == report.Count(FileStatus.Ingested), Exports.Describe(report));
        Assert.Equal(0, report.Quarantined);
        Assert.Equal(Exports.Rows(expected), report.Rows);
        Assert.Equal(Exports.Rows(expected), h.Log.Profiles);
        await Exports.AssertStoredAsync(h.Store, expected, type, ExportTime);

        // Running again over the same files adds nothing.
        var records = h.Log.Records;
        var again = await h.IngestAsync(store, Exports.Options());
        Assert.Equal(6, again.Count(FileStatus.Skipped));
        Assert.Equal(records, h.Log.Records);
        Assert.Equal(0, again.Rows);
    }

    [Fact]
    public async Task An_overwritten_file_is_read_again_and_its_newer_content_wins()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var format = Exports.Format(FileType.Csv, Compression.Gzip, maxRows: 1000);
        // Without DATETIME the name is static: each run overwrites the last file (shared/AEP.md §4.4).
        var writer = new AepExportWriter(format, Exports.Layout) { AppendOptions = [] };
        var first = Exports.Profiles(5);
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime), first);
        File.SetLastWriteTimeUtc(Directory.GetFiles(dir).Single(), ExportTime.UtcDateTime);
        var store = new LocalFolderStore(dir);
        Assert.Equal(5, (await h.IngestAsync(store, Exports.Options())).Rows);

        var second = first.Select((p, i) => i == 2 ? p with { Status = "exited" } : p).ToList();
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime.AddDays(1)), second);
        File.SetLastWriteTimeUtc(Directory.GetFiles(dir).Single(), ExportTime.AddDays(1).UtcDateTime);
        var report = await h.IngestAsync(store, Exports.Options());
        Assert.Equal(FileStatus.Ingested, report.Files.Single().Status);
        Assert.Equal(5, report.Rows);
        var view = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "p2@example.com", CancellationToken.None);
        Assert.Equal("exited", view!.Audiences["ups"][Exports.Audience1].Status);
        // Without a time in the name, the file's modification time is the export time.
        Assert.Equal(ExportTime.AddDays(1), view.Audiences["ups"][Exports.Audience1].QualifiedAt);
        Assert.Equal(FileStatus.Skipped, (await h.IngestAsync(store, Exports.Options())).Files.Single().Status);
    }

    [Fact]
    public async Task A_corrupt_gzip_is_reported_with_its_offset_and_left_in_place_and_the_other_files_are_ingested()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var expected = await Exports.WriteRunAsync(dir, Exports.Format(FileType.Csv, Compression.Gzip, maxRows: 5000), ExportTime, perAudience: 2000);
        var victim = Directory.GetFiles(dir).Single(f => f.Contains(Exports.Audience2, StringComparison.Ordinal));
        var bytes = File.ReadAllBytes(victim);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        File.WriteAllBytes(victim, bytes);

        var store = new LocalFolderStore(dir);
        var report = await h.IngestAsync(store, Exports.Options());
        var failed = report.Files.Single(f => f.Status == FileStatus.Failed);
        Assert.Equal(Path.GetFileName(victim), failed.Path);
        Assert.StartsWith("corrupt gzip data at byte ", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"of {bytes.Length}", failed.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(victim), "an unreadable file is never deleted");
        Assert.Equal(2000, report.Files.Single(f => f.Status == FileStatus.Ingested).Rows);
        await Exports.AssertStoredAsync(h.Store, new() { [Exports.Audience1] = expected[Exports.Audience1] }, FileType.Csv, ExportTime);

        // Unchanged, it is reported again but not read again (nothing more is logged).
        var records = h.Log.Records;
        var again = await h.IngestAsync(store, Exports.Options());
        Assert.StartsWith("unchanged since it failed: corrupt gzip data", again.Files.Single(f => f.Status == FileStatus.Failed).Message, StringComparison.Ordinal);
        Assert.Equal(records, h.Log.Records);
        Assert.Equal(FileOutcome.Failed, h.Ledger.Load(store.Location)[Path.GetFileName(victim)].Outcome);
    }

    [Fact]
    public async Task A_truncated_gzip_is_reported()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        await Exports.WriteRunAsync(dir, Exports.Format(FileType.Json, Compression.Gzip, maxRows: 1000), ExportTime, perAudience: 500);
        var victim = Directory.GetFiles(dir).First();
        var bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        var failed = report.Files.Single(f => f.Status == FileStatus.Failed);
        Assert.Matches("^(corrupt gzip data|truncated or corrupt data) at byte [0-9]+ of [0-9]+", failed.Message);
    }

    [Fact]
    public async Task Bad_rows_are_quarantined_with_file_row_and_line_and_the_rest_is_ingested()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var name = $"Acme_{Exports.Audience1}_20240509_210543.csv";
        File.WriteAllText(Path.Combine(dir, name),
            "email,crm_id,segmentMembership.status,firstName,age\n" +
            "a@x.com,C1,realized,Ada,36\n" +
            "b@x.com,C2,realized,\"multi\nline\",40\n" +
            "c@x.com,C3,realized,Bob\n" +                  // row 3 (line 5): a field short
            ",,realized,Nobody,1\n" +                       // row 4 (line 6): no identity
            "d@x.com,C4,maybe,Dee,2\n" +                    // row 5 (line 7): bad status
            "e@x.com,C5,realized,Eve,not-a-number\n" +      // row 6 (line 8): not a number
            "f@x.com,C6,exited,Fay,50\n");
        var options = Exports.Options() with { ColumnTypes = new Dictionary<string, ColumnType> { ["age"] = ColumnType.Number } };
        var report = await h.IngestAsync(new LocalFolderStore(dir), options);
        var file = report.Files.Single();
        Assert.Equal(FileStatus.Ingested, file.Status);
        Assert.Equal(3, file.Rows);
        Assert.Equal(4, file.Quarantined);
        var q = h.Ledger.Quarantined(new LocalFolderStore(dir).Location);
        Assert.Equal([3L, 4L, 5L, 6L], q.Select(r => r.Row));
        Assert.Equal([5L, 6L, 7L, 8L], q.Select(r => r.Line)); // row 2 spans lines 3 and 4
        Assert.All(q, r => Assert.Equal(name, r.Path));
        Assert.Equal("wrong number of fields (the header has a different count)", q[0].Reason);
        Assert.Equal("c@x.com,C3,realized,Bob", q[0].Raw);
        Assert.Equal("no identity: every identity column is empty", q[1].Reason);
        Assert.Equal("status 'maybe' is not realized, existing or exited", q[2].Reason);
        Assert.Equal("column age: 'not-a-number' is not a number", q[3].Reason);
        var b = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "b@x.com", CancellationToken.None);
        Assert.Equal("\"multi\\nline\"", b!.AttributesRawJson["firstName"]);
        Assert.Equal("36", (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "a@x.com", CancellationToken.None))!.AttributesRawJson["age"]);
        Assert.Equal("exited", (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "f@x.com", CancellationToken.None))!.Audiences["ups"][Exports.Audience1].Status);
    }

    [Fact]
    public async Task Bad_json_lines_are_quarantined_with_their_line()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        File.WriteAllText(Path.Combine(dir, $"Acme_{Exports.Audience2}_20240509_210543.json"),
            "{\"email\":\"a@x.com\",\"segmentMembership\":{\"status\":\"realized\"},\"person\":{\"name\":\"Ada\"}}\n" +
            "{\"email\":\"b@x.com\",\n" +
            "[1,2]\n" +
            "\n" +
            "{\"email\":[\"c@x.com\",\"c2@x.com\"],\"tags\":[\"x\"]}\n" +
            "{\"email\":[\"d@x.com\",\"d2@x.com\"],\"n\":1.25e2}\r\n");
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        Assert.Equal(2, report.Rows);
        var q = report.Files.Single().QuarantineSample;
        Assert.Equal([2L, 3L, 5L], q.Select(r => r.Line));
        Assert.StartsWith("not valid JSON", q[0].Reason, StringComparison.Ordinal);
        Assert.Equal("not a JSON object", q[1].Reason);
        Assert.Equal("attribute tags is an array; AEP exports no arrays except identities", q[2].Reason);
        var a = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "a@x.com", CancellationToken.None);
        Assert.Equal("\"Ada\"", a!.AttributesRawJson["person.name"]);
        var d2 = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "d2@x.com", CancellationToken.None);
        Assert.Equal("1.25e2", d2!.AttributesRawJson["n"]);
    }

    public static TheoryData<string, string, string, string> CsvDialects() => new()
    {
        // sep, quote, escape, line ends
        { ",", "\"", "\\", "\n" },
        { ",", "\"", "\\", "\r\n" },
        { ";", "\"", "\\", "\n" },
        { "|", "\"", "'", "\r\n" },
        { "\t", "\"", "\\", "\n" },
        { "||", "\"", "\\", "\n" },
        { "::", "\"", "\\", "\r\n" },
        { ",", "\"", "\"", "\n" },
    };

    [Theory]
    [MemberData(nameof(CsvDialects))]
    public async Task Csv_edge_cases_round_trip_in_every_dialect(string sep, string quote, string escape, string newLine)
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var csv = Exports.SparkCsv with { Sep = sep, Quote = quote, Escape = escape };
        var expected = await Exports.WriteRunAsync(dir, Exports.Format(FileType.Csv, Compression.None, maxRows: 1000, csv), ExportTime,
            perAudience: Exports.HardValues.Length * 2, newLine: newLine);
        var text = File.ReadAllText(Directory.GetFiles(dir).First());
        Assert.Contains(sep, text, StringComparison.Ordinal);
        if (newLine == "\r\n")
        {
            Assert.DoesNotContain("\n\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options(csv));
        Assert.Equal(0, report.Quarantined);
        Assert.Equal(Exports.Rows(expected), report.Rows);
        await Exports.AssertStoredAsync(h.Store, expected, FileType.Csv, ExportTime);
    }

    [Fact]
    public async Task Null_and_empty_are_told_apart_by_Spark_options_and_a_literal_null_value_reads_as_null()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var name = $"Acme_{Exports.Audience1}_20240509_210543.csv";
        // nullValue "NULL", emptyValue "" (written as nothing): a,NULL,"" and a,,
        File.WriteAllText(Path.Combine(dir, name), "email,a,b,c\nx@y.z,NULL,,\"\"\nw@y.z,\"NULL\",plain,\"with \\\"escaped\\\" quotes, and a comma\"\n");
        var options = Exports.Options() with { Csv = new CsvReadOptions { NullValue = "NULL", EmptyValue = "" } };
        var report = await h.IngestAsync(new LocalFolderStore(dir), options);
        Assert.Equal(2, report.Rows);
        var x = (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "x@y.z", CancellationToken.None))!.AttributesRawJson;
        Assert.Equal("null", x["a"]);
        Assert.Equal("\"\"", x["b"]);
        Assert.Equal("\"\"", x["c"]);
        var w = (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "w@y.z", CancellationToken.None))!.AttributesRawJson;
        Assert.Equal("\"NULL\"", w["a"]); // quoted, so the text, not the null marker
        Assert.Equal("\"with \\\"escaped\\\" quotes, and a comma\"", w["c"]);
    }

    [Fact]
    public async Task With_AEPs_default_csvOptions_null_and_empty_are_both_written_as_nothing_and_read_as_null()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var csv = AepExportWriter.SparkDefaults; // nullValue "" and emptyValue "" as AEP's destination server sets them
        var writer = new AepExportWriter(new FileFormat(FileType.Csv, Compression.None, csv, 1000), Exports.Layout);
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime), Exports.Profiles(4));
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options(csv));
        Assert.Equal(4, report.Rows);
        var p0 = (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "p0@example.com", CancellationToken.None))!.AttributesRawJson;
        var p1 = (await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "p1@example.com", CancellationToken.None))!.AttributesRawJson;
        Assert.Equal("null", p0["note"]); // null
        Assert.Equal("null", p1["note"]); // "" — indistinguishable in the file
    }

    [Fact]
    public async Task A_manifest_gates_the_run_and_its_scheduled_time_dates_files_without_a_time_in_the_name()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var format = Exports.Format(FileType.Csv, Compression.None, maxRows: 1000);
        var writer = new AepExportWriter(format, Exports.Layout) { AppendOptions = [] };
        var result = await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime), Exports.Profiles(3));
        var store = new LocalFolderStore(dir);
        // An earlier run's manifest exists, so files that no manifest lists yet wait.
        await AepExportWriter.WriteManifestAsync(dir, "dest-1", "run-0", ExportTime.AddDays(-1), "/acme", []);
        var waiting = await h.IngestAsync(store, Exports.Options());
        Assert.Equal(FileStatus.Waiting, waiting.Files.Single().Status);
        Assert.Equal("not listed in any manifest yet (the export run is not complete)", waiting.Files.Single().Message);
        Assert.Equal(0, h.Log.Records);

        var scheduled = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await AepExportWriter.WriteManifestAsync(dir, "dest-1", "run-1", scheduled, "/acme", result.Files);
        Assert.True(File.Exists(Path.Combine(dir, "manifest-dest-1-run-1.json")));
        var report = await h.IngestAsync(store, Exports.Options());
        Assert.Equal(3, report.Rows);
        var view = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "p0@example.com", CancellationToken.None);
        Assert.Equal(scheduled, view!.Audiences["ups"][Exports.Audience1].QualifiedAt);
    }

    [Fact]
    public async Task A_file_larger_than_its_manifest_says_waits()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var writer = new AepExportWriter(Exports.Format(FileType.Json, Compression.None, maxRows: 1000), Exports.Layout);
        var result = await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime), Exports.Profiles(3));
        await AepExportWriter.WriteManifestAsync(dir, "d", "r", ExportTime, "/", result.Files.Select(f => f with { Size = f.Size - 1 }));
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        Assert.Equal(FileStatus.Waiting, report.Files.Single().Status);
        Assert.Contains("differs from the", report.Files.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_whose_name_has_no_audience_fails_precisely_unless_the_audience_is_given()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        File.WriteAllText(Path.Combine(dir, "export.csv"), "email\na@b.c\n");
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        Assert.StartsWith("the file name has no audience id", report.Files.Single().Message, StringComparison.Ordinal);
        var given = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options() with { AudienceId = "aud-1", RetryFailed = true });
        Assert.Equal(1, given.Rows);
    }

    [Fact]
    public async Task Per_audience_folders_and_TIMESTAMP_names_give_the_audience_and_time()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var folder = Path.Combine(dir, "acme", Exports.Audience2);
        var writer = new AepExportWriter(Exports.Format(FileType.Csv, Compression.Gzip, 1000), Exports.Layout)
        {
            DefaultFilename = "%DESTINATION%_%SEGMENT_NAME%", AppendOptions = ["TIMESTAMP"],
        };
        await writer.WriteAudienceAsync(folder, new ExportNameContext("Acme", Exports.Audience2, ExportTime) { SegmentName = "Loyal_customers" }, Exports.Profiles(2));
        Assert.Equal($"Acme_Loyal_customers_{ExportTime.ToUnixTimeSeconds()}.csv.gz", Path.GetFileName(Directory.GetFiles(folder).Single()));
        var report = await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        Assert.Equal(Exports.Audience2, report.Files.Single().AudienceId);
        Assert.Equal(ExportTime, report.Files.Single().ExportTime);
    }

    [Fact]
    public async Task An_older_export_read_after_a_newer_one_does_not_undo_it()
    {
        var dir = Exports.TempDirectory();
        await using var h = await BatchHarness.StartAsync();
        var writer = new AepExportWriter(Exports.Format(FileType.Csv, Compression.None, 1000), Exports.Layout);
        var profiles = Exports.Profiles(1);
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime.AddDays(1)), [profiles[0] with { Status = "exited" }]);
        await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        await writer.WriteAudienceAsync(dir, new ExportNameContext("Acme", Exports.Audience1, ExportTime), profiles);
        await h.IngestAsync(new LocalFolderStore(dir), Exports.Options());
        var view = await h.Store.GetProfileAsync(BatchHarness.Tenant, "email", "p0@example.com", CancellationToken.None);
        Assert.Equal("exited", view!.Audiences["ups"][Exports.Audience1].Status);
    }

    [Fact]
    public async Task The_batch_command_ingests_a_folder_and_reports_each_file()
    {
        var dir = Exports.TempDirectory();
        var data = Exports.TempDirectory();
        await Exports.WriteRunAsync(dir, Exports.Format(FileType.Csv, Compression.Gzip, 1000), ExportTime, perAudience: 3);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await BatchCli.RunAsync(["batch", "ingest", "--source", dir, "--tenant", "acme", "--identity-columns", "email,crm_id",
            "--empty-value", "\"\"", "--data-dir", data], output, error);
        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains($"ingested  Acme_{Exports.Audience1}_20240509_210543.csv.gz  audience={Exports.Audience1}", text, StringComparison.Ordinal);
        Assert.Contains(": 2 ingested (6 rows, 0 quarantined), 0 skipped, 0 failed, 0 waiting", text, StringComparison.Ordinal);
        output = new StringWriter();
        Assert.Equal(0, await BatchCli.RunAsync(["batch", "ingest", "--source", dir, "--tenant", "acme", "--identity-columns", "email", "--data-dir", data], output, error));
        Assert.Contains(": 0 ingested (0 rows, 0 quarantined), 2 skipped", output.ToString(), StringComparison.Ordinal);
        output = new StringWriter();
        Assert.Equal(0, await BatchCli.RunAsync(["batch", "status", "--data-dir", data], output, error));
        Assert.Contains("2 files remembered", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await BatchCli.RunAsync(["batch", "ingest", "--source", dir], output, error));
        Assert.Contains("--tenant is required", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watch_command_picks_up_files_that_arrive_later_and_stops_on_cancel()
    {
        var dir = Exports.TempDirectory();
        var data = Exports.TempDirectory();
        var output = new SyncWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = BatchCli.RunAsync(["batch", "watch", "--source", dir, "--tenant", "acme", "--identity-columns", "email,crm_id",
            "--empty-value", "\"\"", "--data-dir", data, "--interval", "0.2"], output, new SyncWriter(), cts.Token);
        await WaitForAsync(() => output.Text.Contains(": 0 ingested (0 rows", StringComparison.Ordinal));
        await Exports.WriteRunAsync(dir, Exports.Format(FileType.Json, Compression.Gzip, 1000), ExportTime, perAudience: 4);
        await WaitForAsync(() => output.Text.Contains(": 2 ingested (8 rows, 0 quarantined)", StringComparison.Ordinal));
        await cts.CancelAsync();
        Assert.Equal(0, await watch);
    }

    [Fact]
    public async Task The_watch_command_outlives_an_unreachable_location()
    {
        var dir = Path.Combine(Exports.TempDirectory(), "not-yet");
        var data = Exports.TempDirectory();
        var output = new SyncWriter();
        var error = new SyncWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = BatchCli.RunAsync(["batch", "watch", "--source", dir, "--tenant", "acme", "--identity-columns", "email",
            "--data-dir", data, "--interval", "0.2"], output, error, cts.Token);
        await WaitForAsync(() => error.Text.Contains("DirectoryNotFoundException", StringComparison.Ordinal) && error.Text.Contains("trying again", StringComparison.Ordinal));
        await Exports.WriteRunAsync(dir, Exports.Format(FileType.Csv, Compression.None, 1000), ExportTime, perAudience: 2);
        await WaitForAsync(() => output.Text.Contains(": 2 ingested (4 rows", StringComparison.Ordinal));
        await cts.CancelAsync();
        Assert.Equal(0, await watch);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }

    private sealed class SyncWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return ToString();
                }
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
            }
        }
    }

    [Fact]
    public void Gzip_sniffing_reads_a_compressed_file_without_gz_extension()
    {
        var bytes = new MemoryStream();
        using (var gz = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes("email\na@b.c\n"));
        }
        Assert.Equal(0x1f, bytes.ToArray()[0]);
    }
}
