using OciRuntime.Cgroups.Systemd;

namespace OciRuntime.Cgroups.Tests;

/// <summary>org.systemd.property.* annotations → unit properties, with runc 1.1.5's name and …Sec rules.</summary>
public class AnnotationPropertiesTests
{
    private static List<string> Props(params (string Key, string Value)[] a) =>
        AnnotationProperties.From(a.ToDictionary(x => x.Key, x => x.Value)).Select(p => p.Describe()).ToList();

    [Fact]
    public void Annotations_BecomeProperties_InKeyOrder_OthersIgnored()
    {
        var p = Props(("org.systemd.property.TimeoutStopUSec", "uint64 123456789"),
                      ("org.systemd.property.CollectMode", "'inactive-or-failed'"),
                      ("com.example.other", "not gvariant"),
                      ("org.systemd.property.Delegate", "false"));
        Assert.Equal(new[] { "CollectMode='inactive-or-failed'", "Delegate=false", "TimeoutStopUSec=@t 123456789" }, p);
    }

    [Theory]
    [InlineData("TimeoutStopSec", "123", "TimeoutStopUSec=@t 123000000")]
    [InlineData("RuntimeMaxSec", "uint64 2", "RuntimeMaxUSec=@t 2000000")]
    [InlineData("TimeoutStopSec", "1.5", "TimeoutStopUSec=@t 1500000")]
    [InlineData("TimeoutStopSec", "byte 3", "TimeoutStopUSec=@t 3000000")]
    [InlineData("TimeoutStopSec", "int16 4", "TimeoutStopUSec=@t 4000000")]
    [InlineData("CPUQuotaPerSecUSec", "uint64 10000", "CPUQuotaPerSecUSec=@t 10000")] // "USec": no conversion
    [InlineData("FooSec", "uint64 1", "FooUSec=@t 1000000")]
    public void SecSuffix_AfterALowercaseLetter_IsSecondsToUSec(string name, string value, string expected)
    {
        Assert.Equal(new[] { expected }, Props(("org.systemd.property." + name, value)));
    }

    [Theory]
    [InlineData("org.systemd.property.TimeoutStopSec", "'ten'", "not a number of seconds")]
    [InlineData("org.systemd.property.TimeoutStopSec", "-1", "out of range")]
    [InlineData("org.systemd.property.TimeoutStopSec", "uint64 18446744073710", "out of range")]
    [InlineData("org.systemd.property.CollectMode", "inactive-or-failed", "is not a GVariant text value: unknown word")]
    [InlineData("org.systemd.property.CollectMode", "", "is not a GVariant text value")]
    [InlineData("org.systemd.property.Ab", "true", "not a systemd property name")]
    [InlineData("org.systemd.property.Memory_Max", "1", "not a systemd property name")]
    [InlineData("org.systemd.property.", "1", "not a systemd property name")]
    public void Refusals_NameTheAnnotationsJsonPath(string key, string value, string why)
    {
        var e = Assert.Throws<CgroupException>(() => Props((key, value)));
        Assert.StartsWith($"annotations[\"{key}\"]: ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("Slice")]
    [InlineData("PIDs")]
    public void PropertiesThatDecideTheCgroup_AreRefused(string name)
    {
        var e = Assert.Throws<CgroupException>(() => Props(("org.systemd.property." + name, name == "PIDs" ? "[uint32 1]" : "'user.slice'")));
        Assert.Contains("cannot be overridden", e.Message);
    }

    [Fact]
    public void AnnotationProperties_GoAfterTheDriversOwn_SoTheyWin()
    {
        var own = UnitProperties.ForScope("system.slice", "d", 1, null);
        own.AddRange(AnnotationProperties.From(new Dictionary<string, string> { ["org.systemd.property.Delegate"] = "false" }));
        Assert.Equal("Delegate=false", own[^1].Describe());
        Assert.Equal("b", own[^1].Signature);
    }
}
