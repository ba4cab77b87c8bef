# pause, unpause, update --memory, restart and rm -f of a running detached container $D (init $DPID),
# then stop and kill: identical for docker and podman. Sourced after the container is started;
# needs P, D, DPID, CG, RUN, IMG, name() and RM_F (the client's rm -f command).

begin "pause: paused, the container stops running"
run -- "${P[@]}" pause "$D"
want_rc 0
want 'state_is "$D" paused' "state '$(cstate "$D")', want paused"
c1=$(cat /proc/$DPID/root/tmp/count 2>/dev/null); sleep 0.5; c2=$(cat /proc/$DPID/root/tmp/count 2>/dev/null)
want '[ -n "$c1" ] && [ "$c1" = "$c2" ]' "counter moved while paused ($c1 -> $c2)"
end

begin "unpause: running again"
run -- "${P[@]}" unpause "$D"
want_rc 0
want 'state_is "$D" running' "state '$(cstate "$D")', want running"
c1=$(cat /proc/$DPID/root/tmp/count 2>/dev/null)
moved() { [ "$(cat /proc/$DPID/root/tmp/count 2>/dev/null)" != "$c1" ]; }
want 'wait_for 3 moved' "counter does not move after unpause (stays $c1)"
end

# mem_limit PID: the memory limit of PID's cgroup, v1 (memory.limit_in_bytes) or v2 (memory.max)
mem_limit() {
  local p v1 v2
  v1=$(awk -F: '$2 == "memory" { print $3 }' /proc/$1/cgroup 2>/dev/null)
  v2=$(awk -F: '$1 == "0" { print $3 }' /proc/$1/cgroup 2>/dev/null)
  if [ -n "$v1" ] && [ -f "/sys/fs/cgroup/memory$v1/memory.limit_in_bytes" ] && [[ $v1 == *"$CG"* ]]; then
    cat "/sys/fs/cgroup/memory$v1/memory.limit_in_bytes"
  else
    for p in /sys/fs/cgroup/unified$v2 /sys/fs/cgroup$v2; do
      [ -f "$p/memory.max" ] && { cat "$p/memory.max"; return; }
    done
    echo "none (v1 memory cgroup '$v1', v2 '$v2' has no memory.max)"
  fi
}

if v2_only_on_hybrid; then
  # The memory controller is bound to cgroup v1 here: the update must fail and say why.
  begin "update --memory on a hybrid host: refused, naming the controller and the cgroup mode"
  run -- "${P[@]}" update --memory 64m --memory-swap 128m "$D"
  want '[ "$RC" != 0 ]' "update succeeded, but no memory limit can be applied in the v2 hierarchy here"
  want '[[ "$OUT$ERR" == *"memory controller is not available"*hybrid* ]]' "the error does not name the controller and the hybrid mode: $(_short "$ERR" 300)"
  end
else
  begin "update --memory: the limit reaches the container's cgroup"
  run -- "${P[@]}" update --memory 64m --memory-swap 128m "$D"
  want_rc 0
  lim=$(mem_limit "$DPID")
  want '[ "$lim" = 67108864 ]' "memory limit after update: $lim, want 67108864"
  end
fi

begin "restart: a new init, running"
run -- "${P[@]}" restart -t 1 "$D"
want_rc 0
want 'wait_for 10 state_is "$D" running' "state '$(cstate "$D")', want running"
NPID=$(cpid "$D")
want '[ -n "$NPID" ] && [ "$NPID" != 0 ] && [ "$NPID" != "$DPID" ]' "pid after restart '$NPID' (was $DPID)"
want 'wait_for 5 test -s /proc/$NPID/root/tmp/count' "the restarted container does not run"
end

begin "rm -f of a running container"
run -- "${P[@]}" "${RM_F[@]}" "$D"
want_rc 0
run -- "${P[@]}" ps -a -q --filter "name=$D"
want_out ""
want '[ -z "$NPID" ] || [ "$NPID" = 0 ] || wait_for 5 gone "$NPID"' "init $NPID still alive"
end
rmf "$D"

# --- stop, kill ----------------------------------------------------------------------------------
S=$(name stopterm)
begin "stop: SIGTERM, the container's handler decides the exit status"
run -- "${P[@]}" run -d --name "$S" "${RUN[@]}" "$IMG" sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
want_rc 0
want 'wait_for 10 state_is "$S" running' "not running"
sleep 0.3
t0=$SECONDS
run -- "${P[@]}" stop -t 20 "$S"
want_rc 0
want '[ $((SECONDS - t0)) -lt 10 ]' "stop took $((SECONDS - t0)) s: SIGTERM was not delivered"
want 'state_is "$S" exited' "state '$(cstate "$S")', want exited"
want '[ "$(cexit "$S")" = 42 ]' "exit code $(cexit "$S"), want 42"
end
rmf "$S"

S=$(name stopkill)
begin "stop: SIGTERM ignored, then SIGKILL after the timeout (exit 137)"
run -- "${P[@]}" run -d --name "$S" "${RUN[@]}" "$IMG" sleep 1000
want_rc 0
want 'wait_for 10 state_is "$S" running' "not running"
t0=$SECONDS
run -- "${P[@]}" stop -t 2 "$S"
want_rc 0
want '[ $((SECONDS - t0)) -ge 1 ]' "stop returned before its 2 s timeout"
want 'state_is "$S" exited' "state '$(cstate "$S")', want exited"
want '[ "$(cexit "$S")" = 137 ]' "exit code $(cexit "$S"), want 137"
end
rmf "$S"

S=$(name kill)
begin "kill -s USR1 reaches the container"
run -- "${P[@]}" run -d --name "$S" "${RUN[@]}" "$IMG" sh -c 'trap "exit 10" USR1; while :; do sleep 0.1; done'
want_rc 0
want 'wait_for 10 state_is "$S" running' "not running"
sleep 0.3
run -- "${P[@]}" kill -s USR1 "$S"
want_rc 0
want 'wait_for 10 state_is "$S" exited' "state '$(cstate "$S")', want exited"
want '[ "$(cexit "$S")" = 10 ]' "exit code $(cexit "$S"), want 10"
end
rmf "$S"
