using System.Diagnostics;
using Runtime.V1;

namespace OciRuntime.Cri.Tests;

/// <summary>
/// Pods created and removed in a loop, as a node churns through short-lived pods, timed per handler
/// (printed to build/cri-report.txt): RunPodSandbox, CreateContainer + StartContainer of a container
/// that exits on SIGTERM, StopPodSandbox, RemovePodSandbox — and nothing left after each.
/// </summary>
[Collection("cri")]
public sealed class PodLoopTests(CriDaemon d)
{
    public static TheoryData<string> Handlers => CriEnv.Handlers;

    [Theory, MemberData(nameof(Handlers))]
    public void Pods_CreatedAndRemovedInALoop_LeaveNothing(string handler)
    {
        d.Require();
        int n = CriEnv.PodLoopCount;
        var perPod = new List<double>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            using var pod = new TestPod(d, handler, "loop");
            string id = pod.Start("app", "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.2; done");
            Assert.Equal(ContainerState.ContainerRunning, pod.Status(id).State);
            pod.StopAndRemove();
            perPod.Add(sw.Elapsed.TotalMilliseconds);
            var left = pod.WaitForNothingLeft();
            Assert.True(left.Count == 0, $"pod {i + 1} of {n} left: {string.Join("; ", left)}");
        }
        total.Stop();
        perPod.Sort();
        CriReport.Line($"{handler}: {n} pods (run sandbox, create + start a container, stop, remove) in {total.Elapsed.TotalSeconds:F1} s; " +
                       $"per pod median {perPod[perPod.Count / 2]:F0} ms, min {perPod[0]:F0} ms, max {perPod[^1]:F0} ms");
    }
}
