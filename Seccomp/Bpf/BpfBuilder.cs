using System;
using System.Collections.Generic;

namespace OciRuntime.Seccomp;

/// <summary>
/// Emits cBPF with symbolic forward labels and assembles it. Conditional jumps in cBPF
/// reach at most 255 instructions ahead (jt/jf are u8), so a conditional jump whose target
/// is farther gets a trampoline: an unconditional <c>ja</c> (32-bit offset) placed right
/// after it. Trampolines only ever lengthen the program, so the layout is iterated until
/// no jump needs a new one (monotone, so it terminates).
/// </summary>
internal sealed class BpfBuilder
{
    private enum Kind : byte { Plain, Cond, Goto }

    private struct Node
    {
        public Kind Kind;
        public ushort Code;
        public uint K;
        public int True;   // label (Cond) or target label (Goto)
        public int False;  // label (Cond)
        public bool TrampTrue, TrampFalse;
    }

    private readonly List<Node> _nodes = new(256);
    private readonly List<int> _labelAt = new(256); // label id -> node index, -1 until marked

    public int Count => _nodes.Count;

    public int NewLabel()
    {
        _labelAt.Add(-1);
        return _labelAt.Count - 1;
    }

    /// <summary>Binds <paramref name="label"/> to the next instruction emitted.</summary>
    public void Mark(int label)
    {
        if (_labelAt[label] != -1) throw new InvalidOperationException("label marked twice");
        _labelAt[label] = _nodes.Count;
    }

    public void Load(uint offset) => _nodes.Add(new Node { Kind = Kind.Plain, Code = Bpf.LdWAbs, K = offset });
    public void And(uint k) => _nodes.Add(new Node { Kind = Kind.Plain, Code = Bpf.AluAndK, K = k });
    public void Ret(uint action) => _nodes.Add(new Node { Kind = Kind.Plain, Code = Bpf.RetK, K = action });
    public void Goto(int label) => _nodes.Add(new Node { Kind = Kind.Goto, True = label });

    /// <summary>Conditional jump: <c>if (A op k) goto whenTrue else goto whenFalse</c>.</summary>
    public void Jump(ushort code, uint k, int whenTrue, int whenFalse) =>
        _nodes.Add(new Node { Kind = Kind.Cond, Code = code, K = k, True = whenTrue, False = whenFalse });

    public SockFilter[] Assemble()
    {
        Node[] nodes = _nodes.ToArray();
        int[] pos = new int[nodes.Length + 1];
        while (true)
        {
            // Layout: each node takes 1 slot, plus one per trampoline; a Goto to the very next
            // slot still takes its slot (keeps the layout simple; rare).
            int p = 0;
            for (int i = 0; i < nodes.Length; i++)
            {
                pos[i] = p;
                p += 1 + (nodes[i].TrampTrue ? 1 : 0) + (nodes[i].TrampFalse ? 1 : 0);
            }
            pos[nodes.Length] = p;

            bool changed = false;
            for (int i = 0; i < nodes.Length; i++)
            {
                ref Node n = ref nodes[i];
                if (n.Kind != Kind.Cond) continue;
                if (!n.TrampTrue && Target(n.True, pos) - (pos[i] + 1) > 255) { n.TrampTrue = true; changed = true; }
                if (!n.TrampFalse && Target(n.False, pos) - (pos[i] + 1) > 255) { n.TrampFalse = true; changed = true; }
            }
            if (!changed) break;
        }

        var program = new SockFilter[pos[nodes.Length]];
        for (int i = 0; i < nodes.Length; i++)
        {
            Node n = nodes[i];
            int at = pos[i];
            switch (n.Kind)
            {
                case Kind.Plain:
                    program[at] = new SockFilter(n.Code, 0, 0, n.K);
                    break;
                case Kind.Goto:
                    program[at] = new SockFilter(Bpf.Ja, 0, 0, (uint)Forward(Target(n.True, pos), at));
                    break;
                case Kind.Cond:
                    int slot = at + 1; // trampolines follow the jump: true side first
                    int jt, jf;
                    if (n.TrampTrue)
                    {
                        jt = slot - (at + 1);
                        program[slot] = new SockFilter(Bpf.Ja, 0, 0, (uint)Forward(Target(n.True, pos), slot));
                        slot++;
                    }
                    else jt = Forward(Target(n.True, pos), at);
                    if (n.TrampFalse)
                    {
                        jf = slot - (at + 1);
                        program[slot] = new SockFilter(Bpf.Ja, 0, 0, (uint)Forward(Target(n.False, pos), slot));
                    }
                    else jf = Forward(Target(n.False, pos), at);
                    program[at] = new SockFilter(n.Code, checked((byte)jt), checked((byte)jf), n.K);
                    break;
            }
        }
        return program;
    }

    private int Target(int label, int[] pos)
    {
        int node = _labelAt[label];
        if (node < 0 || node >= _nodes.Count) throw new InvalidOperationException($"label {label} not bound to an instruction");
        return pos[node];
    }

    private static int Forward(int target, int from)
    {
        int d = target - (from + 1);
        // cBPF has no backward jumps; the generator only ever jumps ahead.
        if (d < 0) throw new InvalidOperationException("backward jump");
        return d;
    }
}
