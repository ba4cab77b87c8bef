using OciRuntime.Spec.Loading;
using OciRuntime.Spec.Validation;

namespace OciRuntime.Spec.Tests;

/// <summary>Syntax and type errors: a SpecException naming the JSON path in the spec's dotted form.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":5}]}}",
        "linux.namespaces[2].type", "expected a string, got number 5")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1}}}",
        "process.user.uid", "expected an unsigned 32-bit integer (0 to 4294967295), got number -1")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296}}}",
        "process.user.uid", "got number 4294967296")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"process\":{\"cwd\":null}}",
        "process.cwd", "expected a string, got null")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"process\":{\"terminal\":\"yes\"}}",
        "process.terminal", "expected a boolean (true or false), got string \"yes\"")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":\"sh\"}}",
        "process.args", "expected an array, got string \"sh\"")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":1}}}",
        "linux.sysctl[\"net.ipv4.ip_forward\"]", "expected a string, got number 1")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":1.5}}}}",
        "linux.resources.memory.limit", "expected a 64-bit integer, got number 1.5")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":70000}}}}",
        "linux.resources.blockIO.weight", "expected an unsigned 16-bit integer (0 to 65535), got number 70000")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"mounts\":{}}",
        "mounts", "expected an array, got an object")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":\"5\"}]}}",
        "hooks.prestart[0].timeout", "expected a 32-bit integer, got string \"5\"")]
    [InlineData("[1,2]", "$", "expected an object, got an array")]
    [InlineData("\"text\"", "$", "expected an object, got string \"text\"")]
    [InlineData("null", "$", "expected a JSON object, got null")]
    public void WrongTypesNameThePathAndBothKinds(string json, string path, string fragment)
    {
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Parse(json));
        var e = Assert.Single(ex.Errors);
        Assert.Equal(path, e.Path);
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith($"config.json: {path}: ", ex.Message);
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("{", "$")]
    [InlineData("{\"ociVersion\":\"1.0.0\",\n \"linux\": {\"uidMappings\": [{\"si", "linux.uidMappings[0]")]
    [InlineData("{\"ociVersion\":\"1.0.0\",}", "$")]
    [InlineData("{\"ociVersion\":\"1.0.0\" /* c */}", "$")]
    [InlineData("{\"ociVersion\":\"1.0.0\"} trailing", "$")]
    public void SyntaxErrorsAreReportedWithPathAndLine(string json, string path)
    {
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Parse(json));
        var e = Assert.Single(ex.Errors);
        Assert.Equal(path, e.Path);
        Assert.StartsWith("malformed JSON (line ", e.Message);
    }

    [Fact]
    public void LineNumbersAreOneBased()
    {
        var ex = Assert.Throws<SpecException>(() => ConfigLoader.Parse("{\n\"ociVersion\": \"1.0.0\",\n\"root\": 7\n}"));
        Assert.Contains("(line 3, ", ex.Errors[0].Message);
    }

    [Fact]
    public void MissingRequiredNumbersAreReportedNotDefaulted()
    {
        var c = ConfigLoader.Parse("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"user\"}]," +
                                   "\"uidMappings\":[{\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}");
        Assert.Null(c.Linux!.UidMappings![0].ContainerIdJson);
        var e = Assert.Single(ConfigValidator.Validate(c));
        Assert.Equal("linux.uidMappings[0].containerID", e.Path);
    }

    [Fact]
    public void ZeroIsDistinctFromAbsent()
    {
        var c = ConfigLoader.Parse("{\"ociVersion\":\"1.0.0\",\"process\":{\"cwd\":\"/\",\"oomScoreAdj\":0,\"user\":{\"uid\":0,\"gid\":0,\"umask\":0}}," +
                                   "\"linux\":{\"resources\":{\"pids\":{\"limit\":0},\"memory\":{\"swappiness\":0}}}}");
        Assert.Equal(0, c.Process!.OomScoreAdj);
        Assert.Equal(0u, c.Process.User.Umask);
        Assert.Null(c.Process.Terminal);
        Assert.Null(c.Process.NoNewPrivileges);
        Assert.Equal(0, c.Linux!.Resources!.Pids!.Limit);
        Assert.Null(c.Linux.Resources.Memory!.Limit);
        Assert.Equal(0UL, c.Linux.Resources.Memory.Swappiness);
    }
}
