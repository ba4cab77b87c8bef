# Checks shared by the docker and podman suites: the two CLIs take the same commands and flags
# here. Sourced after lib.sh with P (the client command), RUN (run flags), IMG and name() set.


# --- run --rm ------------------------------------------------------------------------------------
begin "run --rm: stdout and exit status 0"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'echo hello; echo world'
want_rc 0
want_out $'hello\nworld'
end

begin "run --rm: exit status 7"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'echo to-stderr >&2; exit 7'
want_rc 7
want_err_has to-stderr
end

begin "run --rm -i: stdin, EOF closes it"
run -i $'line one\nline two\n' -- "${P[@]}" run --rm -i "${RUN[@]}" "$IMG" sh -c 'cat; echo eof'
want_rc 0
want_out $'line one\nline two\neof'
end

begin "run --rm -t: a terminal"
run_tty "${P[@]}" run --rm -t "${RUN[@]}" "$IMG" sh -c 'test -t 0 && test -t 1 && tty && exit 3'
want_rc 3
want_out_re '/dev/pts/[0-9]+'
end

begin "run --rm of a missing executable: exit status 127"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" /no/such/binary
want_rc 127
want_err_has "/no/such/binary"
end

begin "run --rm of a non-executable file: exit status 126"
run -- "${P[@]}" run --rm "${RUN[@]}" "$IMG" /etc/passwd
want_rc 126
want_err_has "permission denied"
end

# --- detached: exec, pause/unpause, update --------------------------------------------------------
D=$(name d)
begin "run -d: running"
run -- "${P[@]}" run -d --name "$D" "${RUN[@]}" "$IMG" \
  sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.1; done'
want_rc 0
want 'wait_for 10 state_is "$D" running' "state '$(cstate "$D")', want running"
DPID=$(cpid "$D")
want '[ -n "$DPID" ] && [ "$DPID" != 0 ] && wait_for 5 test -s /proc/$DPID/root/tmp/count' "the container loop does not run (pid '$DPID')"
end
DPID=$(cpid "$D")
log "the container's cgroups: $(tr '\n' ' ' 2>/dev/null </proc/$DPID/cgroup)"

begin "exec: output and exit status"
run -- "${P[@]}" exec "$D" sh -c 'echo exec-out; echo exec-err >&2; exit 5'
want_rc 5
want_out exec-out
want_err_has exec-err
end

begin "exec -i: stdin, EOF closes it"
run -i $'abc\ndef\n' -- "${P[@]}" exec -i "$D" sh -c 'cat; echo eof'
want_rc 0
want_out $'abc\ndef\neof'
end

begin "exec -t: a terminal"
run_tty "${P[@]}" exec -t "$D" sh -c 'test -t 0 && tty && exit 4'
want_rc 4
want_out_re '/dev/pts/[0-9]+'
end

begin "exec joins the container (pid namespace, root)"
run -- "${P[@]}" exec "$D" sh -c 'cat /proc/1/cmdline | tr "\0" " "; test -f /tmp/count && echo has-count'
want_rc 0
want_out_has "while :"
want_out_has has-count
end
