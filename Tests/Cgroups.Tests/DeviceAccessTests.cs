using OciRuntime.Spec.Config;

namespace OciRuntime.Cgroups.Tests;

/// <summary>linux.resources.devices[].access as runc 1.1.5 reads it: r, w, m in any order and number; other characters ignored; none of them refused.</summary>
public class DeviceAccessTests
{
    [Theory]
    [InlineData("rwm", DeviceAccess.All)]
    [InlineData("mwr", DeviceAccess.All)]
    [InlineData("rrw", DeviceAccess.Read | DeviceAccess.Write)]
    [InlineData("rwmrwm", DeviceAccess.All)]
    [InlineData("m", DeviceAccess.Mknod)]
    [InlineData("wrx", DeviceAccess.Read | DeviceAccess.Write)]   // runc applies rw
    [InlineData("rw ", DeviceAccess.Read | DeviceAccess.Write)]
    public void Accepted_AsTheUnionOfItsRwm(string access, DeviceAccess expected) =>
        Assert.Equal(expected, DeviceAccessText.Parse(access, "x"));

    [Theory]
    [InlineData("RW")]
    [InlineData("x")]
    [InlineData(" ")]
    public void WithoutAnyOfRwm_IsRefused(string access) =>
        Assert.Contains("none of r, w, m", Assert.Throws<CgroupException>(() => DeviceAccessText.Parse(access, "linux.resources.devices[0].access")).Message);

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void EmptyOrMissing_IsRefused_AsRuncDoes(string? access) =>
        Assert.Contains("cannot be empty", Assert.Throws<CgroupException>(() =>
            DeviceRule.FromSpec(new LinuxDeviceCgroup { Allow = true, Type = "c", Major = 1, Minor = 3, Access = access }, 0)).Message);

    [Fact]
    public void IgnoredCharacters_AreWarnedAbout_OncePerRule()
    {
        var w = DeviceRule.AccessWarnings([
            new LinuxDeviceCgroup { Allow = true, Access = "rwm" },
            new LinuxDeviceCgroup { Allow = true, Access = "rwx" },
        ]);
        Assert.Equal("linux.resources.devices[1].access: ignoring \"x\" in \"rwx\" (only r, w and m have a meaning), as runc does", Assert.Single(w));
    }
}
