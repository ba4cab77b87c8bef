using System.Text.Json.Nodes;

namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Concurrent runtimes on one --root (DEVELOPERS.md rule 5): racing creates of one id leave exactly
/// one container and a state.json that always parses; racing deletes never fail with a torn state.
/// </summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task RacingCreatesOfOneId_OneWins_StateIsNeverTorn()
    {
        using var c = new Container("race").Configure(b => b.Args("sleep", "100"));
        // config.json is written once, before the race: Container.Create rewrites it each call,
        // and a runtime reading it mid-write would fail for the test's sake, not its own.
        c.Bundle.Save();
        var detached = RunOptions.Default with { DetachedStdio = true };
        var results = new CliResult[6];
        Parallel.For(0, results.Length, i => results[i] = c.Cli.Exec(["create", "--bundle", c.Bundle.Dir, c.Id], detached));

        int winners = results.Count(r => r.ExitCode == 0);
        Assert.True(winners == 1, "exactly one create must win:\n" + string.Join("\n", results.Select(r => $"{r.ExitCode}: {r.Stderr.Trim()}")));
        foreach (var loser in results.Where(r => r.ExitCode != 0))
            Assert.Contains("already exists", loser.Stderr);

        string stateFile = Path.Combine(c.RootDir, c.Id, "state.json");
        if (File.Exists(stateFile))
            Assert.NotNull(JsonNode.Parse(File.ReadAllText(stateFile)));   // our runtime's own file
        Assert.Equal("created", c.Status());

        // Concurrent state readers while the container is deleted: each sees a whole state or none.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                var r = c.State();
                if (r.ExitCode == 0) Assert.NotNull(JsonNode.Parse(r.Stdout));
                else Assert.Contains("does not exist", r.Stderr);
            }
        })).ToArray();
        c.Delete(force: true).ShouldSucceed();
        await Task.WhenAll(readers);
    }
}
