namespace OciRuntime.Conformance.Tests;

/// <summary>
/// Issue 10 item 5: with --no-pivot the rootfs is moved onto "/" and chrooted into, so the host's
/// mounts stay in the container's mount namespace. The kernel lets a nested user namespace mount
/// a fresh procfs only when a full procfs is already visible there (mount_too_revealing); the
/// container's own /proc is not (maskedPaths lock files over it), but the host's would be. runc
/// detaches every full proc and sysfs mount outside the rootfs before the move; so must we.
/// The attack is busybox's own `unshare -U -r -m -p -f --mount-proc`: a root-mapped user
/// namespace that mounts a new procfs.
/// </summary>
public class NoPivotTests
{
    const string Attack = "unshare -U -r -m -p -f --mount-proc sh -c 'echo MOUNTED; head -1 /proc/1/status' 2>&1; echo rc=$?";

    /// <summary>
    /// The attacker runs as an ordinary user: mapping uid 0 of the parent needs CAP_SETFCAP (Linux
    /// 5.12+), and any user may create a user namespace.
    /// </summary>
    static Bundle Attacker(Bundle b)
    {
        b.Sh(Attack);
        b.Process["user"] = new System.Text.Json.Nodes.JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        return b;
    }

    [Fact]
    public void NoPivot_NestedUserNamespaceCannotMountProc()
    {
        using var c = new Container("nopivot-proc").Configure(b => Attacker(b));
        var r = c.Run(null, "--no-pivot").ShouldSucceed();
        Assert.DoesNotContain("MOUNTED", r.Stdout);
        // busybox reports the refused mount of proc; the nested namespace itself was allowed.
        Assert.Contains("rc=1", r.Stdout);
        Assert.Contains("mount", r.Stdout);
    }

    /// <summary>
    /// In a user namespace the host's mounts are locked and cannot be detached: they are covered
    /// instead, which the kernel counts as hidden once the container nests another namespace.
    /// </summary>
    [Fact]
    public void NoPivotInAUserNamespace_NestedUserNamespaceCannotMountProc()
    {
        using var c = new Container("nopivot-userns").Configure(b => Attacker(b).UserNamespace());
        var r = c.Run(null, "--no-pivot").ShouldSucceed();
        Assert.DoesNotContain("MOUNTED", r.Stdout);
        Assert.Contains("rc=1", r.Stdout);
    }

    /// <summary>The same attack without --no-pivot: pivot_root already leaves no host mount behind.</summary>
    [Fact]
    public void Pivot_NestedUserNamespaceCannotMountProc()
    {
        using var c = new Container("pivot-proc").Configure(b => Attacker(b));
        var r = c.Run().ShouldSucceed();
        Assert.DoesNotContain("MOUNTED", r.Stdout);
        Assert.Contains("rc=1", r.Stdout);
    }

    /// <summary>Shows the attack itself works: without the container's masks, its own /proc is a full procfs.</summary>
    [Fact]
    public void WithoutMaskedPaths_TheAttackMountsProc()
    {
        using var c = new Container("nomask-proc").Configure(b =>
        {
            Attacker(b);
            b.Linux.Remove("maskedPaths");
            b.Linux.Remove("readonlyPaths");
        });
        var r = c.Run(null, "--no-pivot").ShouldSucceed();
        Assert.Contains("MOUNTED", r.Stdout);
        Assert.Contains("rc=0", r.Stdout);
    }
}
