using OciRuntime.Cli;
using OciRuntime.Commands;

namespace OciRuntime.Tests;

/// <summary>Help texts: every flag explained with its default, in the project's words (command and flag names stay runc's).</summary>
public class CommandHelpTests
{
    public static IEnumerable<object[]> Commands => Program.Commands.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryFlag_HasAHelpLine(string name)
    {
        ICommand cmd = Program.Commands.Single(c => c.Name == name);
        foreach (OptionSpec o in cmd.Options)
            Assert.True(CommandHelp.For(cmd.Name, o.Name) is not null, $"{name} --{o.Name} has no help text in Runtime/Cli/CommandHelp.cs");
        string text = CommandHelp.Text(cmd);
        Assert.Contains("--help, -h", text);
    }

    [Fact]
    public void FlagsWithDefaults_ShowThem()
    {
        string create = CommandHelp.Text(Program.Commands.Single(c => c.Name == "create"));
        Assert.Contains("--bundle value, -b value", create);
        Assert.Contains("(default: the current directory)", create);
        Assert.Contains("(default: 0)", create);
    }

    // runc 1.1's usage sentences: ours say the same things in other words.
    [Theory]
    [InlineData("kill sends the specified signal (default: SIGTERM) to the container's init process")]
    [InlineData("delete any resources held by the container")]
    [InlineData("executes the user defined process in a created container")]
    [InlineData("pause suspends all processes inside the container")]
    [InlineData("resumes all processes that have been previously paused")]
    [InlineData("ps displays the processes running inside a container")]
    [InlineData("lists containers started by runc with the given root")]
    [InlineData("execute new process inside the container")]
    [InlineData("display container events such as OOM notifications, cpu, memory, and IO usage statistics")]
    [InlineData("update container resource constraints")]
    [InlineData("output the state of a container")]
    [InlineData("create a new specification file")]
    [InlineData("root directory for storage of container state")]
    public void NoSummary_RepeatsRuncsUsageSentence(string runc)
    {
        foreach (ICommand c in Program.Commands)
        {
            Assert.DoesNotContain(runc, c.Summary, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(runc, CommandHelp.Text(c), StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(runc, Program.HelpText(), StringComparison.OrdinalIgnoreCase);
    }
}
