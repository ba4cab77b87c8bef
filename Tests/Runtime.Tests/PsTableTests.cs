using System.Text;
using OciRuntime.Commands;

namespace OciRuntime.Tests;

/// <summary>The `ps -ef` table procps prints, from made-up processes on a made-up host.</summary>
public class PsTableTests
{
    // 2026-11-30 14:00:00 UTC, booted 10 000 s earlier; 100 ticks a second.
    private static readonly PsTable.Clock Clock = new(1796047200, 1796047200 - 10_000, 10_000.5, TimeZoneInfo.Utc);

    private static PsProcessInfo P(int pid, int ppid = 1, uint euid = 0, ulong startSecondsAfterBoot = 9_000, ulong cpuTicks = 0,
        string cmdline = "sleep\01000\0", char state = 'S', string comm = "sleep", int tty = 0) =>
        new(pid, ppid, euid, state, comm, tty, cpuTicks, startSecondsAfterBoot * 100, Encoding.UTF8.GetBytes(cmdline));

    private static readonly Dictionary<uint, string> Users = new() { [0] = "root", [65534] = "nobody", [998] = "systemd-network" };

    private static string[] Table(int pidDigits, params PsProcessInfo[] ps) =>
        PsTable.Format(ps, Clock, Users, pidDigits, utf8: false).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Header_And_Row_MatchProcpsLayout_ForAFiveDigitPidMax()
    {
        string[] t = Table(5, P(31334, startSecondsAfterBoot: 9_000), P(7, ppid: 31334, euid: 65534));
        Assert.Equal("UID        PID  PPID  C STIME TTY          TIME CMD", t[0]);
        Assert.Equal("root     31334     1  0 13:43 ?        00:00:00 sleep 1000", t[1]);
        Assert.Equal("nobody       7 31334  0 13:43 ?        00:00:00 sleep 1000", t[2]);
    }

    [Fact]
    public void PidColumns_AreAsWideAsPidMax()
    {
        string[] t = Table(7, P(4194000, ppid: 4193999));
        Assert.Equal("UID          PID    PPID  C STIME TTY          TIME CMD", t[0]);
        Assert.Equal("root     4194000 4193999  0 13:43 ?        00:00:00 sleep 1000", t[1]);
    }

    [Fact]
    public void UserNamesWiderThanEight_AreNumbers_AndUnknownUidsToo()
    {
        string[] t = Table(5, P(10, euid: 998), P(11, euid: 4242));
        Assert.StartsWith("998         10 ", t[1]);
        Assert.StartsWith("4242        11 ", t[2]);
    }

    [Fact]
    public void OverflowingValues_PushTheLine_AndTheNextPaddingTakesItBack()
    {
        // Wider pids than pid_max's digits (a raised pid_max): PID starts at its column's left
        // edge, so PPID and the columns after it are still in line.
        string[] t = Table(5, P(123456, ppid: 1), P(1234567, ppid: 7654321));
        Assert.Equal("root     123456    1  0 13:43 ?        00:00:00 sleep 1000", t[1]);
        // Two overruns: TTY's padding (it is left-aligned) takes them back before TIME.
        Assert.Equal("root     1234567 7654321  0 13:43 ?    00:00:00 sleep 1000", t[2]);
    }

    [Theory]
    [InlineData(9_000UL, "13:43")]          // today
    [InlineData(0UL, "11:13")]              // boot, still today
    public void StartTime_Today_IsHoursAndMinutes(ulong after, string expected) =>
        Assert.Equal(expected, PsTable.StartTime(P(1, startSecondsAfterBoot: after), Clock));

    [Fact]
    public void StartTime_EarlierThisYear_IsMonthAndDay_EarlierYears_TheYear()
    {
        var longAgo = Clock with { BootUnix = Clock.NowUnix - 40 * 86400 };
        Assert.Equal("Oct21", PsTable.StartTime(P(1, startSecondsAfterBoot: 0), longAgo));
        var lastYear = Clock with { BootUnix = Clock.NowUnix - 400 * 86400 };
        Assert.Equal("2025", PsTable.StartTime(P(1, startSecondsAfterBoot: 0), lastYear));
        Assert.Equal("root         1     1  0  2025 ?        00:00:00 sleep 1000",
            PsTable.Format([P(1, startSecondsAfterBoot: 0)], lastYear, Users, 5, false).Split('\n')[1]);
    }

