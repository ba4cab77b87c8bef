using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace OciRuntime.Cgroups.Systemd;

/// <summary>
/// The few org.freedesktop.systemd1.Manager calls the driver makes, over <see cref="DBusSocket"/>.
/// As root it talks to systemd's own socket /run/systemd/private (a direct connection: no
/// dbus-daemon needed, as systemctl does); if that socket is missing it falls back to the system
/// bus. Every failure names the unit and systemd's D-Bus error name and message.
/// </summary>
public sealed class SystemdBus
{
    public const string PrivateSocket = "/run/systemd/private";
    public const string SystemBusSocket = "/run/dbus/system_bus_socket";
    private const string Service = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);

    private readonly DBusSocket _socket;
    public string Address => _socket.Path;

    private SystemdBus(DBusSocket socket) => _socket = socket;

    private static SystemdBus? _shared;

    /// <summary>The process's one connection to systemd, made on first use and kept until exit (a CLI process lives for one command).</summary>
    public static SystemdBus Shared(string unit) => _shared ??= Connect(unit);

    /// <summary><paramref name="unit"/> only names what the connection was for in errors.</summary>
    private static SystemdBus Connect(string unit)
    {
        if (SystemdManager.IsUser) return ConnectUser(unit);
        // sd_booted(3): systemd is PID 1 exactly when /run/systemd/system exists.
        if (!Directory.Exists("/run/systemd/system"))
            throw new CgroupException($"--systemd-cgroup: cannot manage unit {unit}: systemd is not running as PID 1 on this host (/run/systemd/system does not exist); use the cgroupfs driver (drop --systemd-cgroup, and SystemdCgroup = false in containerd)");
        bool priv = File.Exists(PrivateSocket);
        string path = priv ? PrivateSocket : SystemBusSocket;
        try
        {
            return new SystemdBus(DBusSocket.Open(path, isBus: !priv, SystemdManager.PeerUid));
        }
        catch (Exception e) when (e is DBusTransportException or DBusErrorException)
        {
            throw new CgroupException($"--systemd-cgroup: cannot manage unit {unit}: talking to systemd at {path}: {e.Message} (as root the runtime uses {PrivateSocket}; is systemd PID 1?)", e);
        }
    }

    /// <summary>Rootless: the user's own manager over its private socket (SystemdManager says why).</summary>
    private static SystemdBus ConnectUser(string unit)
    {
        string path = SystemdManager.UserPrivateSocket()
            ?? throw new CgroupException($"--systemd-cgroup: rootless: cannot manage unit {unit}: XDG_RUNTIME_DIR is not set, so the user's systemd manager ($XDG_RUNTIME_DIR/systemd/private) cannot be found; run in a systemd user session, or use the cgroupfs driver");
        try
        {
            return new SystemdBus(DBusSocket.Open(path, isBus: false, SystemdManager.PeerUid));
        }
        catch (Exception e) when (e is DBusTransportException or DBusErrorException)
        {
            throw new CgroupException($"--systemd-cgroup: rootless: cannot manage unit {unit}: talking to the user's systemd manager at {path}: {e.Message} (start it: systemctl start user@{SystemdManager.PeerUid}.service, or loginctl enable-linger; or use the cgroupfs driver)", e);
        }
    }

    /// <summary>
    /// The manager's own cgroup (Manager.ControlGroup): "" for PID 1, and for a user manager its
    /// service's cgroup (/user.slice/user-1000.slice/user@1000.service), under which its slices live.
    /// </summary>
    public string ManagerControlGroup(string unit) =>
        GetStringProperty(unit, ManagerPath, ManagerInterface, "ControlGroup") ?? "";

    /// <summary>StartTransientUnit(name, "replace", properties, []) and wait until its job is done.</summary>
    public void StartTransientUnit(string unit, IReadOnlyList<UnitProperty> properties)
    {
        var w = new DBusWriter();
        w.String(unit);
        w.String("replace");
        WriteProperties(w, properties);
        w.EndArray(w.BeginArray(8)); // no auxiliary units
        string job = Call(unit, "StartTransientUnit", "ssa(sv)a(sa(sv))", w).String();
        WaitForJob(unit, job);
        string state = ActiveState(unit);
        if (state != "active")
            throw new CgroupException($"systemd unit {unit}: its start job finished but the unit is {state} (see `journalctl -u {unit}`)");
    }

    /// <summary>SetUnitProperties(name, runtime = true, properties): `update` of a running container.</summary>
    public void SetUnitProperties(string unit, IReadOnlyList<UnitProperty> properties)
    {
        if (properties.Count == 0) return;
        var w = new DBusWriter();
        w.String(unit);
        w.Bool(true);
        WriteProperties(w, properties);
        Call(unit, "SetUnitProperties", "sba(sv)", w);
    }

    /// <summary>
    /// StopUnit(name, "replace") and wait for the job, then ResetFailedUnit so no failed unit
    /// blocks the next container of the same name (runc's Destroy). A unit that is already gone
    /// is success. Every call and the job wait end within <paramref name="timeout"/>.
    /// </summary>
    public void StopUnit(string unit, TimeSpan timeout)
    {
        _deadline = DateTime.UtcNow + timeout;
        try
        {
            var w = new DBusWriter();
            w.String(unit);
            w.String("replace");
            try
            {
                string job = Call(unit, "StopUnit", "ss", w).String();
                WaitForJob(unit, job);
            }
            catch (SystemdCallException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchUnit")
            {
                // An empty scope is stopped and collected by systemd itself once its last process exits.
            }
            ResetFailedUnit(unit);
        }
        finally
        {
            _deadline = null;
        }
    }

    /// <summary>While set (during <see cref="StopUnit"/>), every call and job wait ends by then.</summary>
    private DateTime? _deadline;

    /// <summary>What is left until <see cref="_deadline"/>; null (the socket's own reply timeout) outside StopUnit.</summary>
    private TimeSpan? CallTimeout(string unit, string method)
    {
        if (_deadline is not { } d) return null;
        TimeSpan left = d - DateTime.UtcNow;
        if (left <= TimeSpan.Zero) throw new CgroupException($"systemd unit {unit}: {method} over {Address}: no time left (the unit's stop took longer than allowed)");
        return left;
    }

    public void ResetFailedUnit(string unit)
    {
        var w = new DBusWriter();
        w.String(unit);
        try { Call(unit, "ResetFailedUnit", "s", w); }
        catch (SystemdCallException) { } // not failed, or gone: nothing to reset
    }

    /// <summary>The unit's ActiveState ("active", "failed", ...), or "gone" if systemd does not know it.</summary>
    public string ActiveState(string unit)
    {
        var w = new DBusWriter();
        w.String(unit);
        string path;
        try { path = Call(unit, "GetUnit", "s", w).String(); }
        catch (SystemdCallException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchUnit") { return "gone"; }
        return GetStringProperty(unit, path, "org.freedesktop.systemd1.Unit", "ActiveState") ?? "gone";
    }

    /// <summary>
    /// Polls the job object until systemd drops it (jobs are removed when they finish). Polling
    /// instead of the JobRemoved signal: no subscription, the same code on the private socket and
    /// on the bus, and a scope's job finishes within a few milliseconds.
    /// </summary>
    private void WaitForJob(string unit, string job)
    {
        DateTime deadline = _deadline ?? DateTime.UtcNow + JobTimeout;
        int sleepMs = 0;
        while (GetStringProperty(unit, job, "org.freedesktop.systemd1.Job", "State") is not null)
        {
            if (DateTime.UtcNow > deadline)
                throw new CgroupException($"systemd unit {unit}: job {job} did not finish in time (see `systemctl status {unit}`)");
            Thread.Sleep(sleepMs);
            sleepMs = Math.Min(sleepMs + 1, 10);
        }
    }

    /// <summary>org.freedesktop.DBus.Properties.Get of a string property; null if the object does not exist.</summary>
    private string? GetStringProperty(string unit, string path, string iface, string name)
    {
        var w = new DBusWriter();
        w.String(iface);
        w.String(name);
        try
        {
            DBusReader r = Call(unit, "Get " + name, "ss", w, path, "org.freedesktop.DBus.Properties", "Get");
            string sig = r.Signature();
            if (sig != "s") throw new CgroupException($"systemd unit {unit}: {iface}.{name} has type '{sig}', expected 's'");
            return r.String();
        }
        catch (SystemdCallException e) when (e.ErrorName is "org.freedesktop.DBus.Error.UnknownObject" or "org.freedesktop.systemd1.NoSuchJob" or "org.freedesktop.systemd1.NoSuchUnit")
        {
            return null;
        }
    }

    /// <summary>a(sv): each property a struct of its name and a variant (signature, then the value).</summary>
    private static void WriteProperties(DBusWriter w, IReadOnlyList<UnitProperty> properties)
    {
        var a = w.BeginArray(8);
        foreach (UnitProperty p in properties)
        {
            w.BeginStruct();
            w.String(p.Name);
            w.Signature(p.Signature);
            switch (p)
            {
                case UnitProperty.Bool b: w.Bool(b.Value); break;
                case UnitProperty.Str s: w.String(s.Value); break;
                case UnitProperty.UInt64 t: w.UInt64(t.Value); break;
                case UnitProperty.UInt32Array u:
                    var ua = w.BeginArray(4);
                    foreach (uint v in u.Value) w.UInt32(v);
                    w.EndArray(ua);
                    break;
                case UnitProperty.ByteArray y:
                    var ya = w.BeginArray(1);
                    foreach (byte v in y.Value) w.Byte(v);
                    w.EndArray(ya);
                    break;
                case UnitProperty.Any any: any.Value.WriteTo(w); break;
            }
        }
        w.EndArray(a);
    }

    private DBusReader Call(string unit, string method, string signature, DBusWriter body,
        string path = ManagerPath, string iface = ManagerInterface, string? member = null)
    {
        try
        {
            return _socket.Call(Service, path, iface, member ?? method, signature, body.ToArray(), CallTimeout(unit, method));
        }
        catch (DBusErrorException e)
        {
            throw new SystemdCallException(unit, method, e.Name, e.ErrorMessage, e);
        }
        catch (Exception e) when (e is DBusTransportException or InvalidOperationException)
        {
            throw new CgroupException($"systemd unit {unit}: {method} over {Address}: {e.Message}", e);
        }
    }
}

/// <summary>systemd answered a call with a D-Bus error: the unit, the method, the error's name and message.</summary>
public sealed class SystemdCallException : CgroupException
{
    public string ErrorName { get; }

    public SystemdCallException(string unit, string method, string errorName, string errorMessage, Exception inner)
        : base($"systemd unit {unit}: {method} failed: {errorName}: {errorMessage}", inner)
    {
        ErrorName = errorName;
    }
}
