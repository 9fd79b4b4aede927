using System.Net;
using DestinationKit.Ingestion.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DestinationKit.Ingestion.Tests;

/// <summary>413, 429 (bounded concurrency and bounded lag) and 503 (store failure), each with ProblemDetails.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task A_body_over_the_limit_answers_413()
    {
        using var app = new TestApp();
        app.Settings["Ingestion:MaxRequestBodyBytes"] = "300";
        var client = app.ClientFor("acme");
        var profiles = Enumerable.Range(0, 10).Select(i => Json.Profile("e", "id-" + i)).ToArray();
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(profiles));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, (await response.ReadAsync()).GetProperty("status").GetInt32());

        // Without Content-Length (chunked) the limit holds as well.
        var chunked = new StreamContent(new NonSeekableStream(Json.Profiles(profiles).ReadAsStream()));
        chunked.Headers.ContentType = new("application/json");
        response = await client.PostAsync("/v1/profiles", chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(profiles[0]))).StatusCode);
    }

    [Fact]
    public async Task Over_the_concurrency_bound_answers_429_with_retry_after()
    {
        var log = new BlockingLog();
        using var app = new TestApp
        {
            TestServices = s =>
            {
                s.RemoveAll<IRequestLog>();
                s.AddSingleton<IRequestLog>(log);
            },
        };
        app.Settings["Ingestion:MaxConcurrentRequests"] = "1";
        app.Settings["Ingestion:MaxQueuedRequests"] = "0";
        app.Settings["Ingestion:RetryAfterSeconds"] = "7";
        var client = app.ClientFor("acme");
        var held = client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "slow")));
        await log.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the first request is inside its handler, holding the only permit

        var rejected = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "fast")));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), rejected.Headers.RetryAfter?.Delta);
        Assert.Equal(429, (await rejected.ReadAsync()).GetProperty("status").GetInt32());

        log.Release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "fast")))).StatusCode);
    }

    [Fact]
    public async Task Bodies_held_in_memory_are_bounded_in_bytes_429_beyond()
    {
        var log = new BlockingLog();
        using var app = new TestApp
        {
            TestServices = s =>
            {
                s.RemoveAll<IRequestLog>();
                s.AddSingleton<IRequestLog>(log);
            },
        };
        app.Settings["Ingestion:MaxBufferedBodyBytes"] = "1000";
        app.Settings["Ingestion:MaxRequestBodyBytes"] = "900";
        app.Settings["Ingestion:RetryAfterSeconds"] = "3";
        var client = app.ClientFor("acme");
        var body = Json.Profile("e", new string('x', 500));
        var held = client.PostAsync("/v1/profiles", Json.Profiles(body)); // about 560 bytes, held until the log answers
        await log.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var second = await client.PostAsync("/v1/profiles", Json.Profiles(body));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), second.Headers.RetryAfter?.Delta);
        Assert.Contains("MaxBufferedBodyBytes", (await second.ReadAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        log.Release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(body))).StatusCode); // released
    }

    [Fact]
    public void A_body_without_a_length_reserves_the_largest_allowed_and_one_over_the_limit_none()
    {
        var options = new IngestionOptions { MaxRequestBodyBytes = 900 };
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        Assert.Equal(900, Profiles.ProfilesEndpoints.Reservation(request, options));
        request.Request.ContentLength = 500;
        Assert.Equal(500, Profiles.ProfilesEndpoints.Reservation(request, options));
        request.Request.ContentLength = 901; // answered 413 before anything is read
        Assert.Equal(0, Profiles.ProfilesEndpoints.Reservation(request, options));
    }

    private sealed class BlockingLog : IRequestLog
    {
        private long _seq;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task;
            return Interlocked.Increment(ref _seq);
        }
    }

    [Fact]
    public async Task When_the_queryable_state_is_too_far_behind_writes_answer_429()
    {
        using var app = new TestApp();
        app.Settings["Ingestion:MaxPendingRequests"] = "1";
        var client = app.ClientFor("acme");
        app.Store.PauseApplier();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "1")))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "2")))).StatusCode);
            var rejected = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "3")));
            Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
            Assert.NotNull(rejected.Headers.RetryAfter);

            var lagging = await (await client.GetAsync("/health/ready")).ReadAsync();
            Assert.Equal(2, lagging.GetProperty("freshness").GetProperty("pendingRequests").GetInt64());
        }
        finally
        {
            app.Store.ResumeApplier();
        }
        await app.CaughtUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "3")))).StatusCode);
    }

    [Fact]
    public async Task A_store_failure_answers_503_with_retry_after()
    {
        using var app = new TestApp
        {
            TestServices = s =>
            {
                s.RemoveAll<IRequestLog>();
                s.AddSingleton<IRequestLog, FailingLog>();
                s.RemoveAll<IStoreHealth>();
                s.AddSingleton<IStoreHealth, FailingLog>();
            },
        };
        var client = app.ClientFor("acme");
        var response = await client.PostAsync("/v1/profiles", Json.Profiles(Json.Profile("e", "1")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.ReadAsync();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("disk I/O", problem.GetRawText(), StringComparison.Ordinal);

        var ready = await app.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode);
    }

    private sealed class FailingLog : IRequestLog, IStoreHealth
    {
        public ValueTask<long> AppendAsync(string tenant, byte[] body, long receivedAtMs, CancellationToken cancellationToken) =>
            throw new StoreUnavailableException("disk I/O error");

        public Task<(bool Healthy, string Description)> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult((false, "log unavailable"));
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