    [Theory]
    [InlineData(0UL, "00:00:00")]
    [InlineData(59UL, "00:00:59")]
    [InlineData(3_725UL, "01:02:05")]
    [InlineData(90_061UL, "1-01:01:01")]
    public void CpuTime_IsDaysHoursMinutesSeconds(ulong seconds, string expected) => Assert.Equal(expected, PsTable.CpuTime(seconds));

    [Theory]
    [InlineData(0UL, 0UL, " 0")]          // started this instant: no life to divide by
    [InlineData(20UL, 100UL, " 5")]       // 1 s of cpu in 20 s of life: 5%
    [InlineData(20UL, 1000UL, "50")]
    [InlineData(20UL, 100_000UL, "99")]   // capped at 99
    public void C_IsTheTruncatedCpuPercentOfTheProcesssLife(ulong ageSeconds, ulong cpuTicks, string expected) =>
        Assert.Equal(expected, PsTable.Cpu(P(1, startSecondsAfterBoot: 10_000 - ageSeconds, cpuTicks: cpuTicks), Clock with { UptimeSeconds = 10_000 }));

    [Theory]
    [InlineData(0, "?")]
    [InlineData((136 << 8) | 0, "pts/0")]
    [InlineData((136 << 8) | 7, "pts/7")]
    [InlineData((136 << 8) | 44 | (1 << 20), "pts/300")]   // minor 300: low byte 44, high bits at 20
    [InlineData((4 << 8) | 1, "tty1")]
    [InlineData((4 << 8) | 64, "ttyS0")]
    [InlineData((5 << 8) | 1, "console")]
    public void Tty_NamesTheControllingTerminal(int ttyNr, string expected) => Assert.Equal(expected, PsTable.Tty(ttyNr));

    [Theory]
    [InlineData("sleep\01000\0", "sleep 1000")]
    [InlineData("a\0\0b\0", "a  b")]                    // an empty argument
    [InlineData("sh\0-c\0x\ty\0", "sh -c x?y")]         // unprintable: '?'
    [InlineData("multi\nline\0", "multi line")]         // newlines between words become spaces
    [InlineData("title set by the process ", "title set by the process")]
    [InlineData("caf\u00e9\0", "caf??")]                // non-ASCII in the C locale
    public void Command_IsTheCommandLine_AsProcpsEscapesIt(string cmdline, string expected) =>
        Assert.Equal(expected, PsTable.Command(P(1, cmdline: cmdline), utf8: false));

    [Fact]
    public void Command_KeepsUtf8_InAUtf8Locale() =>
        Assert.Equal("café", PsTable.Command(P(1, cmdline: "caf\u00e9\0"), utf8: true));

    [Fact]
    public void Command_WithoutACommandLine_IsTheBracketedName_AndZombiesAreDefunct()
    {
        Assert.Equal("[kworker/0:1]", PsTable.Command(P(2, cmdline: "", comm: "kworker/0:1"), false));
        Assert.Equal("[sleep] <defunct>", PsTable.Command(P(3, cmdline: "", state: 'Z'), false));
    }

    [Fact]
    public void Stat_IsParsed_WithParenthesesAndSpacesInComm()
    {
        string stat = "4242 (we(i)rd name) S 17 4242 4242 34816 4242 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123456 1000 10 18446744073709551615";
        var p = PsProcessInfo.ParseStat(stat, 1000)!;
        Assert.Equal(4242, p.Pid);
        Assert.Equal(17, p.PPid);
        Assert.Equal('S', p.State);
        Assert.Equal("we(i)rd name", p.Comm);
        Assert.Equal(34816, p.TtyNr);       // 136:0 → pts/0
        Assert.Equal(300UL, p.CpuTicks);
        Assert.Equal(123456UL, p.StartTicks);
    }

    [Fact]
    public void EffectiveUid_IsTheSecondUidField() =>
        Assert.Equal(0u, PsProcessInfo.EffectiveUid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n"));

    [Fact]
    public void Passwd_FirstEntryForAUidWins_CommentsAndNisLinesAreSkipped()
    {
        var names = PasswdNames.Parse("# c\nroot:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\n+nis::::::\nnobody:x:65534:65534::/:/sbin/nologin\n");
        Assert.Equal("root", names[0]);
        Assert.Equal("nobody", names[65534]);
        Assert.Equal(2, names.Count);
    }
}
