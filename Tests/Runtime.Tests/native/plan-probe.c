/*
 * The C side of the plan contract, for PlanLayoutTests: "layout" prints every size, offset and
 * enum value of plan.h as "name value" lines; "verify" reads a plan on stdin and prints what the
 * sealed init's verifier (Native/init/verify.c, linked in) says of it: "ok" or "bad <step>".
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

#define P(name, value) printf("%s %lld\n", name, (long long)(value))

static int layout(void)
{
    P("header.size", sizeof(struct oci_plan_header));
    P("header.magic", offsetof(struct oci_plan_header, magic));
    P("header.version", offsetof(struct oci_plan_header, version));
    P("header.step_count", offsetof(struct oci_plan_header, step_count));
    P("header.slot_count", offsetof(struct oci_plan_header, slot_count));
    P("header.steps_offset", offsetof(struct oci_plan_header, steps_offset));
    P("header.data_offset", offsetof(struct oci_plan_header, data_offset));
    P("header.data_length", offsetof(struct oci_plan_header, data_length));
    P("header.sync_fd", offsetof(struct oci_plan_header, sync_fd));
    P("header.parent_sync_fd", offsetof(struct oci_plan_header, parent_sync_fd));
    P("header.handover_offset", offsetof(struct oci_plan_header, handover_offset));
    P("header.handover_count", offsetof(struct oci_plan_header, handover_count));
    P("step.size", sizeof(struct oci_step));
    P("step.op", offsetof(struct oci_step, op));
    P("step.nr", offsetof(struct oci_step, nr));
    P("step.arg_kinds", offsetof(struct oci_step, arg_kinds));
    P("step.result_slot", offsetof(struct oci_step, result_slot));
    P("step.ok_errno", offsetof(struct oci_step, ok_errno));
    P("step.skip_on_ok_errno", offsetof(struct oci_step, skip_on_ok_errno));
    P("step.ok_errno2", offsetof(struct oci_step, ok_errno2));
    P("step.skip_on_success", offsetof(struct oci_step, skip_on_success));
    P("step.args", offsetof(struct oci_step, args));
    P("msg.size", sizeof(struct oci_msg));
    P("msg.type", offsetof(struct oci_msg, type));
    P("msg.step", offsetof(struct oci_msg, step));
    P("msg.err", offsetof(struct oci_msg, err));
    P("msg.pid", offsetof(struct oci_msg, pid));
    P("magic", OCI_PLAN_MAGIC);
    P("version", OCI_PLAN_VERSION);
    P("max_slots", OCI_MAX_SLOTS);
    P("max_handover", OCI_MAX_HANDOVER);
    P("arg.Immediate", OCI_ARG_IMM);
    P("arg.Data", OCI_ARG_DATA);
    P("arg.Slot", OCI_ARG_SLOT);
    P("arg.FdPath", OCI_ARG_FDPATH);
    P("op.Syscall", OCI_OP_SYSCALL);
    P("op.SyncWait", OCI_OP_SYNC_WAIT);
    P("op.SyncSend", OCI_OP_SYNC_SEND);
    P("op.Fork", OCI_OP_FORK);
    P("op.Lookup", OCI_OP_LOOKUP);
    P("op.Exec", OCI_OP_EXEC);
    P("op.SendFd", OCI_OP_SEND_FD);
    P("op.Seccomp", OCI_OP_SECCOMP);
    P("op.ReportTo", OCI_OP_REPORT_TO);
    P("op.SyncSendFd", OCI_OP_SYNC_SEND_FD);
    P("op.RecvFd", OCI_OP_RECV_FD);
    P("msg.Go", OCI_MSG_GO);
    P("msg.Ready", OCI_MSG_READY);
    P("msg.Pid", OCI_MSG_PID);
    P("msg.Error", OCI_MSG_ERROR);
    P("msg.Fd", OCI_MSG_FD);
    P("msg.Maps", OCI_MSG_MAPS);
    P("msg.Hooks", OCI_MSG_HOOKS);
    P("msg.MountSources", OCI_MSG_MOUNT_SOURCES);
    P("prestep.ExecInit", OCI_STEP_EXEC_INIT);
    P("prestep.Verify", OCI_STEP_VERIFY);
    P("prestep.LoadPlan", OCI_STEP_LOAD_PLAN);
    return 0;
}

static _Alignas(8) char buffer[1 << 22];

static int verify(void)
{
    size_t n = 0;
    ssize_t r;
    while ((r = read(0, buffer + n, sizeof buffer - n)) > 0)
        n += (size_t)r;
    int32_t bad;
    if (oci_verify_plan((const struct oci_plan_header *)buffer, n, &bad) == 0)
        printf("ok\n");
    else
        printf("bad %d\n", bad);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "layout") == 0)
        return layout();
    if (argc == 2 && strcmp(argv[1], "verify") == 0)
        return verify();
    fprintf(stderr, "usage: plan-probe layout|verify\n");
    return 2;
}
