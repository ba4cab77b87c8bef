/*
 * The plan verifier: runs before the first step, in the sealed init (or the weakened test
 * build's child). C# builds plans, so a failure here is a runtime bug; it is reported as one
 * (OCI_STEP_VERIFY) instead of letting a bad offset read or jump somewhere arbitrary.
 * The runtime runs Native/Plan/PlanVerifier.cs on the same plan before the spawn, which names the
 * step and the problem; this check stays as the last line (the plan crossed a memfd and an exec).
 */
#include "../helper/plan.h"
#include "../helper/sys.h"

static uint8_t written[OCI_MAX_SLOTS];

static int known_op(uint32_t op)
{
    return op >= OCI_OP_SYSCALL && op <= OCI_OP_RECV_FD;
}

static int header_ok(const struct oci_plan_header *h, uint64_t length)
{
    if (length < sizeof *h || h->magic != OCI_PLAN_MAGIC || h->version != OCI_PLAN_VERSION)
        return 0;
    if (h->slot_count > OCI_MAX_SLOTS || h->handover_count > OCI_MAX_HANDOVER)
        return 0;
    if (h->steps_offset % 8 != 0 || h->data_offset % 8 != 0 || h->handover_offset % 4 != 0)
        return 0;
    if ((uint64_t)h->steps_offset + (uint64_t)h->step_count * sizeof(struct oci_step) > length)
        return 0;
    if (h->data_length == 0 || (uint64_t)h->data_offset + h->data_length > length)
        return 0;
    /* every string read from the data area stops at this NUL at the latest */
    if (((const char *)h)[h->data_offset + h->data_length - 1] != '\0')
        return 0;
    if ((uint64_t)h->handover_offset + (uint64_t)h->handover_count * 4 > length)
        return 0;
    return 1;
}

int oci_verify_plan(const struct oci_plan_header *h, uint64_t length, int32_t *bad_step)
{
    *bad_step = OCI_STEP_VERIFY;
    if (!header_ok(h, length))
        return -1;
    const struct oci_step *steps = (const struct oci_step *)((const char *)h + h->steps_offset);
    oci_memset(written, 0, sizeof written);
    for (uint32_t i = 0; i < h->step_count; i++) {
        const struct oci_step *s = &steps[i];
        *bad_step = (int32_t)i;
        if (!known_op(s->op) || (s->arg_kinds >> 18) != 0)
            return -1;
        for (int a = 0; a < 6; a++) {
            uint32_t kind = (s->arg_kinds >> (3 * a)) & 7u;
            int64_t v = s->args[a];
            switch (kind) {
            case OCI_ARG_IMM:
                break;
            case OCI_ARG_DATA:
                if (v != -1 && (v < 0 || (uint64_t)v >= h->data_length))
                    return -1;
                break;
            case OCI_ARG_SLOT:
            case OCI_ARG_FDPATH:
                /* a slot is read only after an earlier step wrote it */
                if (v < 0 || (uint64_t)v >= h->slot_count || !written[v])
                    return -1;
                break;
            default:
                return -1;
            }
        }
        if (s->result_slot < -1 || (s->result_slot >= 0 && (uint32_t)s->result_slot >= h->slot_count))
            return -1;
        if (s->ok_errno < 0 || s->ok_errno > 4095 || s->ok_errno2 < 0 || s->ok_errno2 > 4095)
            return -1;
        /* jumps go forward and land on a step (or just past the last one) */
        if (s->skip_on_ok_errno < 0 || s->skip_on_success < 0 ||
            (uint64_t)i + 1 + (uint64_t)s->skip_on_ok_errno > h->step_count ||
            (uint64_t)i + 1 + (uint64_t)s->skip_on_success > h->step_count)
            return -1;
        if (s->result_slot >= 0)
            written[s->result_slot] = 1;
    }
    return 0;
}
