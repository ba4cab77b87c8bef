namespace OciRuntime.Tests;

public class SmokeTests
{
    [Fact]
    public void RuntimeAssemblyLoads() => Assert.Equal("oci-runtime", typeof(OciRuntime.Program).Assembly.GetName().Name);
}
