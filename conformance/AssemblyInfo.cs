// Tests start real containers, count processes and cgroups, and time things: run them one at a time.
// (Each test still uses its own container id, --root dir, bundle and cgroup, so they do not depend
// on order.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
