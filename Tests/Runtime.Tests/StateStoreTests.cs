using OciRuntime.Errors;
using OciRuntime.State;

namespace OciRuntime.Tests;

public sealed class StateStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ocistate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    [Fact]
    public void SaveThenLoad_RoundTrips()
    {
        var store = new StateStore(_root);
        store.EnsureRoot();
        store.CreateDir("c1");
        store.Save(new ContainerRecord { Id = "c1", Pid = 42, PidStartTime = 7, Bundle = "/b", OciVersion = "1.2.0" });
        ContainerRecord r = store.Load("c1");
        Assert.Equal((42, 7UL, "/b"), (r.Pid, r.PidStartTime, r.Bundle));
    }

    [Fact]
    public void DuplicateCreate_SaysAlreadyExists()
    {
        var store = new StateStore(_root);
        store.EnsureRoot();
        store.CreateDir("c1");
        var e = Assert.Throws<RuntimeException>(() => store.CreateDir("c1"));
        Assert.Equal("container \"c1\" already exists", e.Message);
    }

    [Fact]
    public void MissingContainer_SaysDoesNotExist()
    {
        var e = Assert.Throws<RuntimeException>(() => new StateStore(_root).Load("nope"));
        Assert.Contains("does not exist", e.Message);
    }

    /// <summary>Writers replacing state.json while readers parse it: no reader ever sees a torn file.</summary>
    [Fact]
    public async Task ConcurrentSaves_NeverExposeATornFile()
    {
        var store = new StateStore(_root);
        store.EnsureRoot();
        store.CreateDir("c1");
        store.Save(new ContainerRecord { Id = "c1", Pid = 1 });
        var stop = DateTime.UtcNow.AddSeconds(2);
        int reads = 0;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (int i = 0; DateTime.UtcNow < stop; i++)
                store.Save(new ContainerRecord { Id = "c1", Pid = i, Bundle = new string('x', 100 + i % 5000) });
        })).ToArray();
        var reader = Task.Run(() =>
        {
            while (DateTime.UtcNow < stop)
            {
                ContainerRecord r = store.Load("c1");   // throws "corrupt" on a torn file
                Assert.Equal("c1", r.Id);
                reads++;
            }
        });
        await Task.WhenAll(writers.Append(reader));
        Assert.True(reads > 10, $"only {reads} reads");
    }

    [Fact]
    public void IdLock_IsExclusiveAcrossHolders()
    {
        var store = new StateStore(_root);
        store.EnsureRoot();
        int inside = 0, maxInside = 0;
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 20; i++)
            {
                using var l = IdLock.Acquire(_root, "c1");
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                Thread.SpinWait(1000);
                Interlocked.Decrement(ref inside);
            }
        });
        Assert.Equal(1, maxInside);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int cur;
        while ((cur = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, cur) != cur) { }
    }
}
